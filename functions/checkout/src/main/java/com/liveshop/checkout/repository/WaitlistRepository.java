package com.liveshop.checkout.repository;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.shared.waitlist.WaitlistKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The waitlist items of the Reservations table ({@link WaitlistKeys}): entries in arrival order, one per cart and sku,
 * and each line's counter. Every write that adds or removes an entry moves the counter in the same transaction, and an
 * addition is conditional on the counter being under the bound: the bound holds exactly whatever the concurrency.
 */
public class WaitlistRepository {

    /**
     * One waiting cart; {@code client}: the fingerprint of the client that joined, whose cap its hold counts against
     * (on the line's entry only, so read from {@link #oldest}; null for an entry from before the caps).
     */
    public record Entry(
            String sku, String cartId, int quantity, String entrySk, long expiresAtEpochSeconds, String client) {
        public boolean expiredAt(long nowEpochSeconds) {
            return expiresAtEpochSeconds <= nowEpochSeconds;
        }

        public Entry withQuantity(int newQuantity) {
            return new Entry(sku, cartId, newQuantity, entrySk, expiresAtEpochSeconds, client);
        }
    }

    /** What an addition came to. */
    public enum AddOutcome {
        ADDED,
        /** The line holds its bound of entries (nothing written). */
        FULL,
        /** The cart has a live entry already (another join of it won), or a concurrent write: read again. */
        RETRY
    }

    /** DynamoDB TTL removes an expired entry this long after it expired (garbage collection only). */
    static final long TTL_GRACE_SECONDS = 24 * 60 * 60;

    private static final int ENTRY = 0;
    private static final int MARKER = 1;
    private static final int COUNTER = 2;

    private final DynamoDbClient client;
    private final String table;

    public WaitlistRepository(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /**
     * Puts {@code entry} at the end of its line: the entry, the cart's marker (absent or naming an expired entry) and
     * the counter (below {@code maxPerSku}) in one transaction.
     */
    public AddOutcome add(Entry entry, int maxPerSku, long nowEpochSeconds) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(WaitlistKeys.PK, s(WaitlistKeys.listPk(entry.sku())));
        item.put(WaitlistKeys.SK, s(entry.entrySk()));
        item.put("sku", s(entry.sku()));
        item.put("cartId", s(entry.cartId()));
        item.put("quantity", n(entry.quantity()));
        item.put(WaitlistKeys.EXPIRES_AT, n(entry.expiresAtEpochSeconds()));
        item.put("ttl", n(entry.expiresAtEpochSeconds() + TTL_GRACE_SECONDS));
        if (entry.client() != null) {
            item.put("client", s(entry.client()));
        }
        Map<String, AttributeValue> marker = new HashMap<>();
        marker.put(WaitlistKeys.PK, s(WaitlistKeys.markerPk(entry.cartId(), entry.sku())));
        marker.put(WaitlistKeys.SK, s(WaitlistKeys.MARKER_SK));
        marker.put("entrySk", s(entry.entrySk()));
        marker.put("quantity", n(entry.quantity()));
        marker.put(WaitlistKeys.EXPIRES_AT, n(entry.expiresAtEpochSeconds()));
        marker.put("ttl", n(entry.expiresAtEpochSeconds() + TTL_GRACE_SECONDS));
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(item)
                                .conditionExpression("attribute_not_exists(#pk)")
                                .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK))
                                .build())
                        .build(),
                TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(marker)
                                .conditionExpression("attribute_not_exists(#pk) OR #expiresAt <= :now")
                                .expressionAttributeNames(
                                        Map.of("#pk", WaitlistKeys.PK, "#expiresAt", WaitlistKeys.EXPIRES_AT))
                                .expressionAttributeValues(Map.of(":now", n(nowEpochSeconds)))
                                .build())
                        .build(),
                TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName(table)
                                .key(counterKey(entry.sku()))
                                .updateExpression("ADD #n :one")
                                .conditionExpression("attribute_not_exists(#n) OR #n < :max")
                                .expressionAttributeNames(Map.of("#n", WaitlistKeys.COUNT))
                                .expressionAttributeValues(Map.of(":one", n(1), ":max", n(maxPerSku)))
                                .build())
                        .build());
        TxResult result = TxResult.run(client, items);
        if (result.committed()) {
            return AddOutcome.ADDED;
        }
        if (result.conditionFailed(COUNTER) && !result.conditionFailed(MARKER)) {
            return AddOutcome.FULL;
        }
        return AddOutcome.RETRY;
    }

    /**
     * A new quantity for a waiting entry (its place stays): false when the entry left the line meanwhile (handed out,
     * removed) or the cart's marker names another entry.
     */
    public boolean changeQuantity(Entry entry, int quantity) {
        TxResult result = TxResult.run(
                client,
                List.of(
                        TransactWriteItem.builder()
                                .update(Update.builder()
                                        .tableName(table)
                                        .key(entryKey(entry))
                                        .updateExpression("SET quantity = :q")
                                        .conditionExpression("attribute_exists(#pk)")
                                        .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK))
                                        .expressionAttributeValues(Map.of(":q", n(quantity)))
                                        .build())
                                .build(),
                        TransactWriteItem.builder()
                                .update(Update.builder()
                                        .tableName(table)
                                        .key(markerKey(entry))
                                        .updateExpression("SET quantity = :q")
                                        .conditionExpression("entrySk = :sk")
                                        .expressionAttributeValues(Map.of(":q", n(quantity), ":sk", s(entry.entrySk())))
                                        .build())
                                .build()));
        return result.committed();
    }

    /** The cart's entry for the sku, live or expired. */
    public Optional<Entry> entryOf(String sku, String cartId) {
        Map<String, AttributeValue> marker = client.getItem(g -> g.tableName(table)
                        .consistentRead(true)
                        .key(Map.of(
                                WaitlistKeys.PK,
                                s(WaitlistKeys.markerPk(cartId, sku)),
                                WaitlistKeys.SK,
                                s(WaitlistKeys.MARKER_SK))))
                .item();
        if (marker == null || marker.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(
                sku,
                cartId,
                (int) num(marker, "quantity"),
                str(marker, "entrySk"),
                num(marker, WaitlistKeys.EXPIRES_AT),
                null));
    }

    /** 1 + the live entries that arrived before this one. */
    public long position(Entry entry, long nowEpochSeconds) {
        long ahead = 0;
        for (var page : client.queryPaginator(q -> q.tableName(table)
                .select(Select.COUNT)
                .consistentRead(true)
                .keyConditionExpression("#pk = :pk AND #sk < :sk")
                .filterExpression("#expiresAt > :now")
                .expressionAttributeNames(
                        Map.of("#pk", WaitlistKeys.PK, "#sk", WaitlistKeys.SK, "#expiresAt", WaitlistKeys.EXPIRES_AT))
                .expressionAttributeValues(Map.of(
                        ":pk",
                        s(WaitlistKeys.listPk(entry.sku())),
                        ":sk",
                        s(entry.entrySk()),
                        ":now",
                        n(nowEpochSeconds))))) {
            ahead += page.count();
        }
        return ahead + 1;
    }

    /** The oldest {@code limit} entries of the sku's line (expired ones included: the caller drops them). */
    public List<Entry> oldest(String sku, int limit) {
        List<Entry> entries = new ArrayList<>();
        client.query(q -> q.tableName(table)
                        .consistentRead(true)
                        .limit(limit)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK))
                        .expressionAttributeValues(Map.of(":pk", s(WaitlistKeys.listPk(sku)))))
                .items()
                .forEach(item -> entries.add(new Entry(
                        str(item, "sku"),
                        str(item, "cartId"),
                        (int) num(item, "quantity"),
                        str(item, WaitlistKeys.SK),
                        num(item, WaitlistKeys.EXPIRES_AT),
                        str(item, "client"))));
        return entries;
    }

    /** Entries counted in the sku's line (its counter): live ones and expired ones not removed yet. */
    public long counted(String sku) {
        Map<String, AttributeValue> item = client.getItem(
                        g -> g.tableName(table).consistentRead(true).key(counterKey(sku)))
                .item();
        return item == null || !item.containsKey(WaitlistKeys.COUNT) ? 0 : num(item, WaitlistKeys.COUNT);
    }

    /**
     * The writes that take the entry off the line, for a transaction (the hold's): the entry as it was read (still
     * there with the same quantity, so two hand-outs at once give it one hold, and a changed quantity is read again),
     * the cart's marker if it still names this entry, and the line's counter.
     */
    public List<TransactWriteItem> claim(Entry entry) {
        return List.of(
                TransactWriteItem.builder()
                        .delete(Delete.builder()
                                .tableName(table)
                                .key(entryKey(entry))
                                .conditionExpression("attribute_exists(#pk) AND quantity = :q")
                                .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK))
                                .expressionAttributeValues(Map.of(":q", n(entry.quantity())))
                                .build())
                        .build(),
                TransactWriteItem.builder().delete(markerDelete(entry)).build(),
                counterDown(entry.sku()));
    }

    /**
     * Takes the entry off the line without a hold (left, expired, or the cart cannot take it). True when this call
     * removed it; false when it was gone already (nothing written). Retries a concurrent write a few times.
     */
    public boolean remove(Entry entry) {
        for (int attempt = 0; attempt < 10; attempt++) {
            TransactWriteItem delete = TransactWriteItem.builder()
                    .delete(Delete.builder()
                            .tableName(table)
                            .key(entryKey(entry))
                            .conditionExpression("attribute_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK))
                            .build())
                    .build();
            TxResult result = TxResult.run(
                    client,
                    List.of(
                            delete,
                            TransactWriteItem.builder()
                                    .delete(markerDelete(entry))
                                    .build(),
                            counterDown(entry.sku())));
            if (result.committed()) {
                return true;
            }
            if (result.conditionFailed(ENTRY)) {
                return false;
            }
            if (result.conditionFailed(MARKER)) {
                // The cart's marker names a newer entry (it joined again after this one expired): keep the marker.
                result = TxResult.run(client, List.of(delete, counterDown(entry.sku())));
                if (result.committed()) {
                    return true;
                }
                if (result.conditionFailed(0)) {
                    return false;
                }
            }
            pause(attempt);
        }
        throw new WaitlistBusyException("The waitlist entry kept changing while it was removed");
    }

    /** Contention on a line that did not clear within bounded retries (the caller answers TRY_AGAIN). */
    public static final class WaitlistBusyException extends RuntimeException {
        public WaitlistBusyException(String message) {
            super(message);
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current()
                    .nextLong(1, Math.min(200, 5L << Math.min(attempt, 10)) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaitlistBusyException("Interrupted");
        }
    }

    private TransactWriteItem counterDown(String sku) {
        return TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(table)
                        .key(counterKey(sku))
                        .updateExpression("ADD #n :minus")
                        .expressionAttributeNames(Map.of("#n", WaitlistKeys.COUNT))
                        .expressionAttributeValues(Map.of(":minus", n(-1)))
                        .build())
                .build();
    }

    private Delete markerDelete(Entry entry) {
        return Delete.builder()
                .tableName(table)
                .key(markerKey(entry))
                .conditionExpression("attribute_not_exists(#pk) OR entrySk = :sk")
                .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK))
                .expressionAttributeValues(Map.of(":sk", s(entry.entrySk())))
                .build();
    }

    private static Map<String, AttributeValue> markerKey(Entry entry) {
        return Map.of(
                WaitlistKeys.PK,
                s(WaitlistKeys.markerPk(entry.cartId(), entry.sku())),
                WaitlistKeys.SK,
                s(WaitlistKeys.MARKER_SK));
    }

    private static Map<String, AttributeValue> counterKey(String sku) {
        return Map.of(WaitlistKeys.PK, s(WaitlistKeys.counterPk(sku)), WaitlistKeys.SK, s(WaitlistKeys.COUNT_SK));
    }

    private static Map<String, AttributeValue> entryKey(Entry entry) {
        return Map.of(WaitlistKeys.PK, s(WaitlistKeys.listPk(entry.sku())), WaitlistKeys.SK, s(entry.entrySk()));
    }
}
