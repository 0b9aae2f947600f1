package com.liveshop.catalog;

import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository.ProductStock;
import java.time.Instant;

/**
 * A product as the public API shows it: details plus units available to put in a cart now, and the live-show deal while
 * it runs ({@code deal} is absent otherwise).
 */
public record ProductView(
        String sku,
        String title,
        String description,
        long priceCents,
        String currency,
        String imageUrl,
        long available,
        Deal deal,
        String createdAt,
        String updatedAt) {

    /** A deal price that holds placed before {@code endsAt} lock in. */
    public record Deal(long priceCents, String endsAt) {}

    static ProductView of(ProductStock ps, Instant now) {
        Product p = ps.product();
        var dealPrice = p.activeDealPriceCents(now);
        Deal deal = dealPrice.isPresent() ? new Deal(dealPrice.getAsLong(), p.getDealEndsAt()) : null;
        return new ProductView(
                p.getSku(),
                p.getTitle(),
                p.getDescription(),
                p.getPriceCents(),
                p.getCurrency(),
                p.getImageUrl(),
                ps.stock().available(),
                deal,
                p.getCreatedAt(),
                p.getUpdatedAt());
    }
}
