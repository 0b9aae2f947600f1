package com.liveshop.checkout.repository;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.domain.IdempotencyRecord;
import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.domain.OrderItem;
import com.liveshop.checkout.domain.OrderStatus;
import com.liveshop.shared.catalog.StockLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/** Orders and idempotency records in the Reservations table. */
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

    /** What a status change came to. */
    public enum TransitionOutcome { OK, NOT_PENDING, RETRY }

    static final long IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

    private final DynamoDbClient client;
    private final String tableName;
    private final HoldRepository holds;
    private final StockLedger ledger;

    public OrderRepository(DynamoDbClient client, String tableName, HoldRepository holds) {
        this.client = client;
        this.tableName = tableName;
        this.holds = holds;
        this.ledger = holds.ledger();
    }

    public Optional<Order> find(String orderId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(tableName).consistentRead(true)
                .key(orderKey(orderId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toOrder(item));
    }

    public Optional<IdempotencyRecord> findIdempotency(String key) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(tableName).consistentRead(true)
                .key(idempotencyKey(key))).item();
        return item == null || item.isEmpty() ? Optional.empty()
                : Optional.of(new IdempotencyRecord(key, str(item, "requestHash"), str(item, "orderId")));
    }

    /**
     * One transaction: claim the Idempotency-Key + put the order + for each hold: delete it (unchanged and not
     * expired at {@code now}) and move its units held → sold + uncount the holds on the cart META.
     */
    public PlaceOutcome place(IdempotencyRecord record, Order order, List<Hold> cartHolds, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>();
        Map<String, AttributeValue> idem = new HashMap<>(idempotencyKey(record.key()));
        idem.put("requestHash", s(record.requestHash()));
        idem.put("orderId", s(record.orderId()));
        idem.put("createdAt", s(now.toString()));
        idem.put("ttl", n(now.getEpochSecond() + IDEMPOTENCY_TTL_SECONDS));
        items.add(putNew(idem));
        items.add(putNew(toItem(order)));
        for (Hold hold : cartHolds) {
            items.add(holds.deleteAsRead(hold, ">", now));
            items.add(ledger.sell(hold.sku(), hold.quantity()));
        }
        items.add(holds.uncount(order.cartId(), cartHolds.size()));
        TxResult result = TxResult.run(client, items);
        if (result.committed()) {
            return PlaceOutcome.OK;
        }
        if (result.conditionFailed(0)) {
            return PlaceOutcome.KEY_TAKEN;
        }
        if (result.anyConditionFailed(1, items.size())) {
            return PlaceOutcome.CART_CHANGED;
        }
        return PlaceOutcome.RETRY;
    }

    /** PENDING_PAYMENT → CONFIRMED with the payment id; NOT_PENDING when the order is no longer pending. */
    public TransitionOutcome confirm(Order order, String paymentId, Instant now) {
        TxResult result = TxResult.run(client, List.of(transition(order, OrderStatus.CONFIRMED, paymentId, now)));
        return toTransition(result);
    }

    /** PENDING_PAYMENT → CANCELLED with every unit moved sold → available, in one transaction. */
    public TransitionOutcome cancel(Order order, String paymentId, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(transition(order, OrderStatus.CANCELLED, paymentId, now));
        for (OrderItem item : order.items()) {
            items.add(ledger.unsell(item.sku(), item.quantity()));
        }
        return toTransition(TxResult.run(client, items));
    }

    private static TransitionOutcome toTransition(TxResult result) {
        if (result.committed()) {
            return TransitionOutcome.OK;
        }
        return result.conditionFailed(0) ? TransitionOutcome.NOT_PENDING : TransitionOutcome.RETRY;
    }

    private TransactWriteItem transition(Order order, OrderStatus to, String paymentId, Instant now) {
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(orderKey(order.orderId()))
                .updateExpression("SET #status = :to, #paymentId = :paymentId, #updatedAt = :now")
                .conditionExpression("#status = :pending")
                .expressionAttributeNames(Map.of("#status", "status", "#paymentId", "paymentId", "#updatedAt", "updatedAt"))
                .expressionAttributeValues(Map.of(":to", s(to.name()), ":paymentId", s(paymentId),
                        ":now", s(now.toString()), ":pending", s(OrderStatus.PENDING_PAYMENT.name())))
                .build()).build();
    }

    private TransactWriteItem putNew(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", ReservationKeys.PK)).build()).build();
    }

    static Map<String, AttributeValue> orderKey(String orderId) {
        return Map.of(ReservationKeys.PK, s(ReservationKeys.orderPk(orderId)), ReservationKeys.SK, s(ReservationKeys.ORDER_SK));
    }

    static Map<String, AttributeValue> idempotencyKey(String key) {
        return Map.of(ReservationKeys.PK, s(ReservationKeys.idempotencyPk(key)), ReservationKeys.SK, s(ReservationKeys.IDEMPOTENCY_SK));
    }

    static Map<String, AttributeValue> toItem(Order order) {
        Map<String, AttributeValue> item = new HashMap<>(orderKey(order.orderId()));
        item.put("orderId", s(order.orderId()));
        item.put("status", s(order.status().name()));
        item.put("cartId", s(order.cartId()));
        item.put("items", AttributeValue.fromL(order.items().stream().map(i -> AttributeValue.fromM(Map.of(
                "sku", s(i.sku()), "title", s(i.title() == null ? i.sku() : i.title()),
                "quantity", n(i.quantity()), "priceCents", n(i.priceCents())))).toList()));
        item.put("totalCents", n(order.totalCents()));
        item.put("currency", s(order.currency()));
        item.put("email", s(order.email()));
        item.put("createdAt", s(order.createdAt().toString()));
        item.put("updatedAt", s(order.updatedAt().toString()));
        if (order.paymentId() != null) {
            item.put("paymentId", s(order.paymentId()));
        }
        return item;
    }

    static Order toOrder(Map<String, AttributeValue> item) {
        List<OrderItem> lines = item.get("items").l().stream().map(AttributeValue::m)
                .map(m -> new OrderItem(str(m, "sku"), str(m, "title"), (int) num(m, "quantity"), num(m, "priceCents")))
                .toList();
        return new Order(str(item, "orderId"), OrderStatus.valueOf(str(item, "status")), str(item, "cartId"), lines,
                num(item, "totalCents"), str(item, "currency"), str(item, "email"),
                Instant.parse(str(item, "createdAt")), Instant.parse(str(item, "updatedAt")), str(item, "paymentId"));
    }
}
