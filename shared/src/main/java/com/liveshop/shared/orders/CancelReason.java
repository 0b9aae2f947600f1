package com.liveshop.shared.orders;

/** Why an order was cancelled. */
public enum CancelReason {
    /** The provider reported a failed payment (FAILED webhook). */
    PAYMENT_FAILED,
    /** No payment arrived before {@code paymentDueAt}; the sweep cancelled it. */
    PAYMENT_TIMEOUT
}
