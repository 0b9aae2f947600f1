package com.liveshop.checkout.domain;

/**
 * PENDING_PAYMENT → CONFIRMED (paid) or CANCELLED (payment failed, or its deadline passed: units back to available). A
 * CANCELLED order whose payment failed can still become CONFIRMED when a later payment succeeds and its units can be
 * taken back.
 */
public enum OrderStatus {
    PENDING_PAYMENT,
    CONFIRMED,
    CANCELLED
}
