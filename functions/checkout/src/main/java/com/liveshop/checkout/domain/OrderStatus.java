package com.liveshop.checkout.domain;

/** PENDING_PAYMENT → CONFIRMED (paid) or CANCELLED (payment failed, units back to available). */
public enum OrderStatus {
    PENDING_PAYMENT, CONFIRMED, CANCELLED
}
