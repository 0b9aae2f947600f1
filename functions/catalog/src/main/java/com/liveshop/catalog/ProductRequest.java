package com.liveshop.catalog;

/** Body of {@code PUT /products/{sku}}; {@code stock} is the initial units and is ignored when the product exists. */
public record ProductRequest(String title, String description, Long priceCents, String currency, String imageUrl, Long stock) {}
