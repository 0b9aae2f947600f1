package com.liveshop.checkout.domain;

import java.time.Instant;
import java.util.List;

/** An order placed from a cart's holds. Serialized as the API's order body. */
public record Order(String orderId, OrderStatus status, String cartId, List<OrderItem> items, long totalCents,
                    String currency, String email, Instant createdAt, Instant updatedAt, String paymentId) {

    public Order withStatus(OrderStatus newStatus, String newPaymentId, Instant at) {
        return new Order(orderId, newStatus, cartId, items, totalCents, currency, email, createdAt, at, newPaymentId);
    }
}
