package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.core.LocalAws;
import dev.samlocal.lambda.LocalFunction;
import dev.samlocal.sqs.LocalSqs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.TooManyEntriesInBatchRequestException;

/**
 * The local SQS (ElasticMQ in the stack's JVM) with clients we did not write — the SDK's SqsClient and the AWS CLI v1 —
 * on the queues of a test template (src/test/resources/sqs-template.yaml), and its SQS event source mappings (ours): a
 * recording handler that gets {@link SQSEvent}s as the Lambda Java runtime would deserialize them.
 */
class LocalSqsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalStack stack;
    private static SqsClient sqs;
    private static String clientUrl;
    private static String clientArn;
    private static String clientDlqUrl;
    private static String workArn;
    private static String workDlqArn;

    @BeforeAll
    static void start() throws Exception {
        Path template = Path.of(LocalSqsTest.class
                .getClassLoader()
                .getResource("sqs-template.yaml")
                .toURI());
        stack = LocalStack.start(new Options("127.0.0.1", 0, 0, false, false, Optional.of(template)));
        AppConfig config = new AppConfig(
                LocalAws.settings(Map.of("AWS_ENDPOINT_URL_SQS", stack.sqs().endpoint())));
        sqs = AwsClients.configure(SqsClient.builder(), config, "SQS")
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(40))
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .build())
                .httpClient(AwsClients.httpClient())
                .build();
        clientUrl = stack.sqs().endpoint() + "/000000000000/liveshop-test-client";
        clientArn = "arn:aws:sqs:us-east-1:000000000000:liveshop-test-client";
        clientDlqUrl = stack.sqs().endpoint() + "/000000000000/liveshop-test-client-dlq";
        workArn = "arn:aws:sqs:us-east-1:000000000000:liveshop-local-WorkQueue";
        workDlqArn = "arn:aws:sqs:us-east-1:000000000000:liveshop-local-WorkDlq";
    }

    @AfterAll
    static void stop() {
        if (sqs != null) {
            sqs.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void emptyTheClientQueues() {
        sqs.purgeQueue(r -> r.queueUrl(clientUrl));
        sqs.purgeQueue(r -> r.queueUrl(clientDlqUrl));
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<Message> receive(String url, int max, int waitSeconds, Integer visibility) {
        return sqs.receiveMessage(r -> r.queueUrl(url)
                        .maxNumberOfMessages(max)
                        .waitTimeSeconds(waitSeconds)
                        .visibilityTimeout(visibility)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                .messages();
    }

    // ------------------------------------------------------------------ the template's queues

    @Test
    void theTemplatesQueuesHaveTheirNamesUrlsAndArnsAndFunctionsGetThem() throws Exception {
        assertThat(stack.sqs().queues())
                .extracting(LocalSqs.QueueInfo::name)
                .containsExactlyInAnyOrder(
                        "liveshop-test-client",
                        "liveshop-test-client-dlq",
                        "liveshop-local-BulkQueue",
                        "liveshop-local-WorkQueue",
                        "liveshop-local-WorkDlq");
        assertThat(sqs.getQueueUrl(r -> r.queueName("liveshop-test-client")).queueUrl())
                .isEqualTo(clientUrl);
        assertThat(sqs.listQueues(r -> r.queueNamePrefix("liveshop-test-")).queueUrls())
                .containsExactly(clientUrl, clientDlqUrl);

        LocalFunction work = stack.functions().stream()
                .filter(f -> f.logicalId().equals("WorkFunction"))
                .findFirst()
                .orElseThrow();
        String workUrl = stack.sqs().endpoint() + "/000000000000/liveshop-local-WorkQueue";
        assertThat(work.environment())
                .containsEntry("QUEUE_URL", workUrl)
                .containsEntry("QUEUE_ARN", workArn)
                .containsEntry("QUEUE_NAME", "liveshop-local-WorkQueue")
                .containsEntry("DLQ_URL", stack.sqs().endpoint() + "/000000000000/liveshop-local-WorkDlq")
                .containsEntry("AWS_ENDPOINT_URL_SQS", stack.sqs().endpoint());

        Map<String, String> attributes = sqs.getQueueAttributes(
                        r -> r.queueUrl(clientUrl).attributeNames(QueueAttributeName.ALL))
                .attributesAsStrings();
        assertThat(attributes)
                .containsEntry("QueueArn", clientArn)
                .containsEntry("VisibilityTimeout", "30")
                .containsEntry("ApproximateNumberOfMessages", "0")
                .containsEntry("ApproximateNumberOfMessagesNotVisible", "0");
        JsonNode redrive = Json.MAPPER.readTree(attributes.get("RedrivePolicy"));
        assertThat(redrive.get("deadLetterTargetArn").asText())
                .isEqualTo("arn:aws:sqs:us-east-1:000000000000:liveshop-test-client-dlq");
        assertThat(redrive.get("maxReceiveCount").asInt()).isEqualTo(2);
    }

    @Test
    void theIndexListsTheQueuesAndUsageCountsSqsRequests() throws Exception {
        long sentBefore = stack.usage().sqsRequests().getOrDefault("SendMessage", 0L);
        sqs.sendMessage(r -> r.queueUrl(clientUrl).messageBody("counted"));
        assertThat(stack.usage().sqsRequests()).containsEntry("SendMessage", sentBefore + 1);

        JsonNode index = Json.MAPPER.readTree(
                LocalHttp.send(stack.url(), "GET", "/_local", null).body());
        assertThat(index.get("sqs").asText()).isEqualTo(stack.sqs().endpoint()).startsWith("http://127.0.0.1:");
        assertThat(index.get("endpoints").has(stack.sqs().endpoint())).isTrue();
        JsonNode client = null;
        for (JsonNode q : index.get("queues")) {
            if (q.get("name").asText().equals("liveshop-test-client")) {
                client = q;
            }
        }
        assertThat(client).isNotNull();
        assertThat(client.get("url").asText()).isEqualTo(clientUrl);
        assertThat(client.get("arn").asText()).isEqualTo(clientArn);
        assertThat(client.get("visible").asInt()).isEqualTo(1);
        assertThat(client.get("inFlight").asInt()).isZero();
        assertThat(index.get("sqsEventSources"))
                .extracting(s -> s.get("function").asText())
                .containsExactlyInAnyOrder("BulkFunction", "WorkFunction");
        for (JsonNode mapping : index.get("sqsEventSources")) {
            assertThat(mapping.get("batchSize").asInt()).isEqualTo(5);
            assertThat(mapping.get("maximumConcurrency").asInt()).isEqualTo(2);
            assertThat(mapping.has("invocations")).isTrue();
            assertThat(mapping.has("messagesDeleted")).isTrue();
        }
        JsonNode usage = Json.MAPPER.readTree(
                LocalHttp.send(stack.url(), "GET", "/_local/usage", null).body());
        assertThat(usage.get("sqsRequests").get("SendMessage").asLong()).isEqualTo(sentBefore + 1);
    }

    // ------------------------------------------------------------------ the SDK

    @Test
    void aMessageIsSentReceivedWithItsAttributesAndDeleted() {
        long before = System.currentTimeMillis();
        String id = sqs.sendMessage(r -> r.queueUrl(clientUrl).messageBody("héllo {\"show\":1}"))
                .messageId();

        List<Message> received = receive(clientUrl, 10, 0, null);
        assertThat(received).hasSize(1);
        Message message = received.get(0);
        assertThat(message.messageId()).isEqualTo(id);
        assertThat(message.body()).isEqualTo("héllo {\"show\":1}");
        assertThat(message.attributes())
                .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1")
                .containsKeys(
                        MessageSystemAttributeName.SENDER_ID,
                        MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP);
        assertThat(Long.parseLong(message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP)))
                .isBetween(before, System.currentTimeMillis());
        assertThat(stack.sqs().depth(clientArn)).isEqualTo(1);
        assertThat(sqs.getQueueAttributes(r -> r.queueUrl(clientUrl)
                                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                        .attributesAsStrings())
                .containsEntry("ApproximateNumberOfMessagesNotVisible", "1");

        sqs.deleteMessage(r -> r.queueUrl(clientUrl).receiptHandle(message.receiptHandle()));
        assertThat(stack.sqs().depth(clientArn)).isZero();
    }

    @Test
    void aBatchOfTenGetsOneResultPerEntryAndABadEntryFailsAlone() {
        List<SendMessageBatchRequestEntry> entries = IntStream.range(0, 10)
                .mapToObj(i -> SendMessageBatchRequestEntry.builder()
                        .id("entry-" + i)
                        .messageBody("message " + i)
                        .build())
                .toList();
        SendMessageBatchResponse sent =
                sqs.sendMessageBatch(r -> r.queueUrl(clientUrl).entries(entries));
        assertThat(sent.failed()).isEmpty();
        assertThat(sent.successful())
                .extracting(e -> e.id())
                .containsExactlyElementsOf(entries.stream().map(e -> e.id()).toList());

        SendMessageBatchResponse mixed = sqs.sendMessageBatch(r -> r.queueUrl(clientUrl)
                .entries(
                        SendMessageBatchRequestEntry.builder()
                                .id("good")
                                .messageBody("fine")
                                .build(),
                        SendMessageBatchRequestEntry.builder()
                                .id("late")
                                .messageBody("too late")
                                .delaySeconds(901)
                                .build()));
        assertThat(mixed.successful()).extracting(e -> e.id()).containsExactly("good");
        assertThat(mixed.failed()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("late");
            assertThat(f.code()).isEqualTo("InvalidParameterValue");
            assertThat(f.senderFault()).isTrue();
        });

        List<Message> all = new ArrayList<>();
        while (all.size() < 11) {
            List<Message> some = receive(clientUrl, 10, 1, null);
            assertThat(some.size()).isBetween(1, 10);
            all.addAll(some);
        }
        assertThat(all)
                .extracting(Message::body)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(
                                IntStream.range(0, 10).mapToObj(i -> "message " + i),
                                java.util.stream.Stream.of("fine"))
                        .toList());
        var deleted = sqs.deleteMessageBatch(r -> r.queueUrl(clientUrl)
                .entries(all.subList(0, 10).stream()
                        .map(m -> software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry.builder()
                                .id(m.messageId())
                                .receiptHandle(m.receiptHandle())
                                .build())
                        .toList()));
        assertThat(deleted.successful()).hasSize(10);
        assertThat(stack.sqs().depth(clientArn)).isEqualTo(1);
    }

    @Test
    void errorsAreTheServicesOwn() {
        String unknown = stack.sqs().endpoint() + "/000000000000/no-such-queue";
        assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(unknown).messageBody("x")))
                .isInstanceOf(QueueDoesNotExistException.class);
        assertThatThrownBy(() -> sqs.getQueueUrl(r -> r.queueName("no-such-queue")))
                .isInstanceOf(QueueDoesNotExistException.class);
        List<SendMessageBatchRequestEntry> eleven = IntStream.range(0, 11)
                .mapToObj(i -> SendMessageBatchRequestEntry.builder()
                        .id("e" + i)
                        .messageBody("m")
                        .build())
                .toList();
        assertThatThrownBy(() -> sqs.sendMessageBatch(r -> r.queueUrl(clientUrl).entries(eleven)))
                .isInstanceOf(TooManyEntriesInBatchRequestException.class);
        assertThat(stack.sqs().depth(clientArn)).isZero();
    }

    @Test
    void anUndeletedMessageComesBackAfterItsVisibilityTimeoutWithItsReceiveCount() {
        sqs.sendMessage(r -> r.queueUrl(clientUrl).messageBody("again"));
        Message first = receive(clientUrl, 1, 0, 1).get(0);
        assertThat(first.attributes()).containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1");
        assertThat(receive(clientUrl, 1, 0, null)).isEmpty();

        Message second = receive(clientUrl, 1, 10, 30).get(0);
        assertThat(second.messageId()).isEqualTo(first.messageId());
        assertThat(second.receiptHandle()).isNotEqualTo(first.receiptHandle());
        assertThat(second.attributes())
                .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2")
                .containsEntry(
                        MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                        first.attributes().get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP));

        // ChangeMessageVisibility 0 makes it visible now.
        sqs.changeMessageVisibility(
                r -> r.queueUrl(clientUrl).receiptHandle(second.receiptHandle()).visibilityTimeout(0));
        assertThat(sqs.getQueueAttributes(r ->
                                r.queueUrl(clientUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                        .attributesAsStrings())
                .containsEntry("ApproximateNumberOfMessages", "1");
    }

    @Test
    void aMessageReceivedMoreThanMaxReceiveCountTimesMovesToTheDeadLetterQueue() {
        sqs.sendMessage(r -> r.queueUrl(clientUrl).messageBody("poison"));
        assertThat(receive(clientUrl, 1, 0, 0)).hasSize(1);
        assertThat(receive(clientUrl, 1, 0, 0))
                .singleElement()
                .satisfies(m -> assertThat(m.attributes())
                        .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2"));
        assertThat(receive(clientUrl, 1, 0, 0)).isEmpty();

        assertThat(stack.sqs().depth(clientArn)).isZero();
        assertThat(receive(clientDlqUrl, 10, 0, null)).extracting(Message::body).containsExactly("poison");
    }

    // ------------------------------------------------------------------ the AWS CLI

    @Test
    void theAwsCliSendsAndReceives() throws Exception {
        String endpoint = stack.sqs().endpoint();
        JsonNode listed = Json.MAPPER.readTree(AwsCli.ok("sqs", "list-queues", "--endpoint-url", endpoint));
        assertThat(listed.get("QueueUrls"))
                .extracting(JsonNode::asText)
                .contains(clientUrl, clientDlqUrl, endpoint + "/000000000000/liveshop-local-WorkQueue");
        JsonNode attributes = Json.MAPPER.readTree(AwsCli.ok(
                "sqs",
                "get-queue-attributes",
                "--endpoint-url",
                endpoint,
                "--queue-url",
                clientUrl,
                "--attribute-names",
                "All"));
        assertThat(attributes.get("Attributes").get("QueueArn").asText()).isEqualTo(clientArn);
        assertThat(attributes.get("Attributes").get("RedrivePolicy").asText()).contains("liveshop-test-client-dlq");
        JsonNode url = Json.MAPPER.readTree(
                AwsCli.ok("sqs", "get-queue-url", "--endpoint-url", endpoint, "--queue-name", "liveshop-test-client"));
        assertThat(url.get("QueueUrl").asText()).isEqualTo(clientUrl);
        JsonNode sent = Json.MAPPER.readTree(AwsCli.ok(
                "sqs",
                "send-message",
                "--endpoint-url",
                endpoint,
                "--queue-url",
                clientUrl,
                "--message-body",
                "from the cli"));
        assertThat(sent.get("MD5OfMessageBody").asText()).isEqualTo(md5("from the cli"));
        JsonNode received = Json.MAPPER.readTree(AwsCli.ok(
                "sqs",
                "receive-message",
                "--endpoint-url",
                endpoint,
                "--queue-url",
                clientUrl,
                "--attribute-names",
                "All",
                "--wait-time-seconds",
                "1"));
        assertThat(received.get("Messages")).hasSize(1);
        JsonNode message = received.get("Messages").get(0);
        assertThat(message.get("MessageId").asText())
                .isEqualTo(sent.get("MessageId").asText());
        assertThat(message.get("Body").asText()).isEqualTo("from the cli");
        assertThat(message.get("Attributes").get("ApproximateReceiveCount").asText())
                .isEqualTo("1");
        AwsCli.ok(
                "sqs",
                "delete-message",
                "--endpoint-url",
                endpoint,
                "--queue-url",
                clientUrl,
                "--receipt-handle",
                message.get("ReceiptHandle").asText());
        assertThat(stack.sqs().depth(clientArn)).isZero();

        String missing =
                AwsCli.failing("sqs", "get-queue-url", "--endpoint-url", endpoint, "--queue-name", "no-such-queue");
        assertThat(missing).contains("QueueDoesNotExist");
    }

    private static String md5(String body) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("MD5")
                        .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    // ------------------------------------------------------------------ the event source

    private static String workUrl() {
        return stack.sqs().endpoint() + "/000000000000/liveshop-local-WorkQueue";
    }

    private static void sendAll(List<String> bodies) {
        sendAll(workUrl(), bodies);
    }

    private static void sendAll(String queueUrl, List<String> bodies) {
        for (int from = 0; from < bodies.size(); from += 10) {
            List<String> chunk = bodies.subList(from, Math.min(bodies.size(), from + 10));
            var response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl)
                    .entries(IntStream.range(0, chunk.size())
                            .mapToObj(i -> SendMessageBatchRequestEntry.builder()
                                    .id("m" + i)
                                    .messageBody(chunk.get(i))
                                    .build())
                            .toList()));
            assertThat(response.failed()).isEmpty();
        }
    }

    /** What the work queue's dead-letter queue holds, read without consuming it (visibility 0). */
    private static List<String> workDlqBodies() {
        String url = stack.sqs().endpoint() + "/000000000000/liveshop-local-WorkDlq";
        return receive(url, 10, 0, 0).stream().map(Message::body).toList();
    }

    private static List<SQSEvent.SQSMessage> delivered(String tag) {
        return SqsRecordingHandler.messages().stream()
                .filter(m -> m.getBody().contains(tag))
                .toList();
    }

    @Test
    void everyMessageReachesTheHandlerOnceInBatchesOfAtMostBatchSize() throws Exception {
        String tag = tag();
        List<String> bodies =
                IntStream.range(0, 25).mapToObj(i -> "ok:" + tag + ":" + i).toList();
        sendAll(stack.sqs().endpoint() + "/000000000000/liveshop-local-BulkQueue", bodies);
        stack.sqs().awaitIdle(WAIT);

        List<SQSEvent.SQSMessage> got = delivered(tag);
        assertThat(got).extracting(SQSEvent.SQSMessage::getBody).containsExactlyInAnyOrderElementsOf(bodies);
        assertThat(SqsRecordingHandler.BATCHES.stream()
                        .filter(b -> b.getRecords().stream()
                                .anyMatch(m -> m.getBody().contains(tag))))
                .allSatisfy(b -> assertThat(b.getRecords().size()).isBetween(1, 5));
        SQSEvent.SQSMessage one = got.get(0);
        assertThat(one.getEventSource()).isEqualTo("aws:sqs");
        assertThat(one.getEventSourceArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:liveshop-local-BulkQueue");
        assertThat(one.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(one.getMd5OfBody()).isEqualTo(md5(one.getBody()));
        assertThat(one.getReceiptHandle()).isNotBlank();
        assertThat(one.getMessageAttributes()).isEmpty();
        assertThat(one.getAttributes())
                .containsEntry("ApproximateReceiveCount", "1")
                .containsKeys("SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp");
        assertThat(workDlqBodies()).noneMatch(b -> b.contains(tag));
        assertThat(SqsRecordingHandler.MOST_AT_ONCE.get())
                .as("ScalingConfig.MaximumConcurrency")
                .isBetween(1, 2);
    }

    @Test
    void aReportedItemFailureIsRedeliveredAloneAndEndsInTheDeadLetterQueue() throws Exception {
        String tag = tag();
        sendAll(List.of("report:" + tag, "ok:" + tag + ":a", "ok:" + tag + ":b"));
        stack.sqs().awaitIdle(WAIT);

        Map<String, Long> deliveries = delivered(tag).stream()
                .collect(Collectors.groupingBy(SQSEvent.SQSMessage::getBody, Collectors.counting()));
        assertThat(deliveries)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("report:" + tag, 2L, "ok:" + tag + ":a", 1L, "ok:" + tag + ":b", 1L));
        assertThat(delivered("report:" + tag))
                .extracting(m -> m.getAttributes().get("ApproximateReceiveCount"))
                .containsExactly("1", "2");
        assertThat(workDlqBodies()).contains("report:" + tag);
    }

    @Test
    void anIdentifierNotInTheBatchFailsTheWholeBatch() throws Exception {
        String tag = tag();
        sendAll(List.of("bogus:" + tag));
        stack.sqs().awaitIdle(WAIT);

        assertThat(delivered(tag)).hasSize(2);
        assertThat(workDlqBodies()).contains("bogus:" + tag);
    }

    @Test
    void aMappingWhoseVisibilityTimeoutIsShorterThanTheFunctionTimeoutIsRefusedAsLambdaDoes() {
        try (LocalSqs local = LocalSqs.start()) {
            local.createQueues(List.of(new LocalSqs.QueueDefinition("short", 5, 60, 0, 0, null, 0)));
            LocalFunction slow = new LocalFunction(
                    "Slow",
                    SqsRecordingHandler.class.getName(),
                    Map.of(),
                    List.of(),
                    10,
                    new SqsRecordingHandler(null),
                    null);
            assertThatThrownBy(() -> local.start(List.of(new dev.samlocal.sqs.SqsEventSource(
                            "Slow-Queue", slow, LocalSqs.queueArn("short"), 10, 0, false, 2))))
                    .hasMessageContaining(
                            "Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds");
        }
    }

    @Test
    void aThrownErrorRedeliversTheWholeBatch() throws Exception {
        String tag = tag();
        List<String> bodies = List.of(
                "throwOnce:" + tag, "ok:" + tag + ":1", "ok:" + tag + ":2", "ok:" + tag + ":3", "ok:" + tag + ":4");
        sendAll(bodies);
        stack.sqs().awaitIdle(WAIT);

        SQSEvent failedBatch = SqsRecordingHandler.BATCHES.stream()
                .filter(b -> b.getRecords().stream().anyMatch(m -> m.getBody().equals("throwOnce:" + tag)))
                .findFirst()
                .orElseThrow();
        Map<String, Long> deliveries = delivered(tag).stream()
                .collect(Collectors.groupingBy(SQSEvent.SQSMessage::getBody, Collectors.counting()));
        assertThat(deliveries.keySet()).containsExactlyInAnyOrderElementsOf(bodies);
        failedBatch
                .getRecords()
                .forEach(m ->
                        assertThat(deliveries.get(m.getBody())).as(m.getBody()).isEqualTo(2L));
        assertThat(deliveries.values()).allMatch(n -> n <= 2);
        assertThat(workDlqBodies()).noneMatch(b -> b.contains(tag));
    }
}
