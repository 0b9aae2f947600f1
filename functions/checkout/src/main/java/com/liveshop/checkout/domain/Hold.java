package com.liveshop.checkout.domain;

import java.time.Instant;

/** Stock a cart holds for one sku until {@code expiresAtMillis}; the price is locked when the hold is made. */
public record Hold(String cartId, String sku, String title, int quantity, long priceCents, String currency,
                   long expiresAtMillis) {

    public boolean expiredAt(Instant now) {
        return expiresAtMillis <= now.toEpochMilli();
    }

    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMillis);
    }

    public long lineTotalCents() {
        return priceCents * quantity;
    }

    public Hold renewed(int newQuantity, long newExpiresAtMillis) {
        return new Hold(cartId, sku, title, newQuantity, priceCents, currency, newExpiresAtMillis);
    }
}
