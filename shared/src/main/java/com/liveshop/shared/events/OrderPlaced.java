package com.liveshop.shared.events;

import com.liveshop.shared.orders.OrderItem;
import java.time.Instant;
import java.util.List;

/**
 * An order was placed from a cart's holds (its INSERT in the Reservations table, relayed by the outbox).
 * {@code eventKey} is {@code <orderId>#PENDING_PAYMENT}, the same on every redelivery: consumers dedupe on it.
 */
public record OrderPlaced(
        String eventKey,
        String orderId,
        String cartId,
        List<OrderItem> items,
        long totalCents,
        String currency,
        String email,
        Instant paymentDueAt)
        implements BusEvent {

    public static final String DETAIL_TYPE = "OrderPlaced";

    @Override
    public String detailType() {
        return DETAIL_TYPE;
    }
}
