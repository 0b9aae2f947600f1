package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.appsync.ChannelSubscriber;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.testkit.TableStream;
import dev.samlocal.Options;
import dev.samlocal.ivs.SimulatedViewers;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Chat in batches on the whole local stack: messages posted over HTTP are stored, the Sessions table's stream (the
 * template's mapping, polled as Lambda does) hands them to ChatBatchFunction, and a subscriber of the show's channel
 * gets each exactly once, in the order they were stored, in far fewer chatBatch frames than messages. A batch whose
 * frame AppSync refused is retried by the stream, and the duplicates it delivers are dropped by messageId.
 */
class ChatBatchEndToEndTest {

    private static final int MESSAGES = 200;
    private static final AtomicInteger ADDRESSES = new AtomicInteger(1 << 20);

    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static DynamoDbClient dynamo(LocalStack on) {
        return DynamoDbClient.builder()
                .endpointOverride(URI.create(on.dynamoDbEndpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(AwsClients.httpClient())
                .build();
    }

    /**
     * A live show whose chat budget admits a burst of {@value #MESSAGES} messages in one second (set on its item: the
     * chat-settings route stops at 100 a second, as a host should).
     */
    private static String liveShow(DynamoDbClient dynamo) {
        String id = UUID.randomUUID().toString();
        dynamo.putItem(p -> p.tableName("SessionsTable")
                .item(Map.of(
                        "pk",
                        AttributeValue.fromS("SESSION#" + id),
                        "sk",
                        AttributeValue.fromS("META"),
                        "sessionId",
                        AttributeValue.fromS(id),
                        "status",
                        AttributeValue.fromS("LIVE"),
                        "title",
                        AttributeValue.fromS("Batch show"),
                        "chatMessagesPerSecond",
                        AttributeValue.fromN("1000"))));
        return id;
    }

    /** A chat ticket for a viewer of its own (its own client address). */
    private static String ticket(LocalStack on, String sessionId, String name) throws Exception {
        HttpResponse<String> r = LocalHttp.send(
                on.url(),
                "POST",
                "/sessions/" + sessionId + "/chat-tickets",
                Json.write(Map.of("name", name)),
                SimulatedViewers.HEADER,
                SimulatedViewers.address(ADDRESSES.incrementAndGet()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return LocalHttp.json(r).path("ticket").asText();
    }

    private static String say(LocalStack on, String sessionId, String ticket, String text) throws Exception {
        HttpResponse<String> r = LocalHttp.send(
                on.url(),
                "POST",
                "/sessions/" + sessionId + "/messages",
                Json.write(Map.of("text", text)),
                "X-Chat-Ticket",
                ticket);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return LocalHttp.json(r).path("messageId").asText();
    }

    /** The ids of the show's messages in the order the Sessions table stored them (its stream's order). */
    private static List<String> storedOrder(LocalStack on, DynamoDbClient dynamo, String sessionId) {
        String arn =
                dynamo.describeTable(d -> d.tableName("SessionsTable")).table().latestStreamArn();
        try (TableStream stream = new TableStream(on.dynamoDbEndpoint(), arn)) {
            List<String> ids = new ArrayList<>();
            for (DynamodbEvent.DynamodbStreamRecord r : stream.next().getRecords()) {
                var keys = r.getDynamodb().getKeys();
                if (r.getEventName().equals("INSERT")
                        && keys.get("pk").getS().equals("SESSION#" + sessionId)
                        && keys.get("sk").getS().startsWith("MSG#")) {
                    ids.add(r.getDynamodb().getNewImage().get("messageId").getS());
                }
            }
            return ids;
        }
    }

    /**
     * The chatBatch frames the subscriber gets until {@code messages} distinct messages have come, then 500 ms more.
     */
    private static List<JsonNode> framesUntil(ChannelSubscriber viewer, int messages) throws Exception {
        List<JsonNode> frames = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (distinctIds(ChannelSubscriber.chatIn(frames)).size() < messages && System.nanoTime() < deadline) {
            frames.addAll(viewer.drain(100));
        }
        frames.addAll(viewer.drain(500));
        return frames.stream()
                .filter(f -> f.path("type").asText().equals("chatBatch"))
                .toList();
    }

    private static List<String> ids(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("messageId").asText()).toList();
    }

    /** What a page shows: each messageId once, where it first came. */
    private static List<String> distinctIds(List<JsonNode> messages) {
        return List.copyOf(new LinkedHashSet<>(ids(messages)));
    }

    @Test
    void twoHundredMessagesSentAtOnceReachASubscriberOnceEachInStoredOrderInFewFrames() throws Exception {
        try (DynamoDbClient dynamo = dynamo(stack)) {
            String show = liveShow(dynamo);
            List<String> tickets = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                tickets.add(ticket(stack, show, "Viewer " + i));
            }
            try (ChannelSubscriber viewer = ChannelSubscriber.withApiKey(stack.events(), Channels.show(show))) {
                ExecutorService pool = Executors.newFixedThreadPool(MESSAGES);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> sent = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    String ticket = tickets.get(i);
                    String text = "message " + i + " ✨";
                    sent.add(pool.submit(() -> {
                        go.await();
                        return say(stack, show, ticket, text);
                    }));
                }
                go.countDown();
                List<String> accepted = new ArrayList<>();
                for (Future<String> f : sent) {
                    accepted.add(f.get());
                }
                pool.shutdown();

                List<JsonNode> frames = framesUntil(viewer, MESSAGES);
                List<String> received = ids(ChannelSubscriber.chatIn(frames));
                List<String> stored = storedOrder(stack, dynamo, show);
                assertThat(stored).hasSize(MESSAGES).containsExactlyInAnyOrderElementsOf(accepted);
                assertThat(received)
                        .as("each message exactly once, in the order stored")
                        .containsExactlyElementsOf(stored);
                assertThat(frames.size())
                        .as("chatBatch frames for %d messages", MESSAGES)
                        .isLessThanOrEqualTo(MESSAGES / 4);
            }
        }
    }

    @Test
    void aBatchRetriedAfterARefusedFrameDeliversDuplicatesThatDedupingByIdMakesExactlyOnce() throws Exception {
        // A batching window of 2 s puts the two shows' messages in one stream batch: one frame each.
        try (LocalStack windowed = LocalStack.start(Options.ephemeral()
                        .withSeed(false)
                        .withSchedules(false)
                        .withParameter("ChatBatchWindowSeconds", "2"));
                DynamoDbClient dynamo = dynamo(windowed)) {
            String first = liveShow(dynamo);
            String second = liveShow(dynamo);
            String t1 = ticket(windowed, first, "Ann");
            String t2 = ticket(windowed, second, "Bob");
            try (ChannelSubscriber firstViewer = ChannelSubscriber.withApiKey(windowed.events(), Channels.show(first));
                    ChannelSubscriber secondViewer =
                            ChannelSubscriber.withApiKey(windowed.events(), Channels.show(second))) {
                // The batch publishes the first show's frame first: AppSync refuses it and accepts the second show's,
                // so
                // the invocation fails and the stream's retry publishes both frames again.
                windowed.events().refuseNextEvents(1);
                String a = say(windowed, first, t1, "first show");
                String b = say(windowed, second, t2, "second show");

                List<String> firstIds = ids(ChannelSubscriber.chatIn(framesUntil(firstViewer, 1)));
                List<String> secondIds = ids(ChannelSubscriber.chatIn(framesUntil(secondViewer, 1)));
                assertThat(firstIds).containsExactly(a);
                assertThat(secondIds)
                        .as("published by the failed invocation and again by its retry")
                        .containsExactly(b, b);
                assertThat(List.copyOf(new LinkedHashSet<>(secondIds)))
                        .as("what the page shows")
                        .containsExactly(b);
                assertThat(windowed.streams().describe())
                        .filteredOn(m -> m.get("function").equals("ChatBatchFunction"))
                        .singleElement()
                        .satisfies(m -> {
                            assertThat(m.get("failedInvocations")).isEqualTo(1L);
                            assertThat(m.get("recordsSkipped")).isEqualTo(0L);
                        });
            }
        }
    }
}
