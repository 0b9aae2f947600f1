package com.liveshop.shared.events;

/**
 * A payment arrived for an order that can no longer take it and must be refunded. {@code eventKey} is
 * {@code <orderId>#REFUND_REQUIRED#<paymentId>}: consumers dedupe on it.
 */
public record RefundRequired(
        String eventKey, String orderId, String paymentId, long amountCents, String currency, String reason)
        implements BusEvent {

    public static final String DETAIL_TYPE = "RefundRequired";

    @Override
    public String detailType() {
        return DETAIL_TYPE;
    }
}
