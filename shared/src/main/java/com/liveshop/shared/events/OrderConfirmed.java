package com.liveshop.shared.events;

/** An order was paid. {@code eventKey} is {@code <orderId>#CONFIRMED}: consumers dedupe on it. */
public record OrderConfirmed(
        String eventKey, String orderId, String paymentId, long totalCents, String currency, String email)
        implements BusEvent {

    public static final String DETAIL_TYPE = "OrderConfirmed";

    @Override
    public String detailType() {
        return DETAIL_TYPE;
    }
}
