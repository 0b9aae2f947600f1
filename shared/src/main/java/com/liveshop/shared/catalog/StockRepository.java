package com.liveshop.shared.catalog;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The stock buckets of products (pk=PRODUCT#sku, sk=STOCK#i): reading their sums, a consistent snapshot for spreading a
 * hold, and the admin moves that create, restock and spread units. Holds, orders and expiries move units through
 * {@link StockLedger} inside their own transactions.
 */
public class StockRepository {

    /** Attempts of a multi-bucket admin transaction cancelled by concurrent holds. */
    private static final int ADMIN_ATTEMPTS = 20;

    private final DynamoDbClient client;
    private final String tableName;

    public StockRepository(DynamoDbClient client, String tableName) {
        this.client = client;
        this.tableName = tableName;
    }

    /** The items that create {@code initial} units spread evenly over {@code shards} new buckets. */
    public List<TransactWriteItem> createBuckets(String sku, int shards, long initial) {
        long[] split = split(initial, shards);
        List<TransactWriteItem> items = new ArrayList<>();
        for (int bucket = 0; bucket < shards; bucket++) {
            items.add(TransactWriteItem.builder()
                    .put(Put.builder()
                            .tableName(tableName)
                            .item(bucketItem(sku, bucket, split[bucket]))
                            .conditionExpression("attribute_not_exists(pk)")
                            .build())
                    .build());
        }
        return items;
    }

    /** Totals of one sku, strongly consistent (one Query of the product's STOCK# items). */
    public StockLevel stock(String sku) {
        List<StockLevel.Bucket> buckets = new ArrayList<>();
        QueryRequest request = QueryRequest.builder()
                .tableName(tableName)
                .consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :stock)")
                .expressionAttributeNames(Map.of("#pk", CatalogKeys.PK, "#sk", CatalogKeys.SK))
                .expressionAttributeValues(
                        Map.of(":pk", s(CatalogKeys.productPk(sku)), ":stock", s(CatalogKeys.STOCK_PREFIX)))
                .build();
        client.queryPaginator(request).items().forEach(item -> buckets.add(toBucket(item)));
        return buckets.isEmpty() ? StockLevel.none(sku) : StockLevel.sum(sku, buckets);
    }

    /**
     * Every bucket of a sku read in one TransactGetItems: a serializable snapshot, so its sum is the sku's availability
     * at one instant (a hold is refused as SOLD_OUT only when such a sum is short).
     */
    public List<StockLevel.Bucket> snapshot(String sku, int shards) {
        List<TransactGetItem> gets = new ArrayList<>();
        for (int bucket = 0; bucket < shards; bucket++) {
            gets.add(TransactGetItem.builder()
                    .get(Get.builder()
                            .tableName(tableName)
                            .key(StockLedger.stockKey(sku, bucket))
                            .build())
                    .build());
        }
        for (int attempt = 0; ; attempt++) {
            try {
                List<StockLevel.Bucket> buckets = new ArrayList<>();
                client.transactGetItems(t -> t.transactItems(gets)).responses().forEach(r -> {
                    if (r.hasItem() && !r.item().isEmpty()) {
                        buckets.add(toBucket(r.item()));
                    }
                });
                return buckets;
            } catch (TransactionCanceledException conflict) {
                // A concurrent write to one of the buckets; a read conflict clears at once.
                if (attempt >= ADMIN_ATTEMPTS) {
                    throw conflict;
                }
            }
        }
    }

    /** Totals of many skus (sku → its bucket count), eventually consistent, 100 keys per BatchGetItem. */
    public Map<String, StockLevel> stockOf(Map<String, Integer> shardsBySku) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        shardsBySku.forEach((sku, shards) -> {
            for (int bucket = 0; bucket < shards; bucket++) {
                keys.add(StockLedger.stockKey(sku, bucket));
            }
        });
        Map<String, List<StockLevel.Bucket>> buckets = new LinkedHashMap<>();
        for (int from = 0; from < keys.size(); from += 100) {
            Map<String, KeysAndAttributes> request = Map.of(
                    tableName,
                    KeysAndAttributes.builder()
                            .keys(keys.subList(from, Math.min(from + 100, keys.size())))
                            .build());
            while (!request.isEmpty()) {
                final Map<String, KeysAndAttributes> current = request;
                var response = client.batchGetItem(b -> b.requestItems(current));
                response.responses()
                        .getOrDefault(tableName, List.of())
                        .forEach(item -> buckets.computeIfAbsent(item.get("sku").s(), k -> new ArrayList<>())
                                .add(toBucket(item)));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        Map<String, StockLevel> result = new HashMap<>();
        buckets.forEach((sku, list) -> result.put(sku, StockLevel.sum(sku, list)));
        return result;
    }

    /** Adds {@code quantity} units to initial and available, spread evenly over the buckets; false when absent. */
    public boolean restock(String sku, int shards, long quantity) {
        long[] split = split(quantity, shards);
        List<TransactWriteItem> items = new ArrayList<>();
        for (int bucket = 0; bucket < shards; bucket++) {
            if (bucket == 0 || split[bucket] > 0) {
                items.add(TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName(tableName)
                                .key(StockLedger.stockKey(sku, bucket))
                                .updateExpression("SET #initial = #initial + :q, #available = #available + :q")
                                .conditionExpression("attribute_exists(pk)")
                                .expressionAttributeNames(
                                        Map.of("#initial", CatalogKeys.INITIAL, "#available", CatalogKeys.AVAILABLE))
                                .expressionAttributeValues(Map.of(":q", n(split[bucket])))
                                .build())
                        .build());
            }
        }
        // Item 0 is bucket 0, which every product has: its condition fails only when the product is gone.
        return runAdmin(AdminOutcome.MISSING, () -> items) == AdminOutcome.OK;
    }

    /** What a bucket-count change came to. */
    public enum AdminOutcome {
        OK,
        MISSING,
        CHANGED
    }

    /**
     * Spreads a product over {@code to > from} buckets: the available units of the existing buckets are evened out over
     * all of them (each old bucket moves units out only if its available is still as read; initial moves with them so
     * every bucket stays balanced), the new buckets are created, and the details' stockShards changes from {@code from}
     * — one transaction, retried on conflicts with concurrent holds.
     */
    public AdminOutcome grow(String sku, int from, int to) {
        if (to <= from) {
            throw new IllegalArgumentException("buckets only grow");
        }
        return runAdmin(AdminOutcome.CHANGED, () -> {
            List<StockLevel.Bucket> current = snapshot(sku, from);
            long available =
                    current.stream().mapToLong(StockLevel.Bucket::available).sum();
            long[] target = split(available, to);
            List<TransactWriteItem> items = new ArrayList<>();
            Map<String, AttributeValue> details =
                    Map.of(CatalogKeys.PK, s(CatalogKeys.productPk(sku)), CatalogKeys.SK, s(CatalogKeys.DETAILS_SK));
            items.add(TransactWriteItem.builder()
                    .update(Update.builder()
                            .tableName(tableName)
                            .key(details)
                            .updateExpression("SET stockShards = :to")
                            .conditionExpression(
                                    from == 1
                                            ? "attribute_exists(pk) AND ("
                                                    + "attribute_not_exists(stockShards) OR stockShards = :from)"
                                            : "attribute_exists(pk) AND stockShards = :from")
                            .expressionAttributeValues(Map.of(":to", n(to), ":from", n(from)))
                            .build())
                    .build());
            for (StockLevel.Bucket bucket : current) {
                long delta = target[bucket.index()] - bucket.available();
                if (delta != 0) {
                    items.add(TransactWriteItem.builder()
                            .update(Update.builder()
                                    .tableName(tableName)
                                    .key(StockLedger.stockKey(sku, bucket.index()))
                                    .updateExpression("SET #initial = #initial + :d, #available = #available + :d")
                                    .conditionExpression("#available = :asRead")
                                    .expressionAttributeNames(Map.of(
                                            "#initial", CatalogKeys.INITIAL, "#available", CatalogKeys.AVAILABLE))
                                    .expressionAttributeValues(Map.of(":d", n(delta), ":asRead", n(bucket.available())))
                                    .build())
                            .build());
                }
            }
            for (int bucket = from; bucket < to; bucket++) {
                items.add(TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(tableName)
                                .item(bucketItem(sku, bucket, target[bucket]))
                                .conditionExpression("attribute_not_exists(pk)")
                                .build())
                        .build());
            }
            return items;
        });
    }

    /**
     * Runs a multi-bucket admin transaction, rebuilt from fresh reads after each cancellation. A failed condition on
     * item 0 is final: MISSING for a restock (the product is gone), CHANGED for a bucket-count change (someone else
     * changed stockShards); any other cancellation is a concurrent hold, retried with jitter.
     */
    private AdminOutcome runAdmin(
            AdminOutcome onFirstItemFailed, java.util.function.Supplier<List<TransactWriteItem>> build) {
        for (int attempt = 0; attempt < ADMIN_ATTEMPTS; attempt++) {
            List<TransactWriteItem> items = build.get();
            try {
                client.transactWriteItems(t -> t.transactItems(items));
                return AdminOutcome.OK;
            } catch (TransactionCanceledException e) {
                if (e.hasCancellationReasons()
                        && "ConditionalCheckFailed"
                                .equals(e.cancellationReasons().get(0).code())) {
                    return onFirstItemFailed;
                }
                pause(attempt);
            }
        }
        throw new IllegalStateException("stock buckets of the product stayed contended; try again");
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 5L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code total} split into {@code parts} shares that differ by at most one unit. */
    static long[] split(long total, int parts) {
        long[] shares = new long[parts];
        for (int i = 0; i < parts; i++) {
            shares[i] = total / parts + (i < total % parts ? 1 : 0);
        }
        return shares;
    }

    private static Map<String, AttributeValue> bucketItem(String sku, int bucket, long units) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(StockLedger.stockKey(sku, bucket));
        item.put("sku", s(sku));
        item.put(CatalogKeys.INITIAL, n(units));
        item.put(CatalogKeys.AVAILABLE, n(units));
        item.put(CatalogKeys.HELD, n(0));
        item.put(CatalogKeys.SOLD, n(0));
        return item;
    }

    static StockLevel.Bucket toBucket(Map<String, AttributeValue> item) {
        return new StockLevel.Bucket(
                CatalogKeys.bucketOf(item.get(CatalogKeys.SK).s()),
                num(item, CatalogKeys.INITIAL),
                num(item, CatalogKeys.AVAILABLE),
                num(item, CatalogKeys.HELD),
                num(item, CatalogKeys.SOLD));
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
