package com.liveshop.checkout.domain;

/** One line of an order, at the price its hold locked. */
public record OrderItem(String sku, String title, int quantity, long priceCents) {

    public static OrderItem of(Hold hold) {
        return new OrderItem(hold.sku(), hold.title(), hold.quantity(), hold.priceCents());
    }
}
