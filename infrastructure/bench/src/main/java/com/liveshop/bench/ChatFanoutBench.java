package com.liveshop.bench;

import com.liveshop.local.LocalStack;
import com.liveshop.local.Options;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One chat message to N local WebSocket connections: time from send to the last delivery through the chat
 * handler (sendMessage → DynamoDB → Query pages → postToConnection ×N through the local @connections endpoint)
 * against the local server writing the same frame to every connection itself, in the same run. Prints figures.
 */
final class ChatFanoutBench {

    private ChatFanoutBench() {}

    /** Counts down when a frame containing the awaited marker arrives. */
    private static final class Client implements WebSocket.Listener {
        final AtomicReference<String> marker = new AtomicReference<>("");
        volatile CountDownLatch latch = new CountDownLatch(0);
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                if (partial.indexOf(marker.get()) >= 0 && !marker.get().isEmpty()) {
                    latch.countDown();
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    static void run(Path template, int connections, int rounds) throws Exception {
        try (LocalStack stack = LocalStack.start(new Options("127.0.0.1", 0, 0, false, false, Optional.of(template)));
             DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(stack.dynamoDbEndpoint()))
                     .region(Region.US_EAST_1).httpClient(AwsClients.httpClient())
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            String session = UUID.randomUUID().toString();
            dynamo.putItem(p -> p.tableName("SessionsTable").item(Map.of("pk", AttributeValue.fromS("SESSION#" + session),
                    "sk", AttributeValue.fromS("META"), "sessionId", AttributeValue.fromS(session),
                    "status", AttributeValue.fromS("LIVE"), "title", AttributeValue.fromS("Bench"))));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
            List<Client> clients = new ArrayList<>();
            long t0 = System.nanoTime();
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Client c = new Client();
                clients.add(c);
                opening.add(http.newWebSocketBuilder().buildAsync(URI.create(stack.webSockets().url() + "?sessionId=" + session
                        + "&name=viewer" + i), c).thenApply(ws -> c.socket = ws));
                if (opening.size() % 64 == 0) {
                    CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                }
            }
            CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            System.out.printf("chat-fanout: %d connections open in %.1f s%n", connections, (System.nanoTime() - t0) / 1e9);
            Thread.sleep(2_500); // let the last viewers-count pushes finish

            List<Double> handler = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                String marker = "handler-" + r + "-" + UUID.randomUUID();
                handler.add(deliver(clients, marker, () -> clients.get(0).socket.sendText(
                        Json.write(Map.of("action", "sendMessage", "text", marker)), true)));
                String directMarker = "direct-" + r + "-" + UUID.randomUUID();
                direct.add(deliver(clients, directMarker, () -> stack.webSockets().broadcastDirect(
                        Json.write(Map.of("type", "chat", "messageId", "0", "name", "viewer0", "role", "viewer", "text", directMarker,
                                "at", "now")))));
                Thread.sleep(2_100); // 5 messages / 10 s per connection: stay under the sender's rate limit
            }
            handler.sort(null);
            direct.sort(null);
            double h = handler.get(handler.size() / 2);
            double d = direct.get(direct.size() / 2);
            System.out.printf("chat-fanout: one message to %d connections, time to last delivery, median of %d rounds:%n", connections, rounds);
            System.out.printf("  through the chat handler (@connections ×%d): %.1f ms  (all: %s)%n", connections, h, handler);
            System.out.printf("  local server broadcastDirect:               %.1f ms  (all: %s)%n", d, direct);
            System.out.printf("  ratio handler / direct: %.1f×%n", h / d);
            for (Client c : clients) {
                c.socket.abort();
            }
        }
    }

    private static double deliver(List<Client> clients, String marker, Runnable send) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(clients.size());
        for (Client c : clients) {
            c.latch = latch;
            c.marker.set(marker);
        }
        long start = System.nanoTime();
        send.run();
        if (!latch.await(120, TimeUnit.SECONDS)) {
            System.out.printf("  %s: only %d of %d delivered within 120 s%n", marker, clients.size() - latch.getCount(), clients.size());
        }
        return Math.round((System.nanoTime() - start) / 1e5) / 10.0;
    }
}
