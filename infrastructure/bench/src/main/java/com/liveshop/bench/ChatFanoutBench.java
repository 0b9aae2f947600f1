package com.liveshop.bench;

import com.liveshop.local.LocalStack;
import com.liveshop.local.Options;
import com.liveshop.local.SimulatedViewers;
import com.liveshop.local.appsync.LocalAppSyncEvents;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.Channels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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

    /** The round in progress: the marker every subscriber waits for, and the count of those who got it. */
    private static final class Round {
        final String marker;
        final CountDownLatch delivered;

        Round(String marker, int subscribers) {
            this.marker = marker;
            this.delivered = new CountDownLatch(subscribers);
        }
    }

    static void run(Path template, int subscribers, int rounds) throws Exception {
        // One ticket per round, all from 127.0.0.1: the per-show ticket cap must not end the rounds.
        try (LocalStack stack = LocalStack.start(new Options("127.0.0.1", 0, 0, false, false, Optional.of(template))
                .withParameter("ChatTicketsPerClientPerShow", String.valueOf(Math.max(10, rounds))));
             DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(stack.dynamoDbEndpoint()))
                     .region(Region.US_EAST_1).httpClient(AwsClients.httpClient())
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            String session = UUID.randomUUID().toString();
            dynamo.putItem(p -> p.tableName("SessionsTable").item(Map.of("pk", AttributeValue.fromS("SESSION#" + session),
                    "sk", AttributeValue.fromS("META"), "sessionId", AttributeValue.fromS(session),
                    "status", AttributeValue.fromS("LIVE"), "title", AttributeValue.fromS("Bench"))));
            LocalAppSyncEvents events = stack.events();
            String channel = Channels.show(session);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();

            // The connect storm: every subscriber starts at once; done when the last subscription is acknowledged.
            CountDownLatch subscribed = new CountDownLatch(subscribers);
            AtomicReference<Round> round = new AtomicReference<>(new Round("", 0));
            List<CompletableFuture<EventsSubscriber>> opening = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < subscribers; i++) {
                opening.add(EventsSubscriber.open(http, events.realtimeEndpoint(), events.httpEndpoint(), events.apiKey(), channel,
                        subscribed::countDown, event -> {
                            Round now = round.get();
                            if (!now.marker.isEmpty() && event.contains(now.marker)) {
                                now.delivered.countDown();
                            }
                        }, error -> { }));
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
                String ticket = ticket(http, stack.url(), session, "Bench " + r, SimulatedViewers.address(r));
                String marker = "handler-" + r + "-" + UUID.randomUUID();
                handler.add(deliver(round, subscribers, marker, () -> post(http, stack.url() + "/sessions/" + session + "/messages",
                        Json.write(Map.of("text", marker)), ticket)));
                String directMarker = "direct-" + r + "-" + UUID.randomUUID();
                direct.add(deliver(round, subscribers, directMarker, () -> events.publishDirect(channel, Json.write(Map.of("type", "chat",
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
            opening.forEach(o -> o.join().close());
        }
    }

    /** A ticket for one simulated viewer ({@code address}: its own, so rounds never share a per-address limit). */
    private static String ticket(HttpClient http, String base, String session, String name, String address) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/sessions/" + session + "/chat-tickets"))
                .header("content-type", "application/json").header(SimulatedViewers.HEADER, address).POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("name", name))))
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

    private static double deliver(AtomicReference<Round> round, int subscribers, String marker, Runnable send)
            throws InterruptedException {
        Round r = new Round(marker, subscribers);
        round.set(r);
        long start = System.nanoTime();
        send.run();
        if (!r.delivered.await(120, TimeUnit.SECONDS)) {
            System.out.printf("  %s: only %d of %d delivered within 120 s%n", marker, subscribers - r.delivered.getCount(), subscribers);
        }
        return Math.round((System.nanoTime() - start) / 1e5) / 10.0;
    }
}
