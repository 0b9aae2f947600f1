package com.liveshop.checkout.domain;

/** Units of a hold added at one price: the price in force (deal or list) when they were added. */
public record PriceTier(int quantity, long priceCents) {

    public long totalCents() {
        return quantity * priceCents;
    }
}
