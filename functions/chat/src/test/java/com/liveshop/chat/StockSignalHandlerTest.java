package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.chat.service.StockSignal;
import com.liveshop.testkit.DynamoDbLocalExtension;
import dev.samlocal.lambda.TestContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Catalog stream records → `stock` frames for live sessions featuring that sku, at most once a second. */
class StockSignalHandlerTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static ChatFixture f;
    private static final Instant T0 = Instant.parse("2026-11-29T20:00:00Z");

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture(DYNAMO);
    }

    private static StockSignalHandler handlerAt(Instant now) {
        return new StockSignalHandler(
                new StockSignal(f.wiring.chat(), f.publisher, Clock.fixed(now, ZoneOffset.UTC)), f.wiring.products());
    }

    /** A live session featuring {@code sku}, listed in the byStart index as the sessions module lists it. */
    private static String liveSessionFeaturing(String sku) {
        String id = f.session("LIVE");
        f.client.updateItem(u -> u.tableName(ChatFixture.SESSIONS)
                .key(Map.of("pk", s("SESSION#" + id), "sk", s("META")))
                .updateExpression("SET gsi1pk = :a, gsi1sk = :k, currentHighlight = :h")
                .expressionAttributeValues(Map.of(
                        ":a",
                        s("ACTIVE"),
                        ":k",
                        s(T0 + "#" + id),
                        ":h",
                        s("{\"highlightId\":\"h1\",\"sku\":\"" + sku + "\",\"title\":\"Lamp\"}"))));
        return id;
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue s(String v) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(v);
    }

    /**
     * The stream records of stock changes, each written to the Catalog table first (the handler reads the totals over
     * the sku's buckets there): a product with 2 buckets, the change landing in bucket 1 of 20 + n units.
     */
    private static DynamodbEvent stockChanges(Object... skuThenAvailable) {
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        for (int i = 0; i < skuThenAvailable.length; i += 2) {
            String sku = (String) skuThenAvailable[i];
            long total = ((Number) skuThenAvailable[i + 1]).longValue();
            writeStock(sku, total);
            DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
            record.setEventName("MODIFY");
            record.setDynamodb(new StreamRecord()
                    .withNewImage(Map.of(
                            "pk", new AttributeValue().withS("PRODUCT#" + skuThenAvailable[i]),
                            "sk", new AttributeValue().withS("STOCK#1"),
                            "available", new AttributeValue().withN(String.valueOf(total - 20)))));
            records.add(record);
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        return event;
    }

    /** A product whose {@code total} available units sit in two buckets: 20 in STOCK#0, the rest in STOCK#1. */
    private static void writeStock(String sku, long total) {
        f.client.putItem(p -> p.tableName(ChatFixture.CATALOG)
                .item(Map.of("pk", s("PRODUCT#" + sku), "sk", s("DETAILS"), "sku", s(sku), "stockShards", n(2))));
        for (int bucket = 0; bucket < 2; bucket++) {
            long available = bucket == 0 ? 20 : total - 20;
            int b = bucket;
            f.client.putItem(p -> p.tableName(ChatFixture.CATALOG)
                    .item(Map.of(
                            "pk",
                            s("PRODUCT#" + sku),
                            "sk",
                            s("STOCK#" + b),
                            "sku",
                            s(sku),
                            "initial",
                            n(available),
                            "available",
                            n(available),
                            "held",
                            n(0),
                            "sold",
                            n(0))));
        }
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue n(long v) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(Long.toString(v));
    }

    private static List<JsonNode> stockFrames(String sessionId) {
        return f.publisher.show(sessionId, "stock");
    }

    @Test
    void theLatestTotalOverTheBucketsOfAFeaturedSkuReachesItsSessionOnlyAndAtMostOnceASecond() {
        String sku = "lamp-" + UUID.randomUUID().toString().substring(0, 8);
        String session = liveSessionFeaturing(sku);
        String other = liveSessionFeaturing("other-" + sku);

        // One batch with three changes of the sku and one of an unfeatured sku: one frame, the last figure.
        handlerAt(T0)
                .handleRequest(
                        stockChanges(sku, 49, sku, 48, "unfeatured", 3, sku, 47),
                        new TestContext("StockSignalFunction"));
        assertThat(stockFrames(session)).singleElement().satisfies(frame -> {
            assertThat(frame.path("sku").asText()).isEqualTo(sku);
            assertThat(frame.path("available").asLong()).isEqualTo(47);
        });
        assertThat(stockFrames(other)).isEmpty();

        // Within the second: held back. After it: the new figure; the same figure again: nothing.
        handlerAt(T0.plusMillis(500)).handleRequest(stockChanges(sku, 40), new TestContext("StockSignalFunction"));
        assertThat(stockFrames(session)).hasSize(1);
        handlerAt(T0.plusMillis(1_100)).handleRequest(stockChanges(sku, 39), new TestContext("StockSignalFunction"));
        handlerAt(T0.plusMillis(2_200)).handleRequest(stockChanges(sku, 39), new TestContext("StockSignalFunction"));
        assertThat(stockFrames(session))
                .extracting(j -> j.path("available").asLong())
                .containsExactly(47L, 39L);
    }

    @Test
    void recordsThatAreNotStockItemsOrHaveNoNewImageAreIgnored() {
        DynamodbEvent event = stockChanges("x", 1);
        event.getRecords()
                .get(0)
                .getDynamodb()
                .setNewImage(Map.of(
                        "pk", new AttributeValue().withS("PRODUCT#x"), "sk", new AttributeValue().withS("DETAILS")));
        DynamodbEvent.DynamodbStreamRecord removed = new DynamodbEvent.DynamodbStreamRecord();
        removed.setEventName("REMOVE");
        removed.setDynamodb(new StreamRecord());
        event.getRecords().add(removed);
        assertThat(StockSignalHandler.changedSkus(event)).isEmpty();
        assertThat(StockSignalHandler.changedSkus(new DynamodbEvent())).isEmpty();
    }
}
