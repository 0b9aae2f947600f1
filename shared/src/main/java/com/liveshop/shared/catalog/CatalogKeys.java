package com.liveshop.shared.catalog;

/**
 * Key design of the Catalog table (see template.yaml CatalogTable).
 *
 * <pre>
 * pk = PRODUCT#&lt;sku&gt;  sk = DETAILS   title, description, priceCents, currency, imageUrl, gsi1pk=PRODUCT, gsi1sk=&lt;sku&gt;
 * pk = PRODUCT#&lt;sku&gt;  sk = STOCK#0   initial, available, held, sold   (invariant: initial = available + held + sold)
 * </pre>
 *
 * Stock lives on its own item so the hot counter never rewrites the details or the byType index, and so
 * one hot sku can later be split over STOCK#0..N-1 (one item takes ~1,000 writes/s).
 */
public final class CatalogKeys {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String DETAILS_SK = "DETAILS";
    public static final String STOCK_SK = "STOCK#0";
    public static final String BY_TYPE_INDEX = "byType";
    public static final String PRODUCT_TYPE = "PRODUCT";

    /** Stock counter attributes. */
    public static final String INITIAL = "initial";
    public static final String AVAILABLE = "available";
    public static final String HELD = "held";
    public static final String SOLD = "sold";

    private CatalogKeys() {}

    public static String productPk(String sku) {
        return "PRODUCT#" + sku;
    }
}
