package com.liveshop.shared.catalog;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The only place that moves units between the stock counters. Each move is one conditional update per bucket of a
 * {@link StockAllocation}, meant to sit in a transaction with the hold/order item it accounts for, so {@code initial =
 * available + held + sold} holds in every bucket at every moment and no counter goes below zero.
 */
public final class StockLedger {

    private final String tableName;

    public StockLedger(String tableName) {
        this.tableName = tableName;
    }

    public String tableName() {
        return tableName;
    }

    public static Map<String, AttributeValue> stockKey(String sku) {
        return stockKey(sku, 0);
    }

    public static Map<String, AttributeValue> stockKey(String sku, int bucket) {
        return Map.of(CatalogKeys.PK, s(CatalogKeys.productPk(sku)), CatalogKeys.SK, s(CatalogKeys.stockSk(bucket)));
    }

    /** available → held; a bucket's condition fails when it has fewer units available than it is asked for. */
    public List<TransactWriteItem> reserve(String sku, StockAllocation allocation) {
        return move(sku, allocation, CatalogKeys.AVAILABLE, CatalogKeys.HELD);
    }

    /** held → available (cart item removed, hold expired or deleted by TTL). */
    public List<TransactWriteItem> release(String sku, StockAllocation allocation) {
        return move(sku, allocation, CatalogKeys.HELD, CatalogKeys.AVAILABLE);
    }

    /** held → sold (order placed). */
    public List<TransactWriteItem> sell(String sku, StockAllocation allocation) {
        return move(sku, allocation, CatalogKeys.HELD, CatalogKeys.SOLD);
    }

    /** sold → available (payment failed, payment deadline passed). */
    public List<TransactWriteItem> unsell(String sku, StockAllocation allocation) {
        return move(sku, allocation, CatalogKeys.SOLD, CatalogKeys.AVAILABLE);
    }

    /** available → sold (a cancelled order paid after all, its units taken back). */
    public List<TransactWriteItem> take(String sku, StockAllocation allocation) {
        return move(sku, allocation, CatalogKeys.AVAILABLE, CatalogKeys.SOLD);
    }

    private List<TransactWriteItem> move(String sku, StockAllocation allocation, String from, String to) {
        List<TransactWriteItem> items = new ArrayList<>(allocation.buckets());
        allocation
                .units()
                .forEach((bucket, quantity) -> items.add(TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName(tableName)
                                .key(stockKey(sku, bucket))
                                .updateExpression("SET #from = #from - :q, #to = #to + :q")
                                .conditionExpression("attribute_exists(#pk) AND #from >= :q")
                                .expressionAttributeNames(Map.of("#from", from, "#to", to, "#pk", CatalogKeys.PK))
                                .expressionAttributeValues(Map.of(":q", n(quantity)))
                                .build())
                        .build()));
        return items;
    }
}
