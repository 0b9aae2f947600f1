package com.liveshop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalStack;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.ChatMessage;
import com.liveshop.shared.realtime.Frames;
import dev.samlocal.Options;
import dev.samlocal.appsync.LocalAppSyncEvents;
import dev.samlocal.ivs.SimulatedViewers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Chat to N real-time subscribers of {@code /shows/{id}} on the local stack's AppSync Events endpoint. Rounds: one
 * message, from {@code POST /sessions/{id}/messages} (ticket check, limits, DynamoDB write) through the Sessions stream
 * and ChatBatchFunction's publish to the last delivery, against the emulator writing the same {@code chatBatch} frame
 * to the same subscribers itself. Then a burst: M messages at {@code burstRate}/s, where the stream batches them:
 * chatBatch frames per message and each message's time from POST to the last subscriber (p50, p99). Also the connect
 * storm: N subscribers opening at once (connect, connection_init, subscribe). Prints figures; asserts nothing.
 */
final class ChatFanoutBench {

    private ChatFanoutBench() {}

    /**
     * What the subscribers are waiting for: messages by marker (the text), and per message which subscribers got it
     * (once each: a retried stream batch may deliver it again) and when the last one did.
     */
    private static final class Wait {
        final Map<String, Integer> index = new HashMap<>();
        final long[] sentNanos;
        final long[] lastNanos;
        final BitSet[] got;
        final CountDownLatch delivered;
        final LongAdder batchFrames = new LongAdder();

        Wait(List<String> markers, int subscribers) {
            for (int i = 0; i < markers.size(); i++) {
                index.put(markers.get(i), i);
            }
            sentNanos = new long[markers.size()];
            lastNanos = new long[markers.size()];
            got = new BitSet[markers.size()];
            for (int i = 0; i < got.length; i++) {
                got[i] = new BitSet(subscribers);
            }
            delivered = new CountDownLatch(markers.size() * subscribers);
        }

        void received(int subscriber, String event, long now) {
            JsonNode frame;
            try {
                frame = Json.MAPPER.readTree(event);
            } catch (Exception e) {
                return;
            }
            if (!frame.path("type").asText().equals("chatBatch")) {
                return;
            }
            batchFrames.increment();
            for (JsonNode message : frame.path("messages")) {
                Integer i = index.get(message.path("text").asText());
                if (i == null) {
                    continue;
                }
                synchronized (got[i]) {
                    if (got[i].get(subscriber)) {
                        continue;
                    }
                    got[i].set(subscriber);
                    lastNanos[i] = Math.max(lastNanos[i], now);
                }
                delivered.countDown();
            }
        }

        /** Per message: POST (or publish) to its last subscriber, in ms, sorted. */
        double[] toLastMs() {
            double[] ms = new double[sentNanos.length];
            for (int i = 0; i < ms.length; i++) {
                synchronized (got[i]) {
                    ms[i] = (lastNanos[i] - sentNanos[i]) / 1e6;
                }
            }
            Arrays.sort(ms);
            return ms;
        }
    }

    static void run(Path template, int subscribers, int rounds, int burst, double burstRate) throws Exception {
        // One ticket per round and per burst message, each from its own simulated address; the show's budget raised
        // to the route's maximum (100/s) so that the burst is admitted whole.
        try (LocalStack stack = LocalStack.start(new Options("127.0.0.1", 0, 0, false, false, Optional.of(template))
                        .withParameter("ChatDefaultMessagesPerSecond", "100"));
                DynamoDbClient dynamo = DynamoDbClient.builder()
                        .endpointOverride(URI.create(stack.dynamoDbEndpoint()))
                        .region(Region.US_EAST_1)
                        .httpClient(AwsClients.httpClient())
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                        .build()) {
            String session = UUID.randomUUID().toString();
            dynamo.putItem(p -> p.tableName("SessionsTable")
                    .item(Map.of(
                            "pk",
                            AttributeValue.fromS("SESSION#" + session),
                            "sk",
                            AttributeValue.fromS("META"),
                            "sessionId",
                            AttributeValue.fromS(session),
                            "status",
                            AttributeValue.fromS("LIVE"),
                            "title",
                            AttributeValue.fromS("Bench"))));
            LocalAppSyncEvents events = stack.events();
            String channel = Channels.show(session);
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(60))
                    .build();

            // The connect storm: every subscriber starts at once; done when the last subscription is acknowledged.
            CountDownLatch subscribed = new CountDownLatch(subscribers);
            AtomicReference<Wait> waiting = new AtomicReference<>(new Wait(List.of(), 0));
            List<CompletableFuture<EventsSubscriber>> opening = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < subscribers; i++) {
                int subscriber = i;
                opening.add(EventsSubscriber.open(
                        http,
                        events.realtimeEndpoint(),
                        events.httpEndpoint(),
                        events.apiKey(),
                        channel,
                        subscribed::countDown,
                        event -> waiting.get().received(subscriber, event, System.nanoTime()),
                        error -> {}));
            }
            CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
            double opened = (System.nanoTime() - t0) / 1e6;
            if (!subscribed.await(300, TimeUnit.SECONDS)) {
                System.out.printf(
                        "chat-fanout: only %d of %d subscribed within 300 s%n",
                        subscribers - subscribed.getCount(), subscribers);
            }
            double storm = (System.nanoTime() - t0) / 1e6;
            System.out.printf(
                    "chat-fanout: connect storm of %d subscribers: all open in %.0f ms, "
                            + "all subscribed in %.0f ms (%.0f/s)%n",
                    subscribers, opened, storm, subscribers / (storm / 1000));

            int address = 0;
            List<Double> batched = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                String ticket = ticket(http, stack.url(), session, "Bench " + r, SimulatedViewers.address(address++));
                String marker = "handler-" + r + "-" + UUID.randomUUID();
                batched.add(deliver(
                        waiting,
                        subscribers,
                        List.of(marker),
                        0,
                        (i, m) -> post(
                                http,
                                stack.url() + "/sessions/" + session + "/messages",
                                Json.write(Map.of("text", m)),
                                ticket))[0]);
                String directMarker = "direct-" + r + "-" + UUID.randomUUID();
                direct.add(deliver(
                        waiting,
                        subscribers,
                        List.of(directMarker),
                        0,
                        (i, m) -> events.publishDirect(
                                channel,
                                Json.write(new Frames.ChatBatch(List.of(
                                        new Frames.Chat(new ChatMessage("0", "Bench", "viewer", m, "now", null)))))))[
                        0]);
            }
            batched.sort(null);
            direct.sort(null);
            double b = batched.get(batched.size() / 2);
            double d = direct.get(direct.size() / 2);
            System.out.printf(
                    "chat-fanout: one message to %d subscribers, time to the last delivery, median of %d rounds:%n",
                    subscribers, rounds);
            System.out.printf(
                    "  POST /sessions/{id}/messages → Sessions stream → ChatBatchFunction → "
                            + "one publish: %.1f ms  (all: %s)%n",
                    b, batched);
            System.out.printf(
                    "  emulator writing the chatBatch frame directly:"
                            + "                                  %.1f ms  (all: %s)%n",
                    d, direct);
            System.out.printf(
                    "  batched path vs direct: %.2f× (its time includes the stream's polling, ≤ 250 ms locally)%n",
                    d / b);

            if (burst > 0) {
                List<String> tickets = new ArrayList<>();
                List<String> markers = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    tickets.add(ticket(http, stack.url(), session, "Burst " + i, SimulatedViewers.address(address++)));
                    markers.add("burst-" + i + "-" + UUID.randomUUID());
                }
                LocalAppSyncEvents.Stats before = events.stats();
                double[] toLast = deliver(
                        waiting,
                        subscribers,
                        markers,
                        (long) (1e9 / burstRate),
                        (i, m) -> post(
                                http,
                                stack.url() + "/sessions/" + session + "/messages",
                                Json.write(Map.of("text", m)),
                                tickets.get(i)));
                LocalAppSyncEvents.Stats after = events.stats();
                long frames = waiting.get().batchFrames.sum();
                System.out.printf(
                        "chat-fanout: a burst of %d messages at %.0f/s (one ticket each) to %d subscribers:%n",
                        burst, burstRate, subscribers);
                System.out.printf(
                        "  chatBatch frames per subscriber: %.1f for %d messages "
                                + "(%.3f frames per message, %.1f messages per frame);"
                                + " %d publishes, %d deliveries%n",
                        frames / (double) subscribers,
                        burst,
                        frames / (double) subscribers / burst,
                        burst * (double) subscribers / Math.max(1, frames),
                        after.eventsPublished() - before.eventsPublished(),
                        after.messagesDelivered() - before.messagesDelivered());
                System.out.printf(
                        "  POST to the last subscriber, per message: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        percentile(toLast, 50), percentile(toLast, 99), toLast[toLast.length - 1]);
            }
            System.out.printf(
                    "  publishes: %d events, %d deliveries in all%n",
                    events.stats().eventsPublished(), events.stats().messagesDelivered());
            opening.forEach(o -> o.join().close());
        }
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    /** A ticket for one simulated viewer ({@code address}: its own, so rounds never share a per-address limit). */
    private static String ticket(HttpClient http, String base, String session, String name, String address)
            throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/sessions/" + session + "/chat-tickets"))
                        .header("content-type", "application/json")
                        .header(SimulatedViewers.HEADER, address)
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("name", name))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("No chat ticket: " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).path("ticket").asText();
    }

    /** Sends without waiting for the answer (a burst keeps its pace); a refusal is printed. */
    private static void post(HttpClient http, String url, String body, String ticket) {
        http.sendAsync(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("content-type", "application/json")
                                .header("X-Chat-Ticket", ticket)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> {
                    if (e != null) {
                        System.out.printf("  message not sent: %s%n", e);
                    } else if (r.statusCode() != 202) {
                        System.out.printf("  message refused: %d %s%n", r.statusCode(), r.body());
                    }
                });
    }

    /** Sends message {@code i} (its marker {@code m}), for each marker in turn. */
    private interface Sender {
        void send(int i, String marker);
    }

    /**
     * Sends every marker's message, one per {@code gapNanos}, and waits for all subscribers to have each; per message,
     * the time from its send to its last delivery.
     */
    private static double[] deliver(
            AtomicReference<Wait> waiting, int subscribers, List<String> markers, long gapNanos, Sender sender)
            throws InterruptedException {
        Wait w = new Wait(markers, subscribers);
        waiting.set(w);
        long start = System.nanoTime();
        for (int i = 0; i < markers.size(); i++) {
            LockSupport.parkNanos(start + i * gapNanos - System.nanoTime());
            w.sentNanos[i] = System.nanoTime();
            sender.send(i, markers.get(i));
        }
        if (!w.delivered.await(120, TimeUnit.SECONDS)) {
            System.out.printf(
                    "  %s…: only %d of %d deliveries within 120 s%n",
                    markers.get(0),
                    (long) markers.size() * subscribers - w.delivered.getCount(),
                    (long) markers.size() * subscribers);
        }
        double[] ms = w.toLastMs();
        for (int i = 0; i < ms.length; i++) {
            ms[i] = Math.round(ms[i] * 10) / 10.0;
        }
        return ms;
    }
}
