package com.liveshop.bench;

import com.liveshop.local.LocalStack;
import com.liveshop.local.Options;
import com.liveshop.local.appsync.LocalAppSyncEvents;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.Channels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
 * One chat message to N real-time subscribers of {@code /shows/{id}} on the local stack's AppSync Events endpoint:
 * the time from {@code POST /sessions/{id}/messages} (ticket check, limits, DynamoDB write, one SigV4 publish) to
 * the last delivery, against the emulator writing the same frame to the same subscribers itself. Also the connect
 * storm: N subscribers opening at once (connect, connection_init, subscribe). Prints figures; asserts nothing.
 */
final class ChatFanoutBench {

    private ChatFanoutBench() {}

    /** One subscriber: connects, acks, subscribes, then counts down when an event with the awaited marker arrives. */
    private static final class Subscriber implements WebSocket.Listener {
        final AtomicReference<String> marker = new AtomicReference<>("");
        volatile CountDownLatch delivered = new CountDownLatch(0);
        final CountDownLatch subscribed;
        private final String channel;
        private final Map<String, String> auth;
        private final StringBuilder partial = new StringBuilder();
        volatile WebSocket socket;

        Subscriber(String channel, Map<String, String> auth, CountDownLatch subscribed) {
            this.channel = channel;
            this.auth = auth;
            this.subscribed = subscribed;
        }

        @Override
        public void onOpen(WebSocket ws) {
            socket = ws;
            ws.sendText("{\"type\":\"connection_init\"}", true);
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (text.contains("\"connection_ack\"")) {
                    ws.sendText(Json.write(Map.of("type", "subscribe", "id", UUID.randomUUID().toString(), "channel", channel,
                            "authorization", auth)), true);
                } else if (text.contains("\"subscribe_success\"")) {
                    subscribed.countDown();
                } else if (!marker.get().isEmpty() && text.contains(marker.get())) {
                    delivered.countDown();
                }
            }
            ws.request(1);
            return null;
        }
    }

    static void run(Path template, int subscribers, int rounds) throws Exception {
        try (LocalStack stack = LocalStack.start(new Options("127.0.0.1", 0, 0, false, false, Optional.of(template)));
             DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(stack.dynamoDbEndpoint()))
                     .region(Region.US_EAST_1).httpClient(AwsClients.httpClient())
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            String session = UUID.randomUUID().toString();
            dynamo.putItem(p -> p.tableName("SessionsTable").item(Map.of("pk", AttributeValue.fromS("SESSION#" + session),
                    "sk", AttributeValue.fromS("META"), "sessionId", AttributeValue.fromS(session),
                    "status", AttributeValue.fromS("LIVE"), "title", AttributeValue.fromS("Bench"))));
            LocalAppSyncEvents events = stack.events();
            String channel = Channels.show(session);
            Map<String, String> auth = Map.of("host", URI.create(events.httpEndpoint()).getAuthority(), "x-api-key", events.apiKey());
            String header = "header-" + Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(auth).getBytes(StandardCharsets.UTF_8));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();

            // The connect storm: every subscriber starts at once; done when the last subscription is acknowledged.
            CountDownLatch subscribed = new CountDownLatch(subscribers);
            List<Subscriber> all = new ArrayList<>();
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < subscribers; i++) {
                Subscriber s = new Subscriber(channel, auth, subscribed);
                all.add(s);
                opening.add(http.newWebSocketBuilder().subprotocols(LocalAppSyncEvents.SUBPROTOCOL, header)
                        .buildAsync(URI.create(events.realtimeEndpoint()), s));
            }
            CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
            double opened = (System.nanoTime() - t0) / 1e6;
            if (!subscribed.await(300, TimeUnit.SECONDS)) {
                System.out.printf("chat-fanout: only %d of %d subscribed within 300 s%n", subscribers - subscribed.getCount(), subscribers);
            }
            double storm = (System.nanoTime() - t0) / 1e6;
            System.out.printf("chat-fanout: connect storm of %d subscribers: all open in %.0f ms, all subscribed in %.0f ms (%.0f/s)%n",
                    subscribers, opened, storm, subscribers / (storm / 1000));

            List<Double> handler = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                String ticket = ticket(http, stack.url(), session, "Bench " + r);
                String marker = "handler-" + r + "-" + UUID.randomUUID();
                handler.add(deliver(all, marker, () -> post(http, stack.url() + "/sessions/" + session + "/messages",
                        Json.write(Map.of("text", marker)), ticket)));
                String directMarker = "direct-" + r + "-" + UUID.randomUUID();
                direct.add(deliver(all, directMarker, () -> events.publishDirect(channel, Json.write(Map.of("type", "chat",
                        "messageId", "0", "name", "Bench", "role", "viewer", "text", directMarker, "at", "now")))));
            }
            handler.sort(null);
            direct.sort(null);
            double h = handler.get(handler.size() / 2);
            double d = direct.get(direct.size() / 2);
            System.out.printf("chat-fanout: one message to %d subscribers, time to the last delivery, median of %d rounds:%n", subscribers, rounds);
            System.out.printf("  POST /sessions/{id}/messages → one AppSync Events publish: %.1f ms  (all: %s)%n", h, handler);
            System.out.printf("  emulator writing the frame directly:                      %.1f ms  (all: %s)%n", d, direct);
            System.out.printf("  handler speed vs direct: %.2f× (target ≥ 0.5×, i.e. at most twice the direct time)%n", d / h);
            System.out.printf("  publishes: %d events, %d deliveries%n", events.stats().eventsPublished(), events.stats().messagesDelivered());
            all.forEach(s -> {
                if (s.socket != null) {
                    s.socket.abort();
                }
            });
        }
    }

    private static String ticket(HttpClient http, String base, String session, String name) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/sessions/" + session + "/chat-tickets"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("name", name))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("No chat ticket: " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).path("ticket").asText();
    }

    private static void post(HttpClient http, String url, String body, String ticket) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
                    .header("X-Chat-Ticket", ticket).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                System.out.printf("  message refused: %d %s%n", r.statusCode(), r.body());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double deliver(List<Subscriber> all, String marker, Runnable send) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(all.size());
        for (Subscriber s : all) {
            s.delivered = latch;
            s.marker.set(marker);
        }
        long start = System.nanoTime();
        send.run();
        if (!latch.await(120, TimeUnit.SECONDS)) {
            System.out.printf("  %s: only %d of %d delivered within 120 s%n", marker, all.size() - latch.getCount(), all.size());
        }
        return Math.round((System.nanoTime() - start) / 1e5) / 10.0;
    }
}
