package com.liveshop.shared.events;

import com.liveshop.shared.orders.CancelReason;
import com.liveshop.shared.orders.OrderItem;
import java.util.List;

/**
 * An order was cancelled (payment failed or not made in time); its units went back to stock. {@code eventKey} is
 * {@code <orderId>#CANCELLED}: consumers dedupe on it.
 */
public record OrderCancelled(
        String eventKey,
        String orderId,
        String paymentId,
        List<OrderItem> items,
        long totalCents,
        String currency,
        String email,
        CancelReason cancelReason)
        implements BusEvent {

    public static final String DETAIL_TYPE = "OrderCancelled";

    @Override
    public String detailType() {
        return DETAIL_TYPE;
    }
}
