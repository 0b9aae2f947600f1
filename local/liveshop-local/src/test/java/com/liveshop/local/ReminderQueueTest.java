package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.core.LocalAws;
import dev.samlocal.ivs.LocalIvs;
import dev.samlocal.lambda.LocalFunction;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The reminder queue's exactly-once properties on the local stack — DynamoDB Local, ElasticMQ and the local SES, the
 * real SDK clients, and real threads: two senders on the same batch, SessionLive delivered twice at once, a throttled
 * SES (the whole call, and single entries of a bulk call), and a poisoned message that must reach the dead-letter
 * queue. Each test has its own show and addresses.
 */
class ReminderQueueTest {

    private static final Pattern CONFIRM = Pattern.compile("http://\\S+(/reminders/confirm\\?token=[A-Za-z0-9._-]+)");
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static LocalStack stack;
    private static String hostToken;
    private static String sku;
    private static SqsClient sqs;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void start() throws Exception {
        // Many sign-ups from this one test client: the per-address limit has its own test (ReminderLimitTest).
        stack = LocalStack.start(Options.ephemeral()
                .withSeed(false)
                .withSchedules(false)
                .withParameter("RemindersPerIpPerMinute", "10000"));
        hostToken = LocalHttp.json(send("GET", "/_local/host-token", null))
                .get("token")
                .asText();
        sku = "lamp-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin(
                                "PUT",
                                "/products/" + sku,
                                "{\"title\":\"Lamp\",\"priceCents\":3900,\"currency\":\"USD\",\"stock\":5}")
                        .statusCode())
                .isEqualTo(201);
        AppConfig config = new AppConfig(LocalAws.settings(Map.of(
                "AWS_ENDPOINT_URL_SQS",
                stack.sqs().endpoint(),
                "AWS_ENDPOINT_URL_DYNAMODB",
                stack.dynamoDbEndpoint())));
        sqs = AwsClients.configure(SqsClient.builder(), config, "SQS")
                .httpClient(AwsClients.httpClient())
                .build();
        dynamo = AwsClients.dynamoDb(config);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {sqs, dynamo, stack}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("Closing failed: " + e);
            }
        }
    }

    /** A scheduled show: its id and channel ARN. */
    private record Show(String sessionId, String channelArn, List<String> fans) {}

    /** A show with {@code n} confirmed addresses (confirmation emails delivered through the queue, links followed). */
    private static Show showWithConfirmed(int n) throws Exception {
        JsonNode session = LocalHttp.json(admin(
                "POST",
                "/sessions",
                "{\"title\":\"Lamp night\",\"startsAt\":\"" + Instant.now().plusSeconds(600) + "\",\"lineup\":[\"" + sku
                        + "\"]}"));
        String sessionId = session.get("sessionId").asText();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> fans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String fan = "fan" + i + "-" + run + "@example.com";
            fans.add(fan);
            HttpResponse<String> r =
                    send("POST", "/sessions/" + sessionId + "/reminders", "{\"email\":\"" + fan + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
        awaitTrue(() -> fans.stream().allMatch(f -> stack.ses().emails(f).size() == 1), "the confirmations");
        for (String fan : fans) {
            Matcher link = CONFIRM.matcher(stack.ses().emails(fan).get(0).text());
            assertThat(link.find()).isTrue();
            assertThat(send("GET", link.group(1), null).statusCode()).isEqualTo(200);
        }
        return new Show(sessionId, session.get("channelArn").asText(), fans);
    }

    private static long liveEmails(String fan) {
        return stack.ses().emails(fan).stream()
                .filter(e -> e.subject().startsWith("We're live"))
                .count();
    }

    /**
     * The show's confirmed reminder ids, read from the Sessions table (the ids are HMACs: the test cannot compute
     * them).
     */
    private static List<String> reminderIds(String sessionId) {
        String table = stack.functions().stream()
                .filter(f -> f.logicalId().equals("ReminderSendFunction"))
                .findFirst()
                .orElseThrow()
                .environment()
                .get("SESSIONS_TABLE");
        return dynamo
                .query(q -> q.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :r)")
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                AttributeValue.fromS("SESSION#" + sessionId),
                                ":r",
                                AttributeValue.fromS("REMINDER#"))))
                .items()
                .stream()
                .map(i -> i.get("sk").s().substring("REMINDER#".length()))
                .toList();
    }

    /** One SQS event as Lambda's poller builds it, for one "live" message of these reminders. */
    private static String liveEvent(String sessionId, List<String> reminderIds) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode records = event.putArray("Records");
        ObjectNode record = records.addObject();
        record.put("messageId", UUID.randomUUID().toString());
        record.put("receiptHandle", "not-a-real-handle");
        record.put("body", Json.write(Map.of("type", "live", "sessionId", sessionId, "reminderIds", reminderIds)));
        record.putObject("attributes").put("ApproximateReceiveCount", "1");
        record.put("eventSource", "aws:sqs");
        return event.toString();
    }

    @Test
    void twoSendersOnTheSameBatchSendEachEmailOnce() throws Exception {
        Show show = showWithConfirmed(12);
        List<String> ids = reminderIds(show.sessionId());
        assertThat(ids).hasSize(12);
        LocalFunction sender = stack.functions().stream()
                .filter(f -> f.logicalId().equals("ReminderSendFunction"))
                .findFirst()
                .orElseThrow();
        String event = liveEvent(show.sessionId(), ids);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(two.submit(() -> {
                    go.await();
                    return sender.invoke(event);
                }));
            }
            go.countDown();
            for (Future<String> r : results) {
                assertThat(Json.MAPPER.readTree(r.get()).path("batchItemFailures"))
                        .isEmpty();
            }
        } finally {
            two.shutdownNow();
        }
        // And the same batch twice through ElasticMQ, where the mapping's two pollers take the copies at once.
        String queueUrl = stack.sqs().queues().stream()
                .filter(q -> q.name().endsWith("-ReminderQueue"))
                .findFirst()
                .orElseThrow()
                .url();
        String body = Json.write(Map.of("type", "live", "sessionId", show.sessionId(), "reminderIds", ids));
        sqs.sendMessageBatch(r -> r.queueUrl(queueUrl)
                .entries(e -> e.id("a").messageBody(body), e -> e.id("b").messageBody(body)));
        stack.sqs().awaitIdle(WAIT);
        for (String fan : show.fans()) {
            assertThat(liveEmails(fan)).as(fan).isEqualTo(1);
        }
    }

    @Test
    void sessionLiveDeliveredTwiceAtOnceSendsOnce() throws Exception {
        Show show = showWithConfirmed(60);
        assertThat(send(
                                "POST",
                                LocalIvs.BROADCAST_PATH,
                                "{\"channelArn\":\"" + show.channelArn() + "\",\"action\":\"start\"}")
                        .statusCode())
                .isEqualTo(200);
        ObjectNode live = await(() -> sessionLive(show.sessionId()), "SessionLive");
        String bus = live.remove("eventBusName").asText();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                done.add(two.submit(() -> {
                    go.await();
                    stack.eventBridge().putEvent(bus, live.deepCopy());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            two.shutdownNow();
        }
        awaitTrue(() -> show.fans().stream().allMatch(f -> liveEmails(f) >= 1), "the We're live emails");
        stack.sqs().awaitIdle(WAIT);
        for (String fan : show.fans()) {
            assertThat(liveEmails(fan)).as(fan).isEqualTo(1);
        }
    }

    @Test
    void aThrottledSesIsRetriedAndEachEmailStillGoesOnce() throws Exception {
        Show show = showWithConfirmed(8);
        long throttledBefore = stack.ses().throttledRequests();
        // The whole bulk call throttled once (the SDK retries it with backoff), then two entries throttled on their own
        // (released, the message comes back after the sender's backoff, and only they are sent again).
        stack.ses().throttleNextRequests(1);
        stack.ses().throttleNextEntries(List.of(show.fans().get(2), show.fans().get(5)));
        assertThat(send(
                                "POST",
                                LocalIvs.BROADCAST_PATH,
                                "{\"channelArn\":\"" + show.channelArn() + "\",\"action\":\"start\"}")
                        .statusCode())
                .isEqualTo(200);
        awaitTrue(() -> show.fans().stream().allMatch(f -> liveEmails(f) >= 1), "every We're live email");
        stack.sqs().awaitIdle(WAIT);
        assertThat(stack.ses().throttledRequests()).isEqualTo(throttledBefore + 1);
        for (String fan : show.fans()) {
            assertThat(liveEmails(fan)).as(fan).isEqualTo(1);
        }
        assertThat(stack.sqs().queues())
                .as("nothing dead-lettered")
                .allSatisfy(q -> assertThat(q.depth()).isZero());
    }

    @Test
    void aPoisonedMessageReachesTheDeadLetterQueue() throws Exception {
        String queueUrl = stack.sqs().queues().stream()
                .filter(q -> q.name().endsWith("-ReminderQueue"))
                .findFirst()
                .orElseThrow()
                .url();
        String dlqUrl = stack.sqs().queues().stream()
                .filter(q -> q.name().endsWith("-ReminderDeadLetterQueue"))
                .findFirst()
                .orElseThrow()
                .url();
        String poison = "{\"type\":\"live\",\"poison\":\"" + UUID.randomUUID() + "\"";
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(poison));
        Message dead = await(
                () -> {
                    List<Message> m = sqs.receiveMessage(r -> r.queueUrl(dlqUrl)
                                    .waitTimeSeconds(5)
                                    .maxNumberOfMessages(10)
                                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                            .messages();
                    return m.stream()
                            .filter(x -> x.body().equals(poison))
                            .findFirst()
                            .orElse(null);
                },
                "the poisoned message in the dead-letter queue");
        assertThat(dead.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .as("received 5 times, then moved")
                .isNotNull();
        sqs.deleteMessage(r -> r.queueUrl(dlqUrl).receiptHandle(dead.receiptHandle()));
        stack.sqs().awaitIdle(WAIT);
        var mapping = stack.sqs().mappings().stream()
                .filter(m -> m.source().function().logicalId().equals("ReminderSendFunction"))
                .findFirst()
                .orElseThrow()
                .describe();
        assertThat((Long) mapping.get("messagesReportedFailed")).isGreaterThanOrEqualTo(5);
    }

    private static ObjectNode sessionLive(String sessionId) {
        try {
            for (JsonNode e : LocalHttp.json(send("GET", "/_local/events?detailType=SessionLive", null))) {
                if (e.path("detail").path("sessionId").asText().equals(sessionId)) {
                    return (ObjectNode) e.deepCopy();
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(java.util.function.Supplier<T> probe, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        await(() -> condition.getAsBoolean() ? Boolean.TRUE : null, what);
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, body, "authorization", "Bearer " + hostToken);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }
}
