package com.liveshop.local;

import static com.liveshop.local.StreamRecordingHandler.pk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.core.LocalAws;
import dev.samlocal.dynamodb.streams.StreamEventSource;
import dev.samlocal.eventbridge.EventFilter;
import dev.samlocal.lambda.LocalFunction;
import dev.samlocal.lambda.TemplateEventSources;
import dev.samlocal.lambda.TemplateFunctions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * DynamoDB stream event sources of a test template: real writes through the SDK to DynamoDB Local, real streams read by
 * the local pollers, and a recording handler that gets {@link DynamodbEvent}s exactly as the Lambda Java runtime would
 * deserialize them.
 */
class LocalStreamsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalStack stack;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void start() throws Exception {
        Path template = Path.of(LocalStreamsTest.class
                .getClassLoader()
                .getResource("streams-template.yaml")
                .toURI());
        stack = LocalStack.start(new Options("127.0.0.1", 0, 0, false, false, Optional.of(template)));
        dynamo = AwsClients.dynamoDb(
                new AppConfig(LocalAws.settings(Map.of("AWS_ENDPOINT_URL_DYNAMODB", stack.dynamoDbEndpoint()))));
    }

    @AfterAll
    static void stop() {
        if (dynamo != null) {
            dynamo.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue s(String value) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(value);
    }

    private static void put(
            String table, String pk, Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> more) {
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = new java.util.HashMap<>(more);
        item.put("pk", s(pk));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private static void put(String table, String pk) {
        put(table, pk, Map.of());
    }

    private static void putAll(String table, List<String> pks, Map<String, String> failByPk) {
        List<WriteRequest> writes = pks.stream()
                .map(pk -> {
                    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item =
                            new java.util.HashMap<>();
                    item.put("pk", s(pk));
                    if (failByPk.containsKey(pk)) {
                        item.put("fail", s(failByPk.get(pk)));
                    }
                    return WriteRequest.builder()
                            .putRequest(PutRequest.builder().item(item).build())
                            .build();
                })
                .toList();
        dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, writes)));
    }

    private static void delete(String table, String pk) {
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of("pk", s(pk))));
    }

    private static String streamArn(String table) {
        return dynamo.describeTable(r -> r.tableName(table)).table().latestStreamArn();
    }

    /** The function's records whose key starts with {@code prefix}, in the order received. */
    private static List<DynamodbStreamRecord> records(String function, String prefix) {
        return StreamRecordingHandler.records(function).stream()
                .filter(r -> pk(r).startsWith(prefix))
                .toList();
    }

    private static List<String> names(List<DynamodbStreamRecord> records) {
        return records.stream().map(r -> r.getEventName() + " " + pk(r)).toList();
    }

    @Test
    void tablesWithAStreamSpecificationHaveStreamsAndGetAttStreamArnIsTheRealArn() {
        var changes = dynamo.describeTable(r -> r.tableName("ChangesTable")).table();
        assertThat(changes.streamSpecification().streamEnabled()).isTrue();
        assertThat(changes.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
        assertThat(dynamo.describeTable(r -> r.tableName("HistoryTable"))
                        .table()
                        .streamSpecification()
                        .streamViewType())
                .isEqualTo(StreamViewType.KEYS_ONLY);
        assertThat(dynamo.describeTable(r -> r.tableName("PlainTable")).table().latestStreamArn())
                .isNull();

        LocalFunction changesFunction = stack.functions().stream()
                .filter(f -> f.logicalId().equals("ChangesFunction"))
                .findFirst()
                .orElseThrow();
        assertThat(changesFunction.environment()).containsEntry("STREAM", changes.latestStreamArn());
        assertThat(stack.streams().sources())
                .extracting(StreamEventSource::id)
                .contains(
                        "ChangesFunction-Changes",
                        "FeaturedFunction-FeaturedChanges",
                        "SmallBatchFunction-InPairs",
                        "RetryFunction-Failing",
                        "PartialFunction-Partial",
                        "BisectFunction-Bisect")
                .doesNotContain("DisabledFunction-Paused");
    }

    @Test
    void putUpdateDeleteArriveInOrderAsDynamodbEventsWithImagesAndEveryAttributeType() throws Exception {
        Instant before = Instant.now().minusSeconds(120); // DynamoDB Local rounds the creation time down to the minute
        put(
                "ChangesTable",
                "order-a",
                Map.of(
                        "text", s("<b>blue</b>"),
                        "count", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("12.5"),
                        "bytes",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromB(
                                        SdkBytes.fromUtf8String("hi")),
                        "tags", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromSs(List.of("x", "y")),
                        "sizes",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromNs(List.of("1", "2")),
                        "blobs",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBs(
                                        List.of(SdkBytes.fromUtf8String("z"))),
                        "nested",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromM(
                                        Map.of("inner", s("v"))),
                        "list",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromL(List.of(
                                        s("first"),
                                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(true))),
                        "nothing", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromNul(true),
                        "flag", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(false)));
        dynamo.updateItem(r -> r.tableName("ChangesTable")
                .key(Map.of("pk", s("order-a")))
                .updateExpression("SET #t = :t")
                .expressionAttributeNames(Map.of("#t", "text"))
                .expressionAttributeValues(Map.of(":t", s("green"))));
        put("ChangesTable", "order-b");
        delete("ChangesTable", "order-a");
        stack.streams().awaitIdle(WAIT);

        List<DynamodbStreamRecord> received = records("ChangesFunction", "order-");
        assertThat(names(received))
                .containsExactly("INSERT order-a", "MODIFY order-a", "INSERT order-b", "REMOVE order-a");
        String arn = streamArn("ChangesTable");
        for (DynamodbStreamRecord record : received) {
            assertThat(record.getEventSource()).isEqualTo("aws:dynamodb");
            assertThat(record.getEventSourceARN()).isEqualTo(arn);
            assertThat(record.getEventID()).isNotBlank();
            assertThat(record.getDynamodb().getStreamViewType()).isEqualTo("NEW_AND_OLD_IMAGES");
            assertThat(record.getDynamodb().getSequenceNumber()).isNotBlank();
            assertThat(record.getDynamodb().getApproximateCreationDateTime().toInstant())
                    .isAfter(before);
        }

        Map<String, AttributeValue> inserted = received.get(0).getDynamodb().getNewImage();
        assertThat(received.get(0).getDynamodb().getOldImage()).isNull();
        assertThat(inserted.get("text").getS()).isEqualTo("<b>blue</b>");
        assertThat(inserted.get("count").getN()).isEqualTo("12.5");
        assertThat(StandardCharsets.UTF_8.decode(inserted.get("bytes").getB()).toString())
                .isEqualTo("hi");
        assertThat(inserted.get("tags").getSS()).containsExactlyInAnyOrder("x", "y");
        assertThat(inserted.get("sizes").getNS()).containsExactlyInAnyOrder("1", "2");
        assertThat(inserted.get("blobs").getBS())
                .extracting(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString())
                .containsExactly("z");
        assertThat(inserted.get("nested").getM().get("inner").getS()).isEqualTo("v");
        assertThat(inserted.get("list").getL()).hasSize(2);
        assertThat(inserted.get("list").getL().get(0).getS()).isEqualTo("first");
        assertThat(inserted.get("list").getL().get(1).getBOOL()).isTrue();
        assertThat(inserted.get("nothing").isNULL()).isTrue();
        assertThat(inserted.get("flag").getBOOL()).isFalse();

        DynamodbStreamRecord modified = received.get(1);
        assertThat(modified.getDynamodb().getOldImage().get("text").getS()).isEqualTo("<b>blue</b>");
        assertThat(modified.getDynamodb().getNewImage().get("text").getS()).isEqualTo("green");
        DynamodbStreamRecord removed = received.get(3);
        assertThat(removed.getDynamodb().getNewImage()).isNull();
        assertThat(removed.getDynamodb().getOldImage().get("text").getS()).isEqualTo("green");
        assertThat(removed.getDynamodb().getKeys().get("pk").getS()).isEqualTo("order-a");
    }

    @Test
    void filterCriteriaDropRecordsThatMatchNoFilter() throws Exception {
        put(
                "ChangesTable",
                "feat-1",
                Map.of("featured", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(true)));
        put(
                "ChangesTable",
                "feat-2",
                Map.of("featured", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(false)));
        put(
                "ChangesTable",
                "feat-2",
                Map.of("featured", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(true)));
        put("ChangesTable", "feat-3", Map.of("featured", s("true")));
        delete("ChangesTable", "feat-1");
        put("ChangesTable", "keep-1");
        delete("ChangesTable", "keep-1");
        stack.streams().awaitIdle(WAIT);

        List<String> featured = StreamRecordingHandler.records("FeaturedFunction").stream()
                .filter(r -> pk(r).startsWith("feat-") || pk(r).startsWith("keep-"))
                .map(r -> r.getEventName() + " " + pk(r))
                .toList();
        assertThat(featured).containsExactly("INSERT feat-1", "MODIFY feat-2", "REMOVE keep-1");
        // The unfiltered mapping on the same stream saw all seven changes.
        assertThat(records("ChangesFunction", "feat-").size()
                        + records("ChangesFunction", "keep-").size())
                .isEqualTo(7);
        Map<String, Object> stats = stack.streams().describe().stream()
                .filter(m -> m.get("id").equals("FeaturedFunction-FeaturedChanges"))
                .findFirst()
                .orElseThrow();
        assertThat((Long) stats.get("recordsFiltered")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void ttlDeletionsArriveAsRemoveRecordsWithDynamoDbsIdentityAndFiltersCanMatchIt() throws Exception {
        // DynamoDB Local runs a TTL deletion job (about every second): an item whose ttl is in the past goes within
        // seconds.
        put("ExpiringTable", "ttl-manual");
        delete("ExpiringTable", "ttl-manual");
        put(
                "ExpiringTable",
                "ttl-expired",
                Map.of(
                        "ttl",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(
                                String.valueOf(Instant.now().minusSeconds(3600).getEpochSecond()))));

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (records("ExpiredFunction", "ttl-").isEmpty()) {
            assertThat(System.nanoTime())
                    .as("no TTL deletion of ttl-expired within %s", WAIT)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        stack.streams().awaitIdle(WAIT);

        // Only the TTL deletion passes the userIdentity filter; the manual delete is filtered out.
        List<DynamodbStreamRecord> expired = records("ExpiredFunction", "ttl-");
        assertThat(names(expired)).containsExactly("REMOVE ttl-expired");
        assertThat(expired.get(0).getUserIdentity().getType()).isEqualTo("Service");
        assertThat(expired.get(0).getUserIdentity().getPrincipalId()).isEqualTo("dynamodb.amazonaws.com");
        assertThat(expired.get(0).getDynamodb().getOldImage().get("ttl").getN()).isNotBlank();

        // Unfiltered, the same stream also has the writes and the manual delete, which carries no identity.
        List<DynamodbStreamRecord> all = records("ExpiringChangesFunction", "ttl-");
        assertThat(names(all))
                .containsExactly("INSERT ttl-manual", "REMOVE ttl-manual", "INSERT ttl-expired", "REMOVE ttl-expired");
        assertThat(all.get(1).getUserIdentity()).isNull();
        assertThat(all.get(3).getUserIdentity().getPrincipalId()).isEqualTo("dynamodb.amazonaws.com");
        assertThat(dynamo.getItem(r -> r.tableName("ExpiringTable").key(Map.of("pk", s("ttl-expired"))))
                        .hasItem())
                .isFalse();
    }

    @Test
    void batchSizeIsRespected() throws Exception {
        List<String> pks =
                IntStream.range(0, 20).mapToObj(i -> "pair-%02d".formatted(i)).toList();
        putAll("ChangesTable", pks, Map.of());
        stack.streams().awaitIdle(WAIT);

        List<DynamodbEvent> batches = StreamRecordingHandler.batches("SmallBatchFunction");
        assertThat(batches).allSatisfy(b -> assertThat(b.getRecords()).hasSizeBetween(1, 2));
        assertThat(records("SmallBatchFunction", "pair-"))
                .extracting(StreamRecordingHandler::pk)
                .containsExactlyElementsOf(pks);
        assertThat(records("ChangesFunction", "pair-"))
                .extracting(StreamRecordingHandler::pk)
                .containsExactlyElementsOf(pks);
    }

    @Test
    void aFailingBatchIsRetriedThenSkippedAndLaterRecordsStillArrive() throws Exception {
        put("FailuresTable", "r-bad", Map.of("fail", s("throw")));
        put("FailuresTable", "r-flaky", Map.of("fail", s("throwOnce")));
        put("FailuresTable", "r-good");
        stack.streams().awaitIdle(WAIT);

        // BatchSize 1, MaximumRetryAttempts 2: three attempts at r-bad, then it is skipped; r-flaky succeeds on its
        // retry.
        assertThat(records("RetryFunction", "r-"))
                .extracting(StreamRecordingHandler::pk)
                .containsExactly("r-bad", "r-bad", "r-bad", "r-flaky", "r-flaky", "r-good");
        Map<String, Object> stats = stack.streams().describe().stream()
                .filter(m -> m.get("id").equals("RetryFunction-Failing"))
                .findFirst()
                .orElseThrow();
        assertThat((Long) stats.get("recordsSkipped")).isGreaterThanOrEqualTo(1);
        assertThat((Long) stats.get("failedInvocations")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void reportedItemFailuresAreRetriedFromTheFirstFailedRecord() throws Exception {
        putAll("FailuresTable", List.of("p-1", "p-2", "p-3"), Map.of("p-2", "reportOnce"));
        stack.streams().awaitIdle(WAIT);

        List<DynamodbEvent> batches = StreamRecordingHandler.batches("PartialFunction").stream()
                .filter(b -> b.getRecords().stream().anyMatch(r -> pk(r).startsWith("p-")))
                .toList();
        List<String> received = records("PartialFunction", "p-").stream()
                .map(StreamRecordingHandler::pk)
                .toList();
        assertThat(received).filteredOn("p-1"::equals).hasSize(1);
        assertThat(received).filteredOn("p-2"::equals).hasSize(2);
        assertThat(received.stream().distinct().toList()).containsExactly("p-1", "p-2", "p-3");
        DynamodbEvent retry = batches.stream()
                .filter(b -> b.getRecords().stream().anyMatch(r -> pk(r).equals("p-2")))
                .skip(1)
                .findFirst()
                .orElseThrow();
        assertThat(pk(retry.getRecords().get(0))).isEqualTo("p-2");

        // A record reported as failed every time is given up after MaximumRetryAttempts (3); the next one arrives.
        put("FailuresTable", "p-stuck", Map.of("fail", s("report")));
        stack.streams().awaitIdle(WAIT);
        put("FailuresTable", "p-next");
        stack.streams().awaitIdle(WAIT);
        List<String> after = records("PartialFunction", "p-").stream()
                .map(StreamRecordingHandler::pk)
                .toList();
        assertThat(after).filteredOn("p-stuck"::equals).hasSize(4);
        assertThat(after.get(after.size() - 1)).isEqualTo("p-next");
    }

    @Test
    void bisectIsolatesTheFailingRecord() throws Exception {
        List<String> pks = IntStream.range(0, 8).mapToObj(i -> "b-" + i).toList();
        putAll("FailuresTable", pks, Map.of("b-5", "throw"));
        stack.streams().awaitIdle(WAIT);

        List<List<String>> batches = new ArrayList<>();
        StreamRecordingHandler.batches("BisectFunction").forEach(b -> {
            List<String> keys = b.getRecords().stream()
                    .map(StreamRecordingHandler::pk)
                    .filter(k -> k.startsWith("b-"))
                    .toList();
            if (!keys.isEmpty()) {
                batches.add(keys);
            }
        });
        List<List<String>> withBad =
                batches.stream().filter(b -> b.contains("b-5")).toList();
        assertThat(withBad.get(withBad.size() - 1)).containsExactly("b-5");
        List<String> handled = batches.stream()
                .filter(b -> !b.contains("b-5"))
                .flatMap(List::stream)
                .toList();
        assertThat(handled).containsExactlyInAnyOrder("b-0", "b-1", "b-2", "b-3", "b-4", "b-6", "b-7");
    }

    @Test
    void latestStartsAfterTheMappingIsCreatedAndTrimHorizonReadsEverythingKept() throws Exception {
        put("HistoryTable", "h-1");
        put("HistoryTable", "h-2");
        String arn = streamArn("HistoryTable");
        stack.streams().add(probe("LatestProbe", arn, "LATEST"));
        stack.streams().add(probe("TrimHorizonProbe", arn, "TRIM_HORIZON"));
        put("HistoryTable", "h-3");
        stack.streams().awaitIdle(WAIT);

        assertThat(records("LatestProbe", "h-"))
                .extracting(StreamRecordingHandler::pk)
                .containsExactly("h-3");
        assertThat(records("TrimHorizonProbe", "h-"))
                .extracting(StreamRecordingHandler::pk)
                .containsExactly("h-1", "h-2", "h-3");
        // KEYS_ONLY: keys, no images.
        DynamodbStreamRecord first = records("TrimHorizonProbe", "h-").get(0);
        assertThat(first.getDynamodb().getNewImage()).isNull();
        assertThat(first.getDynamodb().getStreamViewType()).isEqualTo("KEYS_ONLY");
    }

    @Test
    void awaitIdleWaitsForAMappingThatHasNotFinishedItsFirstPoll() throws Exception {
        put("HistoryTable", "slow-1");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger invocations = new AtomicInteger();
        RequestStreamHandler slow = (in, out, context) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            invocations.incrementAndGet();
        };
        LocalFunction function = new LocalFunction("SlowProbe", "SlowProbe", Map.of(), List.of(), 5, slow, null);
        stack.streams()
                .add(new StreamEventSource(
                        "SlowProbe",
                        function,
                        streamArn("HistoryTable"),
                        "TRIM_HORIZON",
                        100,
                        0,
                        EventFilter.NONE,
                        false,
                        -1,
                        false));

        // Its first batch is still in the function: the mapping is not idle, whatever the other mappings do.
        assertThatThrownBy(() -> stack.streams().awaitIdle(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still busy");
        release.countDown();
        stack.streams().awaitIdle(WAIT);
        assertThat(invocations).hasPositiveValue();
    }

    private static StreamEventSource probe(String name, String arn, String startingPosition) {
        LocalFunction function = new LocalFunction(
                name,
                StreamRecordingHandler.class.getName(),
                Map.of(),
                List.of(),
                5,
                new StreamRecordingHandler(null),
                null);
        return new StreamEventSource(name, function, arn, startingPosition, 100, 0, EventFilter.NONE, false, -1, false);
    }

    @Test
    void aStreamThatIsNotATablesStreamAndBadSettingsAreRefused() {
        LocalFunction function = stack.functions().get(0);
        assertThatThrownBy(() -> stack.streams()
                        .add(new StreamEventSource(
                                "Plain",
                                function,
                                "arn:aws:dynamodb:us-east-1:000000000000:table/PlainTable/stream/x",
                                "LATEST",
                                1,
                                0,
                                EventFilter.NONE,
                                false,
                                -1,
                                false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StreamSpecification");
        assertThatThrownBy(() -> new StreamEventSource(
                        "Big", function, "arn", "LATEST", 10_001, 0, EventFilter.NONE, false, -1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BatchSize");
        assertThatThrownBy(() -> new StreamEventSource(
                        "Pos", function, "arn", "AT_TIMESTAMP", 1, 0, EventFilter.NONE, false, -1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StartingPosition");
    }

    @Test
    void templateDefaultsFollowLambda() throws Exception {
        Path file = Path.of(LocalStreamsTest.class
                .getClassLoader()
                .getResource("streams-template.yaml")
                .toURI());
        TemplateFunctions template = new TemplateFunctions(
                dev.samlocal.template.SamTemplate.load(file),
                Map.of(),
                Map.of("ChangesTable", "arn:changes", "FailuresTable", "arn:failures", "HistoryTable", "arn:history"),
                Map.of());
        List<StreamEventSource> sources = new TemplateEventSources(
                        template, template.instantiate(Map.of(), new LiveshopHandlers()))
                .streamSources();
        StreamEventSource featured = sources.stream()
                .filter(s -> s.id().equals("FeaturedFunction-FeaturedChanges"))
                .findFirst()
                .orElseThrow();
        assertThat(featured.streamArn()).isEqualTo("arn:changes");
        assertThat(featured.startingPosition()).isEqualTo("TRIM_HORIZON");
        assertThat(featured.batchSize()).isEqualTo(StreamEventSource.DEFAULT_BATCH_SIZE);
        assertThat(featured.batchingWindowSeconds()).isZero();
        assertThat(featured.maximumRetryAttempts()).isEqualTo(-1);
        assertThat(featured.bisectOnError()).isFalse();
        assertThat(featured.reportBatchItemFailures()).isFalse();
        assertThat(featured.filterCriteria().patterns()).hasSize(2);
        StreamEventSource partial = sources.stream()
                .filter(s -> s.id().equals("PartialFunction-Partial"))
                .findFirst()
                .orElseThrow();
        assertThat(partial.reportBatchItemFailures()).isTrue();
        assertThat(partial.maximumRetryAttempts()).isEqualTo(3);
        assertThat(sources).extracting(StreamEventSource::id).doesNotContain("DisabledFunction-Paused");
    }

    @Test
    void getLocalListsTheStreamEventSources() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.url() + "/_local"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode streams = Json.MAPPER.readTree(response.body()).path("streams");
        JsonNode changes = null;
        for (JsonNode s : streams) {
            if (s.path("id").asText().equals("SmallBatchFunction-InPairs")) {
                changes = s;
            }
        }
        assertThat(changes).isNotNull();
        assertThat(changes.path("function").asText()).isEqualTo("SmallBatchFunction");
        assertThat(changes.path("table").asText()).isEqualTo("ChangesTable");
        assertThat(changes.path("streamArn").asText()).isEqualTo(streamArn("ChangesTable"));
        assertThat(changes.path("batchSize").asInt()).isEqualTo(2);
        assertThat(changes.path("maximumBatchingWindowInSeconds").asInt()).isEqualTo(1);
        assertThat(changes.has("recordsDelivered")).isTrue();
    }
}
