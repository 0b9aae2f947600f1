package com.liveshop.checkout.domain;

import com.liveshop.shared.stats.ShowOrigin;
import java.util.List;

/**
 * One line of an order: units of a sku at one price (a hold whose units were added at two prices makes two lines),
 * with the show and highlight its hold came from ({@code origin}, null when none).
 */
public record OrderItem(String sku, String title, int quantity, long priceCents, ShowOrigin origin) {

    public OrderItem(String sku, String title, int quantity, long priceCents) {
        this(sku, title, quantity, priceCents, null);
    }

    public static List<OrderItem> of(Hold hold) {
        return hold.tiers().stream()
                .map(t -> new OrderItem(hold.sku(), hold.title(), t.quantity(), t.priceCents(), hold.origin())).toList();
    }

    public long totalCents() {
        return quantity * priceCents;
    }
}
