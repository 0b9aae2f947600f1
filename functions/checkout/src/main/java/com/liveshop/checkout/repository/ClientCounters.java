package com.liveshop.checkout.repository;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.s;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The per-client counters ({@link ReservationKeys}: units per client and sku, pending orders per client and per email)
 * as items of the hold and order transactions. An increment is conditional on staying within the cap (no read first); a
 * decrement is an unconditional ADD, so a release can never fail on it: it runs only in the transaction that releases
 * the counted hold or order (whose own condition makes it happen once). Each counted hold or order is also an attribute
 * of the counter holding when its units go back, so a refusal can say when to retry.
 */
final class ClientCounters {

    /**
     * A counter outlives its newest hold or order by the holds' TTL grace plus a day, then TTL collects it (at zero by
     * then). The extra day matters: TTL deletes in any order, and a hold TTL deleted before the sweep returned it is
     * released by the reclaim's unconditional ADD -n; were its counter already gone, that ADD would recreate it below
     * zero with no TTL, and the client would hold more than the cap from then on.
     */
    static final long TTL_GRACE_SECONDS = HoldRepository.TTL_GRACE_SECONDS + 24 * 60 * 60;

    private final String table;

    ClientCounters(String table) {
        this.table = table;
    }

    static Map<String, AttributeValue> unitsKey(String client, String sku) {
        return Map.of(
                ReservationKeys.PK,
                s(ReservationKeys.clientPk(client)),
                ReservationKeys.SK,
                s(ReservationKeys.clientSkuSk(sku)));
    }

    static Map<String, AttributeValue> pendingKey(String counterPk) {
        return Map.of(ReservationKeys.PK, s(counterPk), ReservationKeys.SK, s(ReservationKeys.PENDING_ORDERS_SK));
    }

    /**
     * A new hold of {@code units}: {@code units += units} while it stays within {@code cap}; the hold's entry = its
     * expiry.
     */
    TransactWriteItem holdPlaced(String client, String sku, String cartId, int units, long expiresAtMillis, int cap) {
        return increment(
                unitsKey(client, sku), "units", units, cap, ReservationKeys.heldEntry(cartId), expiresAtMillis);
    }

    /** More units on a counted hold (its entry stays: a hold's expiry never moves). */
    TransactWriteItem unitsAdded(String client, String sku, int units, int cap) {
        return increment(unitsKey(client, sku), "units", units, cap, null, 0);
    }

    /** A counted hold gives its units back (removed, expired, reclaimed). */
    TransactWriteItem holdReleased(String client, String sku, String cartId, int units) {
        return decrement(unitsKey(client, sku), "units", units, ReservationKeys.heldEntry(cartId));
    }

    /** A counted hold became an order line: its units stay counted until the order is paid or cancelled. */
    TransactWriteItem holdOrdered(String client, String sku, String cartId, String orderId, long paymentDueMillis) {
        return tx(Update.builder()
                .tableName(table)
                .key(unitsKey(client, sku))
                .updateExpression("REMOVE #held SET #order = :due, #ttl = :ttl")
                .expressionAttributeNames(Map.of(
                        "#held",
                        ReservationKeys.heldEntry(cartId),
                        "#order",
                        ReservationKeys.orderEntry(orderId),
                        "#ttl",
                        "ttl"))
                .expressionAttributeValues(Map.of(":due", n(paymentDueMillis), ":ttl", n(ttlOf(paymentDueMillis))))
                .build());
    }

    /** An order's counted units of one sku go back (paid, cancelled, lapsed). */
    TransactWriteItem orderUnitsReleased(String client, String sku, String orderId, int units) {
        return decrement(unitsKey(client, sku), "units", units, ReservationKeys.orderEntry(orderId));
    }

    /** One more pending order on the counter {@code counterPk} (a client's or an email's) while under {@code cap}. */
    TransactWriteItem orderPlaced(String counterPk, String orderId, long paymentDueMillis, int cap) {
        return increment(
                pendingKey(counterPk), "pending", 1, cap, ReservationKeys.orderEntry(orderId), paymentDueMillis);
    }

    TransactWriteItem orderReleased(String counterPk, String orderId) {
        return decrement(pendingKey(counterPk), "pending", 1, ReservationKeys.orderEntry(orderId));
    }

    /**
     * {@code count += by} only if the result is at most {@code cap} (the caller checks {@code by <= cap}); returns the
     * counter as it was on a failed condition, for {@link #earliestRelease}.
     */
    private TransactWriteItem increment(
            Map<String, AttributeValue> key, String count, int by, int cap, String entry, long releaseAtMillis) {
        Map<String, String> names = new HashMap<>(Map.of("#n", count, "#ttl", "ttl"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":by", n(by), ":room", n(cap - by)));
        String set = "";
        if (entry != null) {
            names.put("#entry", entry);
            values.put(":at", n(releaseAtMillis));
            values.put(":ttl", n(ttlOf(releaseAtMillis)));
            set = " SET #entry = :at, #ttl = :ttl";
        } else {
            names.remove("#ttl");
        }
        return tx(Update.builder()
                .tableName(table)
                .key(key)
                .updateExpression("ADD #n :by" + set)
                .conditionExpression("attribute_not_exists(#n) OR #n <= :room")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build());
    }

    private TransactWriteItem decrement(Map<String, AttributeValue> key, String count, int by, String entry) {
        return tx(Update.builder()
                .tableName(table)
                .key(key)
                .updateExpression("ADD #n :minus REMOVE #entry")
                .expressionAttributeNames(Map.of("#n", count, "#entry", entry))
                .expressionAttributeValues(Map.of(":minus", n(-by)))
                .build());
    }

    private static TransactWriteItem tx(Update update) {
        return TransactWriteItem.builder().update(update).build();
    }

    private static long ttlOf(long releaseAtMillis) {
        return releaseAtMillis / 1000 + TTL_GRACE_SECONDS;
    }

    /** When the first of a counter's holds or orders gives its units back (from the item a refusal returned). */
    static Optional<Instant> earliestRelease(Map<String, AttributeValue> counter) {
        return counter.entrySet().stream()
                .filter(e -> e.getKey().startsWith("H#") || e.getKey().startsWith("O#"))
                .filter(e -> e.getValue().n() != null)
                .map(e -> Long.parseLong(e.getValue().n()))
                .min(Long::compare)
                .map(Instant::ofEpochMilli);
    }
}
