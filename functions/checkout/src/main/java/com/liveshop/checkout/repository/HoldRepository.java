package com.liveshop.checkout.repository;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.checkout.domain.Hold;
import com.liveshop.shared.catalog.StockLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Holds and the cart META item in the Reservations table. Every change of a hold is one transaction with its
 * stock move ({@link StockLedger}) and the META update, each guarded by a condition on what was read, so
 * a concurrent change makes the transaction fail instead of double counting.
 */
public class HoldRepository {

    /** What a hold write came to. */
    public enum Outcome {
        OK,
        /** The hold is not as read (changed, created or removed meanwhile): read again. */
        HOLD_CHANGED,
        SOLD_OUT,
        CURRENCY_MISMATCH,
        CART_FULL,
        /** A concurrent transaction or throttle cancelled it; retry after a pause. */
        RETRY
    }

    /** A cart's holds (live and expired) and its META item. */
    public record CartContents(List<Hold> holds, long itemCount, String currency) {}

    static final long TTL_GRACE_SECONDS = 24 * 60 * 60;

    private final DynamoDbClient client;
    private final String tableName;
    private final StockLedger ledger;

    public HoldRepository(DynamoDbClient client, String tableName, StockLedger ledger) {
        this.client = client;
        this.tableName = tableName;
        this.ledger = ledger;
    }

    public StockLedger ledger() {
        return ledger;
    }

    public String tableName() {
        return tableName;
    }

    public Optional<Hold> find(String cartId, String sku) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(tableName).consistentRead(true)
                .key(holdKey(cartId, sku))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toHold(item));
    }

    /** Every hold of the cart and its META, strongly consistent. */
    public CartContents contents(String cartId) {
        List<Hold> holds = new ArrayList<>();
        long itemCount = 0;
        String currency = null;
        Map<String, AttributeValue> start = null;
        do {
            final Map<String, AttributeValue> from = start;
            QueryResponse page = client.query(q -> {
                q.tableName(tableName).consistentRead(true)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", ReservationKeys.PK))
                        .expressionAttributeValues(Map.of(":pk", s(ReservationKeys.cartPk(cartId))));
                if (from != null) {
                    q.exclusiveStartKey(from);
                }
            });
            for (Map<String, AttributeValue> item : page.items()) {
                String sk = str(item, ReservationKeys.SK);
                if (ReservationKeys.META_SK.equals(sk)) {
                    itemCount = num(item, "itemCount");
                    currency = str(item, "currency");
                } else if (sk != null && sk.startsWith(ReservationKeys.HOLD_PREFIX)) {
                    holds.add(toHold(item));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return new CartContents(holds, itemCount, currency);
    }

    /**
     * A new hold: put the hold (must not exist) + reserve the units + count the sku on the cart META, whose
     * condition keeps one currency per cart and at most {@code maxItems} skus.
     */
    public Outcome create(Hold hold, int maxItems) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":c", s(hold.currency()));
        values.put(":zero", n(0));
        values.put(":one", n(1));
        values.put(":max", n(maxItems));
        values.put(":ttl", n(ttlOf(hold.expiresAtMillis())));
        TransactWriteItem meta = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(metaKey(hold.cartId()))
                .updateExpression("SET #currency = :c, #ttl = :ttl, #itemCount = if_not_exists(#itemCount, :zero) + :one")
                .conditionExpression("(attribute_not_exists(#itemCount) OR #itemCount <= :zero OR #currency = :c)"
                        + " AND (attribute_not_exists(#itemCount) OR #itemCount < :max)")
                .expressionAttributeNames(Map.of("#currency", "currency", "#itemCount", "itemCount", "#ttl", "ttl"))
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
        TxResult result = TxResult.run(client, List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(toItem(hold))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", ReservationKeys.PK)).build()).build(),
                ledger.reserve(hold.sku(), hold.quantity()),
                meta));
        if (result.committed()) {
            return Outcome.OK;
        }
        if (result.conditionFailed(0)) {
            return Outcome.HOLD_CHANGED;
        }
        if (result.conditionFailed(1)) {
            return Outcome.SOLD_OUT;
        }
        if (result.conditionFailed(2)) {
            Map<String, AttributeValue> old = result.oldItem(2);
            if (old.isEmpty()) {
                old = client.getItem(g -> g.tableName(tableName).consistentRead(true).key(metaKey(hold.cartId()))).item();
            }
            String currency = old == null ? null : str(old, "currency");
            return currency != null && !currency.equals(hold.currency()) && num(old, "itemCount") > 0
                    ? Outcome.CURRENCY_MISMATCH : Outcome.CART_FULL;
        }
        return Outcome.RETRY;
    }

    /** More units of a held sku: update the hold (as read, not expired) + reserve the extra units. */
    public Outcome raise(Hold current, Hold raised, Instant now) {
        long extra = raised.quantity() - current.quantity();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":oldQ", n(current.quantity()));
        values.put(":oldExp", n(current.expiresAtMillis()));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":q", n(raised.quantity()));
        values.put(":exp", n(raised.expiresAtMillis()));
        values.put(":ttl", n(ttlOf(raised.expiresAtMillis())));
        values.put(":shard", s(ReservationKeys.expiryShardOf(raised.cartId(), raised.sku())));
        TxResult result = TxResult.run(client, List.of(
                TransactWriteItem.builder().update(Update.builder()
                        .tableName(tableName)
                        .key(holdKey(current.cartId(), current.sku()))
                        .updateExpression("SET #q = :q, #exp = :exp, #ttl = :ttl, #shard = :shard")
                        .conditionExpression("#q = :oldQ AND #exp = :oldExp AND #exp > :now")
                        .expressionAttributeNames(Map.of("#q", "quantity", "#exp", "expiresAt", "#ttl", "ttl",
                                "#shard", "expiryShard"))
                        .expressionAttributeValues(values).build()).build(),
                ledger.reserve(current.sku(), extra)));
        if (result.committed()) {
            return Outcome.OK;
        }
        if (result.conditionFailed(0)) {
            return Outcome.HOLD_CHANGED;
        }
        if (result.conditionFailed(1)) {
            return Outcome.SOLD_OUT;
        }
        return Outcome.RETRY;
    }

    /** The cart gives the hold back (item removed): delete it as read + release its units + uncount it. */
    public Outcome remove(Hold hold) {
        TxResult result = TxResult.run(client, List.of(
                deleteAsRead(hold, null, null),
                ledger.release(hold.sku(), hold.quantity()),
                uncount(hold.cartId(), 1)));
        if (result.committed()) {
            return Outcome.OK;
        }
        return result.conditionFailed(0) ? Outcome.HOLD_CHANGED : Outcome.RETRY;
    }

    /**
     * The expiry of one hold, as the sweep and a re-add both do it: delete it only if it is still the same
     * expired hold + release its units + uncount it. False when anyone else already handled it (or the
     * transaction was cancelled; the next sweep retries).
     */
    public boolean expire(Hold hold, Instant now) {
        TxResult result = TxResult.run(client, List.of(
                deleteAsRead(hold, "<=", now),
                ledger.release(hold.sku(), hold.quantity()),
                uncount(hold.cartId(), 1)));
        return result.committed();
    }

    /** Holds of one expiry shard with expiresAt &lt;= now, page by page (the GSI is eventually consistent). */
    public void forEachExpired(int shard, Instant now, Consumer<Hold> action) {
        Map<String, AttributeValue> start = null;
        do {
            final Map<String, AttributeValue> from = start;
            QueryResponse page = client.query(q -> {
                q.tableName(tableName).indexName(ReservationKeys.BY_EXPIRY_INDEX)
                        .keyConditionExpression("#shard = :shard AND #exp <= :now")
                        .expressionAttributeNames(Map.of("#shard", "expiryShard", "#exp", "expiresAt"))
                        .expressionAttributeValues(Map.of(":shard", s(ReservationKeys.expiryShard(shard)),
                                ":now", n(now.toEpochMilli())))
                        .limit(200);
                if (from != null) {
                    q.exclusiveStartKey(from);
                }
            });
            page.items().forEach(item -> action.accept(toHold(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /**
     * Delete of a hold guarded by exactly what was read (quantity and expiresAt), plus optionally
     * {@code expiresAt <op> now}. Used inside transactions by this class and by the order placement.
     */
    TransactWriteItem deleteAsRead(Hold hold, String expiryOp, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":q", n(hold.quantity()));
        values.put(":exp", n(hold.expiresAtMillis()));
        String condition = "#q = :q AND #exp = :exp";
        if (expiryOp != null) {
            values.put(":now", n(now.toEpochMilli()));
            condition += " AND #exp " + expiryOp + " :now";
        }
        return TransactWriteItem.builder().delete(Delete.builder()
                .tableName(tableName)
                .key(holdKey(hold.cartId(), hold.sku()))
                .conditionExpression(condition)
                .expressionAttributeNames(Map.of("#q", "quantity", "#exp", "expiresAt"))
                .expressionAttributeValues(values).build()).build();
    }

    /** META: {@code itemCount -= skus}. ADD never fails, so a hold can always be given back. */
    TransactWriteItem uncount(String cartId, int skus) {
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(metaKey(cartId))
                .updateExpression("ADD #itemCount :minus")
                .expressionAttributeNames(Map.of("#itemCount", "itemCount"))
                .expressionAttributeValues(Map.of(":minus", n(-skus))).build()).build();
    }

    static Map<String, AttributeValue> holdKey(String cartId, String sku) {
        return Map.of(ReservationKeys.PK, s(ReservationKeys.cartPk(cartId)), ReservationKeys.SK, s(ReservationKeys.holdSk(sku)));
    }

    static Map<String, AttributeValue> metaKey(String cartId) {
        return Map.of(ReservationKeys.PK, s(ReservationKeys.cartPk(cartId)), ReservationKeys.SK, s(ReservationKeys.META_SK));
    }

    static long ttlOf(long expiresAtMillis) {
        return expiresAtMillis / 1000 + TTL_GRACE_SECONDS;
    }

    static Map<String, AttributeValue> toItem(Hold hold) {
        Map<String, AttributeValue> item = new HashMap<>(holdKey(hold.cartId(), hold.sku()));
        item.put("cartId", s(hold.cartId()));
        item.put("sku", s(hold.sku()));
        item.put("title", s(hold.title() == null ? hold.sku() : hold.title()));
        item.put("quantity", n(hold.quantity()));
        item.put("priceCents", n(hold.priceCents()));
        item.put("currency", s(hold.currency()));
        item.put("expiresAt", n(hold.expiresAtMillis()));
        item.put("ttl", n(ttlOf(hold.expiresAtMillis())));
        item.put("expiryShard", s(ReservationKeys.expiryShardOf(hold.cartId(), hold.sku())));
        return item;
    }

    static Hold toHold(Map<String, AttributeValue> item) {
        return new Hold(str(item, "cartId"), str(item, "sku"), str(item, "title"), (int) num(item, "quantity"),
                num(item, "priceCents"), str(item, "currency"), num(item, "expiresAt"));
    }
}
