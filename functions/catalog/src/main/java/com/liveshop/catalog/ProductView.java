package com.liveshop.catalog;

import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository.ProductStock;

/** A product as the public API shows it: details plus units available to put in a cart now. */
public record ProductView(String sku, String title, String description, long priceCents, String currency,
                          String imageUrl, long available, String createdAt, String updatedAt) {

    static ProductView of(ProductStock ps) {
        Product p = ps.product();
        return new ProductView(p.getSku(), p.getTitle(), p.getDescription(), p.getPriceCents(), p.getCurrency(),
                p.getImageUrl(), ps.stock().available(), p.getCreatedAt(), p.getUpdatedAt());
    }
}
