package com.liveshop.shared.orders;

import com.liveshop.shared.stats.ShowOrigin;

/**
 * One line of an order: units of a sku at one price (a hold whose units were added at two prices makes two lines), with
 * the show and highlight its hold came from ({@code origin}, null when none). Shared because it is also a line of the
 * order events on the bus ({@link com.liveshop.shared.events.OrderPlaced}).
 */
public record OrderItem(String sku, String title, int quantity, long priceCents, ShowOrigin origin) {

    public OrderItem(String sku, String title, int quantity, long priceCents) {
        this(sku, title, quantity, priceCents, null);
    }

    public long totalCents() {
        return quantity * priceCents;
    }
}
