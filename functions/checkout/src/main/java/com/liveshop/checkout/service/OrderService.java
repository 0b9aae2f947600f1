package com.liveshop.checkout.service;

import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.domain.IdempotencyRecord;
import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.domain.OrderItem;
import com.liveshop.checkout.domain.OrderStatus;
import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.OrderRepository;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Orders: a cart's live holds become sold in one transaction with the order and its Idempotency-Key, so a
 * retried request (even ten at once) finds the key taken and gets the same order back.
 */
public class OrderService {

    /** Detail of the OrderPlaced event. */
    public record OrderPlaced(String orderId, String cartId, List<OrderItem> items, long totalCents, String currency, String email) {}

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[\\x21-\\x7E]{1,128}$");

    private final OrderRepository orders;
    private final HoldRepository holds;
    private final EventPublisher events;
    private final Clock clock;

    public OrderService(OrderRepository orders, HoldRepository holds, EventPublisher events, Clock clock) {
        this.orders = orders;
        this.holds = holds;
        this.events = events;
        this.clock = clock;
    }

    /** 400 IDEMPOTENCY_KEY_REQUIRED when absent, VALIDATION_FAILED when not 1-128 printable ASCII characters. */
    public static String requireIdempotencyKey(String key) {
        if (key == null || key.isEmpty()) {
            throw ApiException.badRequest("IDEMPOTENCY_KEY_REQUIRED", "The Idempotency-Key header is required");
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiException.validation("The Idempotency-Key header must be 1-128 printable characters without spaces");
        }
        return key;
    }

    /** Places the cart's order, or returns the order this key already placed for the same request. */
    public Order place(String idempotencyKey, String cartId, String email) {
        String requestHash = hash(cartId + "\n" + email);
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            // The key first: a retry after success must get its order, not CART_EMPTY.
            Optional<IdempotencyRecord> existing = orders.findIdempotency(idempotencyKey);
            if (existing.isPresent()) {
                return replay(existing.get(), requestHash);
            }
            Instant now = clock.instant();
            List<Hold> cartHolds = holds.contents(cartId).holds().stream()
                    .sorted(Comparator.comparing(Hold::sku)).toList();
            List<String> expired = cartHolds.stream().filter(h -> h.expiredAt(now)).map(Hold::sku).toList();
            if (cartHolds.isEmpty() || !expired.isEmpty()) {
                // A concurrent retry with this key may have placed the order (emptying the cart) between
                // our key lookup and the cart read: its order is the answer, not CART_EMPTY.
                existing = orders.findIdempotency(idempotencyKey);
                if (existing.isPresent()) {
                    return replay(existing.get(), requestHash);
                }
            }
            if (cartHolds.isEmpty()) {
                throw ApiException.conflict("CART_EMPTY", "The cart holds no items");
            }
            if (!expired.isEmpty()) {
                throw ApiException.conflict("HOLDS_EXPIRED", "The hold on " + String.join(", ", expired)
                        + " expired; add the item again");
            }
            Order order = newOrder(cartId, email, cartHolds, now);
            IdempotencyRecord record = new IdempotencyRecord(idempotencyKey, requestHash, order.orderId());
            switch (orders.place(record, order, cartHolds, now)) {
                case OK:
                    events.publish("OrderPlaced", new OrderPlaced(order.orderId(), cartId, order.items(),
                            order.totalCents(), order.currency(), email));
                    return order;
                case KEY_TAKEN:
                case CART_CHANGED:
                    break;
                case RETRY:
                default:
                    Backoff.pause(attempt);
                    break;
            }
        }
        throw Backoff.busy();
    }

    public Order get(String orderId) {
        return orders.find(orderId).orElseThrow(() -> ApiException.notFound("ORDER_NOT_FOUND", "No order " + orderId));
    }

    private Order replay(IdempotencyRecord record, String requestHash) {
        if (!record.requestHash().equals(requestHash)) {
            throw ApiException.unprocessable("IDEMPOTENCY_KEY_REUSED",
                    "This Idempotency-Key was used for a different request");
        }
        return get(record.orderId());
    }

    private static Order newOrder(String cartId, String email, List<Hold> cartHolds, Instant now) {
        List<OrderItem> items = cartHolds.stream().map(OrderItem::of).toList();
        long total = cartHolds.stream().mapToLong(Hold::lineTotalCents).sum();
        return new Order(UUID.randomUUID().toString(), OrderStatus.PENDING_PAYMENT, cartId, items, total,
                cartHolds.get(0).currency(), email, now, now, null);
    }

    static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
