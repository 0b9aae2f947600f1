package com.liveshop.checkout.domain;

import java.time.Instant;
import java.util.List;

/**
 * The order events on the bus (source "liveshop"), one record per detail-type, published from the Reservations
 * table's stream. {@code eventKey} ({@code <orderId>#<status>}, or {@code <orderId>#REFUND_REQUIRED#<paymentId>})
 * is the same on every redelivery of one change: consumers dedupe on it.
 */
public final class OrderEvents {

    public static final String ORDER_PLACED = "OrderPlaced";
    public static final String ORDER_CONFIRMED = "OrderConfirmed";
    public static final String ORDER_CANCELLED = "OrderCancelled";
    public static final String REFUND_REQUIRED = "RefundRequired";

    public record OrderPlaced(String eventKey, String orderId, String cartId, List<OrderItem> items, long totalCents,
                              String currency, String email, Instant paymentDueAt) {}

    public record OrderConfirmed(String eventKey, String orderId, String paymentId, long totalCents, String currency,
                                 String email) {}

    public record OrderCancelled(String eventKey, String orderId, String paymentId, List<OrderItem> items, long totalCents,
                                 String currency, String email, CancelReason cancelReason) {}

    public record RefundRequired(String eventKey, String orderId, String paymentId, long amountCents, String currency,
                                 String reason) {}

    private OrderEvents() {}

    public static String key(String orderId, OrderStatus status) {
        return orderId + "#" + status.name();
    }

    public static String refundKey(String orderId, String paymentId) {
        return orderId + "#REFUND_REQUIRED#" + paymentId;
    }
}
