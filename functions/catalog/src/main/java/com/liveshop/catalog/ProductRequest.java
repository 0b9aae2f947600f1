package com.liveshop.catalog;

/**
 * Body of {@code PUT /products/{sku}}; {@code stock} is the initial units and is ignored when the product exists.
 * {@code stockShards} (1–50, default 1) spreads the units over that many counter items for a hot sku; on an existing
 * product it may only grow (its available units are spread anew).
 */
public record ProductRequest(
        String title,
        String description,
        Long priceCents,
        String currency,
        String imageUrl,
        Long stock,
        Integer stockShards) {}
