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
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The waitlist items of the Reservations table ({@link WaitlistKeys}): entries in arrival order, one per cart and sku. */
public class WaitlistRepository {

    /** One waiting cart. */
    public record Entry(String sku, String cartId, int quantity, String entrySk, long expiresAtEpochSeconds) {
        public boolean expiredAt(long nowEpochSeconds) {
            return expiresAtEpochSeconds <= nowEpochSeconds;
        }
    }

    /** The cart's entry after a join, and whether this join made it. */
    public record Joined(Entry entry, boolean created) {}

    /** DynamoDB TTL removes an expired entry this long after it expired (garbage collection only). */
    static final long TTL_GRACE_SECONDS = 24 * 60 * 60;

    private final DynamoDbClient client;
    private final String table;

    public WaitlistRepository(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /**
     * Adds the cart to the sku's line unless it waits already (then that entry, unchanged): the entry and the cart's
     * marker in one transaction, so one cart has at most one live entry per sku whatever the concurrency.
     */
    public Joined join(String sku, String cartId, int quantity, long nowMillis, long expiresAtEpochSeconds) {
        long nowSeconds = nowMillis / 1000;
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Entry> existing = entryOf(sku, cartId).filter(e -> !e.expiredAt(nowSeconds));
            if (existing.isPresent()) {
                return new Joined(existing.get(), false);
            }
            Entry entry = new Entry(sku, cartId, quantity, WaitlistKeys.entrySk(nowMillis, cartId), expiresAtEpochSeconds);
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(WaitlistKeys.PK, s(WaitlistKeys.listPk(sku)));
            item.put(WaitlistKeys.SK, s(entry.entrySk()));
            item.put("sku", s(sku));
            item.put("cartId", s(cartId));
            item.put("quantity", n(quantity));
            item.put(WaitlistKeys.EXPIRES_AT, n(expiresAtEpochSeconds));
            item.put("ttl", n(expiresAtEpochSeconds + TTL_GRACE_SECONDS));
            Map<String, AttributeValue> marker = new HashMap<>();
            marker.put(WaitlistKeys.PK, s(WaitlistKeys.markerPk(cartId, sku)));
            marker.put(WaitlistKeys.SK, s(WaitlistKeys.MARKER_SK));
            marker.put("entrySk", s(entry.entrySk()));
            marker.put("quantity", n(quantity));
            marker.put(WaitlistKeys.EXPIRES_AT, n(expiresAtEpochSeconds));
            marker.put("ttl", n(expiresAtEpochSeconds + TTL_GRACE_SECONDS));
            try {
                client.transactWriteItems(t -> t.transactItems(
                        TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                                .conditionExpression("attribute_not_exists(#pk)")
                                .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK)).build()).build(),
                        TransactWriteItem.builder().put(Put.builder().tableName(table).item(marker)
                                .conditionExpression("attribute_not_exists(#pk) OR #expiresAt <= :now")
                                .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK, "#expiresAt", WaitlistKeys.EXPIRES_AT))
                                .expressionAttributeValues(Map.of(":now", n(nowSeconds))).build()).build()));
                return new Joined(entry, true);
            } catch (TransactionCanceledException e) {
                // Another join of this cart won (or a conflict): read its entry again.
            }
        }
        throw new IllegalStateException("The waitlist entry kept changing while it was joined");
    }

    /** The cart's entry for the sku, live or expired. */
    public Optional<Entry> entryOf(String sku, String cartId) {
        Map<String, AttributeValue> marker = client.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of(WaitlistKeys.PK, s(WaitlistKeys.markerPk(cartId, sku)), WaitlistKeys.SK, s(WaitlistKeys.MARKER_SK)))).item();
        if (marker == null || marker.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(sku, cartId, (int) num(marker, "quantity"), str(marker, "entrySk"), num(marker, WaitlistKeys.EXPIRES_AT)));
    }

    /** 1 + the live entries that arrived before this one. */
    public long position(Entry entry, long nowEpochSeconds) {
        long ahead = 0;
        for (var page : client.queryPaginator(q -> q.tableName(table).select(Select.COUNT).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND #sk < :sk")
                .filterExpression("#expiresAt > :now")
                .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK, "#sk", WaitlistKeys.SK, "#expiresAt", WaitlistKeys.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":pk", s(WaitlistKeys.listPk(entry.sku())), ":sk", s(entry.entrySk()),
                        ":now", n(nowEpochSeconds))))) {
            ahead += page.count();
        }
        return ahead + 1;
    }

    /** The oldest {@code limit} entries of the sku's line (expired ones included: the caller drops them). */
    public List<Entry> oldest(String sku, int limit) {
        List<Entry> entries = new ArrayList<>();
        client.query(q -> q.tableName(table).consistentRead(true).limit(limit)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK))
                        .expressionAttributeValues(Map.of(":pk", s(WaitlistKeys.listPk(sku)))))
                .items().forEach(item -> entries.add(new Entry(str(item, "sku"), str(item, "cartId"), (int) num(item, "quantity"),
                        str(item, WaitlistKeys.SK), num(item, WaitlistKeys.EXPIRES_AT))));
        return entries;
    }

    /**
     * The writes that take the entry off the line, for a transaction (the hold's): the entry, which must still be there
     * (so two hand-outs at once give it one hold), and the cart's marker if it still names this entry.
     */
    public List<TransactWriteItem> claim(Entry entry) {
        return List.of(
                TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(entryKey(entry))
                        .conditionExpression("attribute_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK)).build()).build(),
                TransactWriteItem.builder().delete(markerDelete(entry)).build());
    }

    /** Takes the entry off the line without a hold (left, expired, or the cart cannot take it). */
    public void remove(Entry entry) {
        try {
            client.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(entryKey(entry)).build()).build(),
                    TransactWriteItem.builder().delete(markerDelete(entry)).build()));
        } catch (TransactionCanceledException markerNamesAnotherEntry) {
            client.deleteItem(d -> d.tableName(table).key(entryKey(entry)));
        }
    }

    private Delete markerDelete(Entry entry) {
        return Delete.builder().tableName(table)
                .key(Map.of(WaitlistKeys.PK, s(WaitlistKeys.markerPk(entry.cartId(), entry.sku())), WaitlistKeys.SK, s(WaitlistKeys.MARKER_SK)))
                .conditionExpression("attribute_not_exists(#pk) OR entrySk = :sk")
                .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK))
                .expressionAttributeValues(Map.of(":sk", s(entry.entrySk()))).build();
    }

    private static Map<String, AttributeValue> entryKey(Entry entry) {
        return Map.of(WaitlistKeys.PK, s(WaitlistKeys.listPk(entry.sku())), WaitlistKeys.SK, s(entry.entrySk()));
    }
}
