package com.liveshop.shared.catalog;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.s;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Products and their stock counters in the Catalog table. */
public class ProductRepository {

    /** A product with its current stock. */
    public record ProductStock(Product product, StockLevel stock) {}

    /** One page of products; {@code cursor} is null on the last page. */
    public record Page(List<ProductStock> items, String cursor) {}

    /** Thrown when a cursor from the client cannot be decoded. */
    public static class InvalidCursorException extends RuntimeException {
        public InvalidCursorException() {
            super("invalid cursor");
        }
    }

    public static final TableSchema<Product> PRODUCT_SCHEMA = TableSchema.fromBean(Product.class);

    private final DynamoDbClient client;
    private final DynamoDbTable<Product> products;
    private final String tableName;
    private final StockRepository stock;

    public ProductRepository(DynamoDbClient client, DynamoDbEnhancedClient enhanced, String tableName) {
        this.client = client;
        this.tableName = tableName;
        this.products = enhanced.table(tableName, PRODUCT_SCHEMA);
        this.stock = new StockRepository(client, tableName);
    }

    /** The product's stock buckets. */
    public StockRepository stockBuckets() {
        return stock;
    }

    public Optional<Product> findProduct(String sku) {
        return Optional.ofNullable(products.getItem(Key.builder()
                .partitionValue(CatalogKeys.productPk(sku))
                .sortValue(CatalogKeys.DETAILS_SK)
                .build()));
    }

    /** Details and stock in one Query of the product's partition. */
    public Optional<ProductStock> find(String sku) {
        QueryResponse response = client.query(q -> q.tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", CatalogKeys.PK))
                .expressionAttributeValues(Map.of(":pk", s(CatalogKeys.productPk(sku)))));
        Product product = null;
        List<StockLevel.Bucket> buckets = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            String sk = item.get(CatalogKeys.SK).s();
            if (CatalogKeys.DETAILS_SK.equals(sk)) {
                product = PRODUCT_SCHEMA.mapToItem(item);
            } else if (CatalogKeys.bucketOf(sk) >= 0) {
                buckets.add(StockRepository.toBucket(item));
            }
        }
        StockLevel level = buckets.isEmpty() ? StockLevel.none(sku) : StockLevel.sum(sku, buckets);
        return product == null ? Optional.empty() : Optional.of(new ProductStock(product, level));
    }

    /** Products by sku, {@code limit} per page, with their stock (one BatchGetItem per page). */
    public Page list(int limit, String cursor) {
        Map<String, AttributeValue> startKey = decodeCursor(cursor);
        QueryResponse response = client.query(q -> {
            q.tableName(tableName)
                    .indexName(CatalogKeys.BY_TYPE_INDEX)
                    .keyConditionExpression("gsi1pk = :type")
                    .expressionAttributeValues(Map.of(":type", s(CatalogKeys.PRODUCT_TYPE)))
                    .limit(limit);
            if (startKey != null) {
                q.exclusiveStartKey(startKey);
            }
        });
        List<Product> page =
                response.items().stream().map(PRODUCT_SCHEMA::mapToItem).toList();
        Map<String, Integer> shards = new LinkedHashMap<>();
        page.forEach(p -> shards.put(p.getSku(), p.shards()));
        Map<String, StockLevel> stock = this.stock.stockOf(shards);
        List<ProductStock> items = page.stream()
                .map(p -> new ProductStock(p, stock.getOrDefault(p.getSku(), StockLevel.none(p.getSku()))))
                .toList();
        String next =
                response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                        ? encodeCursor(response.lastEvaluatedKey())
                        : null;
        return new Page(items, next);
    }

    /**
     * Stock totals of any number of skus (their details first, for each one's bucket count); unknown skus are absent.
     */
    public Map<String, StockLevel> stockOf(List<String> skus) {
        Map<String, Integer> shards = new LinkedHashMap<>();
        findProducts(skus).forEach((sku, product) -> shards.put(sku, product.shards()));
        return stock.stockOf(shards);
    }

    /** Totals over the sku's buckets, strongly consistent. */
    public StockLevel stock(String sku) {
        return stock.stock(sku);
    }

    /**
     * Creates the product with {@code stock} initial units, or, if it exists, updates its details only (stock is
     * changed by restock, never by a product update). Returns true when it was created.
     */
    public boolean createOrUpdate(Product product, long initialStock) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder()
                .put(Put.builder()
                        .tableName(tableName)
                        .item(PRODUCT_SCHEMA.itemToMap(product, true))
                        .conditionExpression("attribute_not_exists(pk)")
                        .build())
                .build());
        items.addAll(stock.createBuckets(product.getSku(), product.shards(), initialStock));
        try {
            client.transactWriteItems(t -> t.transactItems(items));
            return true;
        } catch (TransactionCanceledException exists) {
            updateDetails(product);
            return false;
        }
    }

    /** Updates the details of an existing product (never its stock or createdAt); false when there is none. */
    public boolean updateDetails(Product product) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        List<String> removes = new ArrayList<>();
        Map<String, AttributeValue> item = PRODUCT_SCHEMA.itemToMap(product, false);
        for (String attribute : List.of("title", "description", "priceCents", "currency", "imageUrl", "updatedAt")) {
            names.put("#" + attribute, attribute);
            AttributeValue value = item.get(attribute);
            if (value == null || Boolean.TRUE.equals(value.nul())) {
                removes.add("#" + attribute);
            } else {
                sets.add("#" + attribute + " = :" + attribute);
                values.put(":" + attribute, value);
            }
        }
        String expression =
                "SET " + String.join(", ", sets) + (removes.isEmpty() ? "" : " REMOVE " + String.join(", ", removes));
        try {
            client.updateItem(u -> u.tableName(tableName)
                    .key(Map.of(CatalogKeys.PK, s(product.getPk()), CatalogKeys.SK, s(CatalogKeys.DETAILS_SK)))
                    .updateExpression(expression)
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException missing) {
            return false;
        }
    }

    /** Adds units to initial and available, spread over the sku's buckets; empty when the sku does not exist. */
    public Optional<StockLevel> restock(String sku, long quantity) {
        Optional<Product> product = findProduct(sku);
        if (product.isEmpty() || !stock.restock(sku, product.get().shards(), quantity)) {
            return Optional.empty();
        }
        return Optional.of(stock.stock(sku));
    }

    /** Details of up to any number of skus (BatchGetItem, 100 keys a call); unknown skus are absent. */
    public Map<String, Product> findProducts(List<String> skus) {
        Map<String, Product> result = new HashMap<>();
        List<String> distinct = skus.stream().distinct().toList();
        for (int from = 0; from < distinct.size(); from += 100) {
            List<Map<String, AttributeValue>> keys =
                    distinct.subList(from, Math.min(from + 100, distinct.size())).stream()
                            .map(sku -> Map.of(
                                    CatalogKeys.PK,
                                    s(CatalogKeys.productPk(sku)),
                                    CatalogKeys.SK,
                                    s(CatalogKeys.DETAILS_SK)))
                            .toList();
            Map<String, KeysAndAttributes> request =
                    Map.of(tableName, KeysAndAttributes.builder().keys(keys).build());
            while (!request.isEmpty()) {
                final Map<String, KeysAndAttributes> current = request;
                var response = client.batchGetItem(b -> b.requestItems(current));
                response.responses().getOrDefault(tableName, List.of()).forEach(item -> {
                    Product product = PRODUCT_SCHEMA.mapToItem(item);
                    result.put(product.getSku(), product);
                });
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return result;
    }

    /**
     * Puts a live-show deal on an existing product, only below its list price (checked by the write itself, so a
     * concurrent price change cannot slip under it). False when the product is gone or the deal is not below its price.
     */
    public boolean setDeal(String sku, long dealPriceCents, String dealEndsAt) {
        try {
            client.updateItem(u -> u.tableName(tableName)
                    .key(Map.of(
                            CatalogKeys.PK, s(CatalogKeys.productPk(sku)), CatalogKeys.SK, s(CatalogKeys.DETAILS_SK)))
                    .updateExpression("SET dealPriceCents = :deal, dealEndsAt = :ends")
                    .conditionExpression("attribute_exists(pk) AND priceCents > :deal")
                    .expressionAttributeValues(Map.of(":deal", n(dealPriceCents), ":ends", s(dealEndsAt))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static String encodeCursor(Map<String, AttributeValue> key) {
        String joined = String.join(
                "\n",
                key.get("pk").s(),
                key.get("sk").s(),
                key.get("gsi1pk").s(),
                key.get("gsi1sk").s());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, AttributeValue> decodeCursor(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 4
                    || !parts[2].equals(CatalogKeys.PRODUCT_TYPE)
                    || !parts[0].equals(CatalogKeys.productPk(parts[3]))) {
                throw new InvalidCursorException();
            }
            return Map.of("pk", s(parts[0]), "sk", s(parts[1]), "gsi1pk", s(parts[2]), "gsi1sk", s(parts[3]));
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException();
        }
    }
}
