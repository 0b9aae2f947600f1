package com.liveshop.checkout.repository;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.domain.IdempotencyRecord;
import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.domain.OrderStatus;
import com.liveshop.shared.catalog.StockAllocation;
import com.liveshop.shared.catalog.StockLedger;
import com.liveshop.shared.orders.CancelReason;
import com.liveshop.shared.orders.OrderItem;
import com.liveshop.shared.stats.ShowOrigin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Orders, payment claims, refunds and idempotency records in the Reservations table. Every status change is one
 * conditional transaction with its stock moves, so exactly one of two racing changes (a PAID webhook and the
 * payment-deadline sweep) wins. The events about them leave through the table's stream, never from here.
 */
public class OrderRepository {

    /** What placing an order came to. */
    public enum PlaceOutcome {
        OK,
        /** The Idempotency-Key is already taken: read its record. */
        KEY_TAKEN,
        /** A hold changed, expired or went away since it was read: read the cart again. */
        CART_CHANGED,
        /** A concurrent transaction or throttle cancelled it; retry after a pause. */
        RETRY
    }

    /** What a status change, payment claim or refund came to. */
    public enum ChangeOutcome {
        OK,
        /** The order is no longer as read (another change won): read it again. */
        ORDER_CHANGED,
        /** The payment id is claimed by another order. */
        PAYMENT_ID_REUSED,
        /** A stock bucket had too few units (taking a cancelled order's units back). */
        SOLD_OUT,
        /** This refund is recorded already (a replayed notification). */
        ALREADY_DONE,
        RETRY
    }

    static final long IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
    /** Replays of one Idempotency-Key each mint a token; an order keeps at most this many token hashes. */
    static final int MAX_TOKENS = 20;

    private final DynamoDbClient client;
    private final String tableName;
    private final HoldRepository holds;
    private final StockLedger ledger;
    private final ClientCounters counters;

    public OrderRepository(DynamoDbClient client, String tableName, HoldRepository holds) {
        this.client = client;
        this.tableName = tableName;
        this.holds = holds;
        this.ledger = holds.ledger();
        this.counters = holds.counters();
    }

    public Optional<Order> find(String orderId) {
        Map<String, AttributeValue> item = client.getItem(
                        g -> g.tableName(tableName).consistentRead(true).key(orderKey(orderId)))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toOrder(item));
    }

    public Optional<IdempotencyRecord> findIdempotency(String key) {
        Map<String, AttributeValue> item = client.getItem(
                        g -> g.tableName(tableName).consistentRead(true).key(idempotencyKey(key)))
                .item();
        return item == null || item.isEmpty()
                ? Optional.empty()
                : Optional.of(new IdempotencyRecord(key, str(item, "requestHash"), str(item, "orderId")));
    }

    /**
     * One transaction: claim the Idempotency-Key + put the order + for each hold: delete it (unchanged and not expired
     * at {@code now}) and move its units held → sold in its buckets, its client counter's entry becoming the order's
     * (the units stay counted until the order is paid or cancelled) + uncount the cart META + one more pending order on
     * each of the order's pending counters, each only while under {@code pendingCap}, else {@link ClientLimitReached}
     * (nothing written). At most 5 + the holds' transaction items: 100 with the cart's bound.
     */
    public PlaceOutcome place(
            IdempotencyRecord record, Order order, List<Hold> cartHolds, Instant now, int pendingCap) {
        List<TransactWriteItem> items = new ArrayList<>();
        Map<String, AttributeValue> idem = new HashMap<>(idempotencyKey(record.key()));
        idem.put("requestHash", s(record.requestHash()));
        idem.put("orderId", s(record.orderId()));
        idem.put("createdAt", s(now.toString()));
        idem.put("ttl", n(now.getEpochSecond() + IDEMPOTENCY_TTL_SECONDS));
        items.add(putNew(idem));
        items.add(putNew(toItem(order)));
        int txItems = 0;
        long due = order.paymentDueAt().toEpochMilli();
        for (Hold hold : cartHolds) {
            items.add(holds.deleteAsRead(hold, ">", now));
            items.addAll(ledger.sell(hold.sku(), hold.allocation()));
            if (hold.client() != null) {
                items.add(counters.holdOrdered(hold.client(), hold.sku(), hold.cartId(), order.orderId(), due));
            }
            txItems += hold.transactionItems();
        }
        items.add(holds.uncount(order.cartId(), cartHolds.size(), txItems));
        int pendingFrom = items.size();
        order.pendingCounters().forEach(pk -> items.add(counters.orderPlaced(pk, order.orderId(), due, pendingCap)));
        TxResult result = TxResult.run(client, items);
        if (result.committed()) {
            return PlaceOutcome.OK;
        }
        if (result.conditionFailed(0)) {
            return PlaceOutcome.KEY_TAKEN;
        }
        for (int i = pendingFrom; i < items.size(); i++) {
            if (result.conditionFailed(i)) {
                boolean email = order.pendingCounters().get(i - pendingFrom).startsWith(ReservationKeys.emailPk(""));
                throw new ClientLimitReached(
                        email ? ClientLimitReached.Cap.EMAIL_ORDERS : ClientLimitReached.Cap.CLIENT_ORDERS,
                        ClientCounters.earliestRelease(result.oldItem(i)));
            }
        }
        if (result.anyConditionFailed(1, items.size())) {
            return PlaceOutcome.CART_CHANGED;
        }
        return PlaceOutcome.RETRY;
    }

    /** Adds the hash of a token minted for a replayed POST /orders; false when the order has its fill of tokens. */
    public boolean addTokenHash(String orderId, String tokenHash) {
        try {
            client.updateItem(u -> u.tableName(tableName)
                    .key(orderKey(orderId))
                    .updateExpression("ADD #tokens :t")
                    .conditionExpression("attribute_exists(#pk) AND size(#tokens) < :max")
                    .expressionAttributeNames(Map.of("#tokens", "tokenHashes", "#pk", ReservationKeys.PK))
                    .expressionAttributeValues(
                            Map.of(":t", AttributeValue.fromSs(List.of(tokenHash)), ":max", n(MAX_TOKENS))));
            return true;
        } catch (ConditionalCheckFailedException full) {
            return false;
        }
    }

    /** PENDING_PAYMENT → CONFIRMED with the payment id, which this order claims. */
    public ChangeOutcome confirm(Order order, String paymentId, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(update(
                order.orderId(),
                "SET #status = :to, #paymentId = :paymentId, #updatedAt = :now REMOVE #shard, #exp",
                "#status = :pending",
                Map.of(
                        ":to",
                        s(OrderStatus.CONFIRMED.name()),
                        ":paymentId",
                        s(paymentId),
                        ":now",
                        s(now.toString()),
                        ":pending",
                        s(OrderStatus.PENDING_PAYMENT.name()))));
        items.add(claim(paymentId, order.orderId(), now));
        items.addAll(released(order));
        return outcome(TxResult.run(client, items), 2);
    }

    /**
     * The decrements of what the pending order was counted on (its units per sku, its pending counters), for the
     * transaction that pays or cancels it: that transaction's condition on the order's status makes it happen once.
     */
    private List<TransactWriteItem> released(Order order) {
        List<TransactWriteItem> items = new ArrayList<>();
        Map<String, Integer> units = order.unitsBySku();
        order.unitClients()
                .forEach((sku, clientKey) -> items.add(
                        counters.orderUnitsReleased(clientKey, sku, order.orderId(), units.getOrDefault(sku, 0))));
        order.pendingCounters().forEach(pk -> items.add(counters.orderReleased(pk, order.orderId())));
        return items;
    }

    /**
     * PENDING_PAYMENT → CANCELLED for {@code reason} with every unit moved sold → available in the buckets it was sold
     * from. A payment timeout also requires the deadline to have passed at {@code now}; a failed payment claims its
     * payment id.
     */
    public ChangeOutcome cancel(Order order, CancelReason reason, String paymentId, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":to",
                s(OrderStatus.CANCELLED.name()),
                ":reason",
                s(reason.name()),
                ":now",
                s(now.toString()),
                ":pending",
                s(OrderStatus.PENDING_PAYMENT.name())));
        String set = "SET #status = :to, #reason = :reason, #updatedAt = :now";
        String condition = "#status = :pending";
        if (paymentId != null) {
            set += ", #paymentId = :paymentId";
            values.put(":paymentId", s(paymentId));
        }
        if (reason == CancelReason.PAYMENT_TIMEOUT) {
            // expiresAt mirrors paymentDueAt (epoch ms) while the order is pending.
            condition += " AND #exp <= :nowMs";
            values.put(":nowMs", n(now.toEpochMilli()));
        }
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(update(order.orderId(), set + " REMOVE #shard, #exp", condition, values));
        if (paymentId != null) {
            items.add(claim(paymentId, order.orderId(), now));
        }
        order.allocations().forEach((sku, allocation) -> items.addAll(ledger.unsell(sku, allocation)));
        items.addAll(released(order));
        return outcome(TxResult.run(client, items), paymentId == null ? 1 : 2);
    }

    /**
     * CANCELLED after a failed payment → CONFIRMED by a later payment: the order (as read) takes its units back from
     * available in {@code allocations} and claims the payment id, in one transaction.
     */
    public ChangeOutcome reconfirm(
            Order order, String paymentId, Map<String, StockAllocation> allocations, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(update(
                order.orderId(),
                "SET #status = :to, #paymentId = :paymentId, #updatedAt = :now, #alloc = :alloc REMOVE #reason",
                "#status = :cancelled AND #reason = :failed AND #updatedAt = :asRead",
                Map.of(
                        ":to",
                        s(OrderStatus.CONFIRMED.name()),
                        ":paymentId",
                        s(paymentId),
                        ":now",
                        s(now.toString()),
                        ":alloc",
                        allocationsAttribute(allocations),
                        ":cancelled",
                        s(OrderStatus.CANCELLED.name()),
                        ":failed",
                        s(CancelReason.PAYMENT_FAILED.name()),
                        ":asRead",
                        s(order.updatedAt().toString()))));
        items.add(claim(paymentId, order.orderId(), now));
        allocations.forEach((sku, allocation) -> items.addAll(ledger.take(sku, allocation)));
        TxResult result = TxResult.run(client, items);
        if (!result.committed() && result.anyConditionFailed(2, items.size())) {
            return ChangeOutcome.SOLD_OUT;
        }
        return outcome(result, 2);
    }

    /** Records that {@code paymentId}'s money must go back (its insert on the stream is RefundRequired). */
    public ChangeOutcome refund(
            Order order, String paymentId, long amountCents, String currency, String reason, Instant now) {
        Map<String, AttributeValue> refund = new HashMap<>(Map.of(
                ReservationKeys.PK, s(ReservationKeys.orderPk(order.orderId())),
                ReservationKeys.SK, s(ReservationKeys.refundSk(paymentId))));
        refund.put("orderId", s(order.orderId()));
        refund.put("paymentId", s(paymentId));
        refund.put("amountCents", n(amountCents));
        refund.put("currency", s(currency));
        refund.put("reason", s(reason));
        refund.put("createdAt", s(now.toString()));
        List<TransactWriteItem> items = List.of(putNew(refund), claim(paymentId, order.orderId(), now));
        TxResult result = TxResult.run(client, items);
        if (!result.committed() && result.conditionFailed(0)) {
            return ChangeOutcome.ALREADY_DONE;
        }
        return outcome(result, 2);
    }

    /** Whether a refund for {@code paymentId} on the order is recorded. */
    public boolean refunded(String orderId, String paymentId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(tableName)
                        .consistentRead(true)
                        .key(Map.of(
                                ReservationKeys.PK,
                                s(ReservationKeys.orderPk(orderId)),
                                ReservationKeys.SK,
                                s(ReservationKeys.refundSk(paymentId)))))
                .item();
        return item != null && !item.isEmpty();
    }

    /** Item 0 is the order, item 1 (when {@code claimed} is 2) the payment claim. */
    private static ChangeOutcome outcome(TxResult result, int claimed) {
        if (result.committed()) {
            return ChangeOutcome.OK;
        }
        if (result.conditionFailed(0)) {
            return ChangeOutcome.ORDER_CHANGED;
        }
        if (claimed > 1 && result.conditionFailed(1)) {
            return ChangeOutcome.PAYMENT_ID_REUSED;
        }
        return result.retryable() ? ChangeOutcome.RETRY : ChangeOutcome.ORDER_CHANGED;
    }

    /** A payment id belongs to one order: claimed by the first, matched by its replays, refused to any other. */
    private TransactWriteItem claim(String paymentId, String orderId, Instant now) {
        return TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(tableName)
                        .key(Map.of(
                                ReservationKeys.PK,
                                s(ReservationKeys.paymentPk(paymentId)),
                                ReservationKeys.SK,
                                s(ReservationKeys.PAYMENT_SK)))
                        .updateExpression("SET #orderId = :orderId, #seenAt = :now")
                        .conditionExpression("attribute_not_exists(#orderId) OR #orderId = :orderId")
                        .expressionAttributeNames(Map.of("#orderId", "orderId", "#seenAt", "lastSeenAt"))
                        .expressionAttributeValues(Map.of(":orderId", s(orderId), ":now", s(now.toString())))
                        .build())
                .build();
    }

    /** Placeholders the order updates use, and the attributes they name. */
    private static final Map<String, String> NAMES = Map.of(
            "#status",
            "status",
            "#paymentId",
            "paymentId",
            "#updatedAt",
            "updatedAt",
            "#reason",
            "cancelReason",
            "#alloc",
            "allocations",
            "#shard",
            "expiryShard",
            "#exp",
            "expiresAt");

    private TransactWriteItem update(
            String orderId, String expression, String condition, Map<String, AttributeValue> values) {
        // DynamoDB refuses unused placeholders: pass only those the expressions name.
        Map<String, String> names = new HashMap<>();
        NAMES.forEach((alias, name) -> {
            if ((expression + " " + condition).matches("(?s).*" + alias + "\\b.*")) {
                names.put(alias, name);
            }
        });
        return TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(tableName)
                        .key(orderKey(orderId))
                        .updateExpression(expression)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .build())
                .build();
    }

    private TransactWriteItem putNew(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder()
                .put(Put.builder()
                        .tableName(tableName)
                        .item(item)
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", ReservationKeys.PK))
                        .build())
                .build();
    }

    static Map<String, AttributeValue> orderKey(String orderId) {
        return Map.of(
                ReservationKeys.PK,
                s(ReservationKeys.orderPk(orderId)),
                ReservationKeys.SK,
                s(ReservationKeys.ORDER_SK));
    }

    static Map<String, AttributeValue> idempotencyKey(String key) {
        return Map.of(
                ReservationKeys.PK,
                s(ReservationKeys.idempotencyPk(key)),
                ReservationKeys.SK,
                s(ReservationKeys.IDEMPOTENCY_SK));
    }

    private static AttributeValue allocationsAttribute(Map<String, StockAllocation> allocations) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        allocations.forEach((sku, allocation) -> map.put(sku, allocation.toAttribute()));
        return AttributeValue.fromM(map);
    }

    static Map<String, AttributeValue> toItem(Order order) {
        Map<String, AttributeValue> item = new HashMap<>(orderKey(order.orderId()));
        item.put("orderId", s(order.orderId()));
        item.put("status", s(order.status().name()));
        item.put("cartId", s(order.cartId()));
        item.put(
                "items",
                AttributeValue.fromL(order.items().stream()
                        .map(OrderRepository::lineAttribute)
                        .toList()));
        item.put("totalCents", n(order.totalCents()));
        item.put("currency", s(order.currency()));
        item.put("email", s(order.email()));
        item.put("createdAt", s(order.createdAt().toString()));
        item.put("updatedAt", s(order.updatedAt().toString()));
        item.put("allocations", allocationsAttribute(order.allocations()));
        if (!order.tokenHashes().isEmpty()) {
            item.put("tokenHashes", AttributeValue.fromSs(order.tokenHashes()));
        }
        if (order.paymentId() != null) {
            item.put("paymentId", s(order.paymentId()));
        }
        if (!order.unitClients().isEmpty()) {
            Map<String, AttributeValue> clients = new LinkedHashMap<>();
            order.unitClients().forEach((sku, clientKey) -> clients.put(sku, s(clientKey)));
            item.put("unitClients", AttributeValue.fromM(clients));
        }
        if (!order.pendingCounters().isEmpty()) {
            item.put(
                    "pendingCounters",
                    AttributeValue.fromL(order.pendingCounters().stream()
                            .map(AttributeValue::fromS)
                            .toList()));
        }
        if (order.cancelReason() != null) {
            item.put("cancelReason", s(order.cancelReason().name()));
        }
        if (order.paymentDueAt() != null) {
            item.put("paymentDueAt", s(order.paymentDueAt().toString()));
            if (order.status() == OrderStatus.PENDING_PAYMENT) {
                // In the byExpiry index while it awaits payment: the sweep cancels it when the deadline passes.
                item.put("expiryShard", s(ReservationKeys.expiryShardOf(order.orderId())));
                item.put("expiresAt", n(order.paymentDueAt().toEpochMilli()));
            }
        }
        return item;
    }

    private static AttributeValue lineAttribute(OrderItem i) {
        Map<String, AttributeValue> line = new LinkedHashMap<>();
        line.put("sku", s(i.sku()));
        line.put("title", s(i.title() == null ? i.sku() : i.title()));
        line.put("quantity", n(i.quantity()));
        line.put("priceCents", n(i.priceCents()));
        if (i.origin() != null) {
            line.put("origin", i.origin().toAttribute());
        }
        return AttributeValue.fromM(line);
    }

    private static Map<String, String> unitClients(AttributeValue stored) {
        Map<String, String> clients = new LinkedHashMap<>();
        if (stored != null && stored.hasM()) {
            stored.m().forEach((sku, clientKey) -> clients.put(sku, clientKey.s()));
        }
        return clients;
    }

    /**
     * Reads an order item (also an image from the table's stream). Orders from before the client caps count on nothing.
     */
    public static Order toOrder(Map<String, AttributeValue> item) {
        List<OrderItem> lines = item.get("items").l().stream()
                .map(AttributeValue::m)
                .map(m -> new OrderItem(
                        str(m, "sku"),
                        str(m, "title"),
                        (int) num(m, "quantity"),
                        num(m, "priceCents"),
                        ShowOrigin.fromAttribute(m.get("origin"))))
                .toList();
        Map<String, StockAllocation> allocations = new LinkedHashMap<>();
        AttributeValue stored = item.get("allocations");
        if (stored != null && stored.hasM()) {
            stored.m().forEach((sku, a) -> allocations.put(sku, StockAllocation.fromAttribute(a, 0)));
        } else {
            // Orders from before stock buckets sold everything from bucket 0.
            lines.forEach(l -> allocations.merge(l.sku(), StockAllocation.of(0, l.quantity()), StockAllocation::plus));
        }
        AttributeValue tokens = item.get("tokenHashes");
        String due = str(item, "paymentDueAt");
        String reason = str(item, "cancelReason");
        return new Order(
                str(item, "orderId"),
                OrderStatus.valueOf(str(item, "status")),
                str(item, "cartId"),
                lines,
                num(item, "totalCents"),
                str(item, "currency"),
                str(item, "email"),
                Instant.parse(str(item, "createdAt")),
                Instant.parse(str(item, "updatedAt")),
                str(item, "paymentId"),
                due == null ? null : Instant.parse(due),
                reason == null ? null : CancelReason.valueOf(reason),
                allocations,
                tokens != null && tokens.hasSs() ? tokens.ss() : List.of(),
                unitClients(item.get("unitClients")),
                item.containsKey("pendingCounters")
                        ? item.get("pendingCounters").l().stream()
                                .map(AttributeValue::s)
                                .toList()
                        : List.of());
    }
}
