package com.liveshop.checkout.domain;

import com.liveshop.shared.orders.CancelReason;
import com.liveshop.shared.orders.OrderItem;
import java.time.Instant;
import java.util.List;

/**
 * An order as the API shows it. The buyer's view (order token, webhook answers) leaves out the payment id and the cart;
 * a host's view has both. {@code orderToken} is present only in the answer to {@code POST /orders}.
 */
public record OrderView(
        String orderId,
        OrderStatus status,
        List<OrderItem> items,
        long totalCents,
        String currency,
        String email,
        Instant createdAt,
        Instant updatedAt,
        Instant paymentDueAt,
        CancelReason cancelReason,
        String cartId,
        String paymentId,
        String orderToken) {

    public static OrderView buyer(Order o) {
        return buyer(o, null);
    }

    public static OrderView buyer(Order o, String orderToken) {
        return new OrderView(
                o.orderId(),
                o.status(),
                o.items(),
                o.totalCents(),
                o.currency(),
                o.email(),
                o.createdAt(),
                o.updatedAt(),
                o.paymentDueAt(),
                o.cancelReason(),
                null,
                null,
                orderToken);
    }

    public static OrderView host(Order o) {
        return new OrderView(
                o.orderId(),
                o.status(),
                o.items(),
                o.totalCents(),
                o.currency(),
                o.email(),
                o.createdAt(),
                o.updatedAt(),
                o.paymentDueAt(),
                o.cancelReason(),
                o.cartId(),
                o.paymentId(),
                null);
    }
}
