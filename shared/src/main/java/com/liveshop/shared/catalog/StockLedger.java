package com.liveshop.shared.catalog;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.s;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The only place that moves units between the stock counters. Each move is one conditional update meant
 * to sit in a transaction with the hold/order item it accounts for, so {@code initial = available + held
 * + sold} holds at every moment and a counter never goes below zero.
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
        return Map.of(CatalogKeys.PK, s(CatalogKeys.productPk(sku)), CatalogKeys.SK, s(CatalogKeys.STOCK_SK));
    }

    /** available → held; fails (ConditionalCheckFailed) when fewer than {@code quantity} are available. */
    public TransactWriteItem reserve(String sku, long quantity) {
        return move(sku, quantity, CatalogKeys.AVAILABLE, CatalogKeys.HELD);
    }

    /** held → available (cart item removed, hold expired). */
    public TransactWriteItem release(String sku, long quantity) {
        return move(sku, quantity, CatalogKeys.HELD, CatalogKeys.AVAILABLE);
    }

    /** held → sold (order placed). */
    public TransactWriteItem sell(String sku, long quantity) {
        return move(sku, quantity, CatalogKeys.HELD, CatalogKeys.SOLD);
    }

    /** sold → available (payment failed, order cancelled). */
    public TransactWriteItem unsell(String sku, long quantity) {
        return move(sku, quantity, CatalogKeys.SOLD, CatalogKeys.AVAILABLE);
    }

    private TransactWriteItem move(String sku, long quantity, String from, String to) {
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be positive");
        }
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(stockKey(sku))
                .updateExpression("SET #from = #from - :q, #to = #to + :q")
                .conditionExpression("attribute_exists(#pk) AND #from >= :q")
                .expressionAttributeNames(Map.of("#from", from, "#to", to, "#pk", CatalogKeys.PK))
                .expressionAttributeValues(Map.of(":q", n(quantity)))
                .build()).build();
    }
}
