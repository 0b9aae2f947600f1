package com.liveshop.catalog;

/** Body of {@code POST /products/{sku}/restock}. */
public record RestockRequest(Long quantity) {}
