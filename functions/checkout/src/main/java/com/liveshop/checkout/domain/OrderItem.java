package com.liveshop.checkout.domain;

import java.util.List;

/** One line of an order: units of a sku at one price (a hold whose units were added at two prices makes two lines). */
public record OrderItem(String sku, String title, int quantity, long priceCents) {

    public static List<OrderItem> of(Hold hold) {
        return hold.tiers().stream().map(t -> new OrderItem(hold.sku(), hold.title(), t.quantity(), t.priceCents())).toList();
    }
}
