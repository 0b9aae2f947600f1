package com.liveshop.checkout.repository;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.domain.PriceTier;
import com.liveshop.shared.catalog.StockAllocation;
import com.liveshop.shared.catalog.StockLedger;
import com.liveshop.shared.stats.ShowOrigin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Holds and the cart META item in the Reservations table. Every change of a hold is one transaction with its stock
 * moves ({@link StockLedger}, one per bucket of its allocation) and the META update, each guarded by a condition on
 * what was read, so a concurrent change makes the transaction fail instead of double counting.
 *
 * <p>Item layout of every hold transaction: [0] the hold, [1] the cart META, [2…] the stock buckets.
 */
public class HoldRepository {

    /** What a hold write came to. */
    public enum Outcome {
        OK,
        /** The hold is not as read (changed, created or removed meanwhile): read again. */
        HOLD_CHANGED,
        /** A bucket of the allocation had fewer units available than asked (others may still have some). */
        SOLD_OUT,
        CURRENCY_MISMATCH,
        CART_FULL,
        /** A concurrent transaction or throttle cancelled it; retry after a pause. */
        RETRY,
        /** What had to be claimed with the hold (a waitlist entry) was no longer there. */
        CLAIM_GONE
    }

    /** A cart's holds (live and expired) and its META item. */
    public record CartContents(List<Hold> holds, long itemCount, String currency) {}

    /**
     * DynamoDB's TTL deletes a hold this long after it expired: garbage collection well behind the sweep, so even a
     * week-long sweep outage leaves the holds to the sweep (and a TTL delete still gives units back, see reclaim).
     */
    static final long TTL_GRACE_SECONDS = 7 * 24 * 60 * 60;
    /** Markers of TTL-deleted holds whose units were given back, kept long enough to outlive stream redelivery. */
    static final long RECLAIM_MARKER_TTL_SECONDS = 7 * 24 * 60 * 60;

    private static final int STOCK_FROM = 2;

    private final DynamoDbClient client;
    private final String tableName;
    private final StockLedger ledger;
    private final ClientCounters counters;

    public HoldRepository(DynamoDbClient client, String tableName, StockLedger ledger) {
        this.client = client;
        this.tableName = tableName;
        this.ledger = ledger;
        this.counters = new ClientCounters(tableName);
    }

    ClientCounters counters() {
        return counters;
    }

    public StockLedger ledger() {
        return ledger;
    }

    public String tableName() {
        return tableName;
    }

    public Optional<Hold> find(String cartId, String sku) {
        Map<String, AttributeValue> item = client.getItem(
                        g -> g.tableName(tableName).consistentRead(true).key(holdKey(cartId, sku)))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toHold(item));
    }

    /** Every hold of the cart and its META, strongly consistent. */
    public CartContents contents(String cartId) {
        List<Hold> holds = new ArrayList<>();
        long[] itemCount = {0};
        String[] currency = {null};
        QueryRequest request = QueryRequest.builder()
                .tableName(tableName)
                .consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", ReservationKeys.PK))
                .expressionAttributeValues(Map.of(":pk", s(ReservationKeys.cartPk(cartId))))
                .build();
        client.queryPaginator(request).items().forEach(item -> {
            String sk = str(item, ReservationKeys.SK);
            if (ReservationKeys.META_SK.equals(sk)) {
                itemCount[0] = num(item, "itemCount");
                currency[0] = str(item, "currency");
            } else if (sk != null && sk.startsWith(ReservationKeys.HOLD_PREFIX)) {
                holds.add(toHold(item));
            }
        });
        return new CartContents(holds, itemCount[0], currency[0]);
    }

    /**
     * A new hold: put the hold (must not exist) + count the sku on the cart META, whose condition keeps one currency
     * per cart, at most {@code maxItems} skus and at most {@code maxTxItems} counter items for the order to write in
     * one transaction + reserve the units in the allocation's buckets.
     */
    public Outcome create(Hold hold, int maxItems, int maxTxItems, int clientCap) {
        return create(hold, maxItems, maxTxItems, clientCap, List.of());
    }

    /**
     * As {@link #create(Hold, int, int, int)}, with {@code claim} (conditional writes, e.g. taking a waitlist entry off
     * its line) in the same transaction: the hold exists only if the claim held, and the claim only with the hold. A
     * hold with a client adds its units to the client's counter for the sku, only while that stays within
     * {@code clientCap}, else {@link ClientLimitReached} (nothing written).
     */
    public Outcome create(Hold hold, int maxItems, int maxTxItems, int clientCap, List<TransactWriteItem> claim) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":c", s(hold.currency()));
        values.put(":zero", n(0));
        values.put(":one", n(1));
        values.put(":max", n(maxItems));
        values.put(":w", n(hold.transactionItems()));
        values.put(":left", n(maxTxItems - hold.transactionItems()));
        values.put(":ttl", n(ttlOf(hold.expiresAtMillis())));
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder()
                .put(Put.builder()
                        .tableName(tableName)
                        .item(toItem(hold))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", ReservationKeys.PK))
                        .build())
                .build());
        items.add(TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(tableName)
                        .key(metaKey(hold.cartId()))
                        .updateExpression(
                                "SET #currency = :c, #ttl = :ttl, #itemCount = if_not_exists(#itemCount, :zero) + :one,"
                                        + " #moves = if_not_exists(#moves, :zero) + :w")
                        .conditionExpression(
                                "(attribute_not_exists(#itemCount) OR #itemCount <= :zero OR #currency = :c)"
                                        + " AND (attribute_not_exists(#itemCount) OR #itemCount < :max)"
                                        + " AND (attribute_not_exists(#moves) OR #moves <= :left)")
                        .expressionAttributeNames(Map.of(
                                "#currency", "currency", "#itemCount", "itemCount", "#ttl", "ttl", "#moves", "txItems"))
                        .expressionAttributeValues(values)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                        .build())
                .build());
        items.addAll(ledger.reserve(hold.sku(), hold.allocation()));
        int stockTo = items.size();
        items.addAll(claim);
        int counter = items.size();
        if (hold.client() != null) {
            items.add(counters.holdPlaced(
                    hold.client(), hold.sku(), hold.cartId(), hold.quantity(), hold.expiresAtMillis(), clientCap));
        }
        TxResult result = TxResult.run(client, items);
        if (result.committed()) {
            return Outcome.OK;
        }
        if (result.conditionFailed(counter)) {
            throw new ClientLimitReached(
                    ClientLimitReached.Cap.UNITS, ClientCounters.earliestRelease(result.oldItem(counter)));
        }
        if (result.anyConditionFailed(stockTo, counter)) {
            return Outcome.CLAIM_GONE;
        }
        if (result.conditionFailed(0)) {
            return Outcome.HOLD_CHANGED;
        }
        if (result.anyConditionFailed(STOCK_FROM, stockTo)) {
            return Outcome.SOLD_OUT;
        }
        if (result.conditionFailed(1)) {
            Map<String, AttributeValue> old = result.oldItem(1);
            if (old.isEmpty()) {
                old = client.getItem(
                                g -> g.tableName(tableName).consistentRead(true).key(metaKey(hold.cartId())))
                        .item();
            }
            String currency = old == null ? null : str(old, "currency");
            return currency != null && !currency.equals(hold.currency()) && num(old, "itemCount") > 0
                    ? Outcome.CURRENCY_MISMATCH
                    : Outcome.CART_FULL;
        }
        return Outcome.RETRY;
    }

    /**
     * More units of a held sku: update the hold (as read, not expired; its expiry stays) + count the extra buckets on
     * META + reserve the extra units + add them to the hold's client's counter (within {@code clientCap}, else
     * {@link ClientLimitReached}).
     */
    public Outcome raise(Hold current, Hold raised, StockAllocation extra, Instant now, int maxTxItems, int clientCap) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":oldQ", n(current.quantity()));
        values.put(":oldExp", n(current.expiresAtMillis()));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":q", n(raised.quantity()));
        values.put(":tiers", tiersAttribute(raised));
        values.put(":alloc", raised.allocation().toAttribute());
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(tableName)
                        .key(holdKey(current.cartId(), current.sku()))
                        .updateExpression("SET #q = :q, #tiers = :tiers, #alloc = :alloc")
                        .conditionExpression("#q = :oldQ AND #exp = :oldExp AND #exp > :now")
                        .expressionAttributeNames(Map.of(
                                "#q", "quantity", "#exp", "expiresAt", "#tiers", "tiers", "#alloc", "allocation"))
                        .expressionAttributeValues(values)
                        .build())
                .build());
        int more = raised.transactionItems() - current.transactionItems();
        items.add(TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(tableName)
                        .key(metaKey(current.cartId()))
                        .updateExpression("ADD #moves :more")
                        .conditionExpression("attribute_not_exists(#moves) OR #moves <= :left")
                        .expressionAttributeNames(Map.of("#moves", "txItems"))
                        .expressionAttributeValues(Map.of(":more", n(more), ":left", n(maxTxItems - more)))
                        .build())
                .build());
        items.addAll(ledger.reserve(current.sku(), extra));
        int counter = items.size();
        if (current.client() != null) {
            items.add(counters.unitsAdded(
                    current.client(), current.sku(), raised.quantity() - current.quantity(), clientCap));
        }
        TxResult result = TxResult.run(client, items);
        if (result.committed()) {
            return Outcome.OK;
        }
        if (result.conditionFailed(0)) {
            return Outcome.HOLD_CHANGED;
        }
        if (result.conditionFailed(counter)) {
            throw new ClientLimitReached(
                    ClientLimitReached.Cap.UNITS, ClientCounters.earliestRelease(result.oldItem(counter)));
        }
        if (result.anyConditionFailed(STOCK_FROM, counter)) {
            return Outcome.SOLD_OUT;
        }
        return result.conditionFailed(1) ? Outcome.CART_FULL : Outcome.RETRY;
    }

    /** The cart gives the hold back (item removed): delete it as read + uncount it + release its units. */
    public Outcome remove(Hold hold) {
        return giveBack(hold, null);
    }

    /**
     * The expiry of one hold, as the sweep and a re-add both do it: delete it only if it is still the same expired hold
     * + uncount it + release its units. HOLD_CHANGED when anyone else already handled it; RETRY when a concurrent
     * transaction cancelled it.
     */
    public Outcome expire(Hold hold, Instant now) {
        return giveBack(hold, now);
    }

    private Outcome giveBack(Hold hold, Instant expiredBy) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(expiredBy == null ? deleteAsRead(hold, null, null) : deleteAsRead(hold, "<=", expiredBy));
        items.add(uncount(hold.cartId(), 1, hold.transactionItems()));
        items.addAll(ledger.release(hold.sku(), hold.allocation()));
        released(hold).ifPresent(items::add);
        TxResult result = TxResult.run(client, items);
        if (result.committed()) {
            return Outcome.OK;
        }
        return result.conditionFailed(0) ? Outcome.HOLD_CHANGED : Outcome.RETRY;
    }

    /** The decrement of a counted hold's client counter, for the transaction that gives the hold back. */
    private Optional<TransactWriteItem> released(Hold hold) {
        return hold.client() == null
                ? Optional.empty()
                : Optional.of(counters.holdReleased(hold.client(), hold.sku(), hold.cartId(), hold.quantity()));
    }

    /**
     * A hold DynamoDB's TTL deleted before any sweep returned it (seen on the table's stream): its units go back with a
     * marker keyed by the hold (cart, sku, expiresAt) in one transaction, so a redelivered stream record finds the
     * marker and changes nothing. HOLD_CHANGED means it was already reclaimed.
     */
    public Outcome reclaim(Hold deleted, Instant now) {
        Map<String, AttributeValue> marker = new HashMap<>(Map.of(
                ReservationKeys.PK, s(ReservationKeys.cartPk(deleted.cartId())),
                ReservationKeys.SK, s(ReservationKeys.reclaimedSk(deleted.sku(), deleted.expiresAtMillis()))));
        marker.put("quantity", n(deleted.quantity()));
        marker.put("reclaimedAt", s(now.toString()));
        marker.put("ttl", n(now.getEpochSecond() + RECLAIM_MARKER_TTL_SECONDS));
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder()
                .put(Put.builder()
                        .tableName(tableName)
                        .item(marker)
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", ReservationKeys.PK))
                        .build())
                .build());
        items.addAll(ledger.release(deleted.sku(), deleted.allocation()));
        released(deleted).ifPresent(items::add);
        TxResult result = TxResult.run(client, items);
        if (result.committed()) {
            uncountIfPresent(deleted);
            return Outcome.OK;
        }
        return result.conditionFailed(0) ? Outcome.HOLD_CHANGED : Outcome.RETRY;
    }

    /**
     * The cart META of a TTL-deleted hold may be gone too (its TTL is the newest hold's): uncount only an existing one,
     * outside the transaction, so a vanished META is not recreated with a negative count.
     */
    private void uncountIfPresent(Hold deleted) {
        try {
            client.updateItem(u -> u.tableName(tableName)
                    .key(metaKey(deleted.cartId()))
                    .updateExpression("ADD #itemCount :minus, #moves :minusMoves")
                    .conditionExpression("attribute_exists(#itemCount) AND #itemCount > :zero")
                    .expressionAttributeNames(Map.of("#itemCount", "itemCount", "#moves", "txItems"))
                    .expressionAttributeValues(
                            Map.of(":minus", n(-1), ":minusMoves", n(-deleted.transactionItems()), ":zero", n(0))));
        } catch (ConditionalCheckFailedException gone) {
            // Nothing counted any more: nothing to uncount.
        }
    }

    /** Holds and pending orders of one expiry shard with expiresAt &lt;= now (the GSI is eventually consistent). */
    public void forEachExpired(int shard, Instant now, Consumer<Map<String, AttributeValue>> action) {
        QueryRequest request = QueryRequest.builder()
                .tableName(tableName)
                .indexName(ReservationKeys.BY_EXPIRY_INDEX)
                .keyConditionExpression("#shard = :shard AND #exp <= :now")
                .expressionAttributeNames(Map.of("#shard", "expiryShard", "#exp", "expiresAt"))
                .expressionAttributeValues(
                        Map.of(":shard", s(ReservationKeys.expiryShard(shard)), ":now", n(now.toEpochMilli())))
                .limit(200)
                .build();
        client.queryPaginator(request).items().forEach(action);
    }

    /**
     * Delete of a hold guarded by exactly what was read (quantity and expiresAt), plus optionally {@code expiresAt <op>
     * now}. Used inside transactions by this class and by the order placement.
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
        return TransactWriteItem.builder()
                .delete(Delete.builder()
                        .tableName(tableName)
                        .key(holdKey(hold.cartId(), hold.sku()))
                        .conditionExpression(condition)
                        .expressionAttributeNames(Map.of("#q", "quantity", "#exp", "expiresAt"))
                        .expressionAttributeValues(values)
                        .build())
                .build();
    }

    /** META: {@code itemCount -= skus, txItems -= txItems}. ADD never fails, so a hold can always be given back. */
    TransactWriteItem uncount(String cartId, int skus, int txItems) {
        return TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(tableName)
                        .key(metaKey(cartId))
                        .updateExpression("ADD #itemCount :minus, #moves :minusMoves")
                        .expressionAttributeNames(Map.of("#itemCount", "itemCount", "#moves", "txItems"))
                        .expressionAttributeValues(Map.of(":minus", n(-skus), ":minusMoves", n(-txItems)))
                        .build())
                .build();
    }

    static Map<String, AttributeValue> holdKey(String cartId, String sku) {
        return Map.of(
                ReservationKeys.PK,
                s(ReservationKeys.cartPk(cartId)),
                ReservationKeys.SK,
                s(ReservationKeys.holdSk(sku)));
    }

    static Map<String, AttributeValue> metaKey(String cartId) {
        return Map.of(
                ReservationKeys.PK, s(ReservationKeys.cartPk(cartId)), ReservationKeys.SK, s(ReservationKeys.META_SK));
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
        item.put("tiers", tiersAttribute(hold));
        item.put("allocation", hold.allocation().toAttribute());
        item.put("currency", s(hold.currency()));
        item.put("expiresAt", n(hold.expiresAtMillis()));
        item.put("ttl", n(ttlOf(hold.expiresAtMillis())));
        item.put("expiryShard", s(ReservationKeys.expiryShardOf(hold.cartId(), hold.sku())));
        if (hold.origin() != null) {
            item.put("origin", hold.origin().toAttribute());
        }
        if (hold.client() != null) {
            item.put("client", s(hold.client()));
        }
        return item;
    }

    private static AttributeValue tiersAttribute(Hold hold) {
        return AttributeValue.fromL(hold.tiers().stream()
                .map(t -> AttributeValue.fromM(Map.of("quantity", n(t.quantity()), "priceCents", n(t.priceCents()))))
                .toList());
    }

    /**
     * Reads a hold item (also an image from the table's stream); items from before tiers/buckets read as one tier in
     * bucket 0.
     */
    public static Hold toHold(Map<String, AttributeValue> item) {
        int quantity = (int) num(item, "quantity");
        AttributeValue tiers = item.get("tiers");
        List<PriceTier> list = tiers != null && tiers.hasL() && !tiers.l().isEmpty()
                ? tiers.l().stream()
                        .map(AttributeValue::m)
                        .map(m -> new PriceTier((int) num(m, "quantity"), num(m, "priceCents")))
                        .toList()
                : List.of(new PriceTier(quantity, num(item, "priceCents")));
        return new Hold(
                str(item, "cartId"),
                str(item, "sku"),
                str(item, "title"),
                str(item, "currency"),
                num(item, "expiresAt"),
                list,
                StockAllocation.fromAttribute(item.get("allocation"), quantity),
                ShowOrigin.fromAttribute(item.get("origin")),
                str(item, "client"));
    }
}
