package com.liveshop.shared.catalog;

/**
 * Key design of the Catalog table (see template.yaml CatalogTable).
 *
 * <pre>
 * pk = PRODUCT#&lt;sku&gt;  sk = DETAILS   title, description, priceCents, currency, imageUrl, stockShards,
 *                                      gsi1pk=PRODUCT, gsi1sk=&lt;sku&gt;
 * pk = PRODUCT#&lt;sku&gt;  sk = STOCK#i   sku, initial, available, held, sold   for i in 0..stockShards-1
 *                                      (invariant per bucket, hence summed: initial = available + held + sold)
 * </pre>
 *
 * Stock lives on its own items so the hot counters never rewrite the details or the byType index. One item takes ~1,000
 * writes/s and a transactional write costs two, so one counter caps a sku near 500 holds/s; a hot sku spreads its units
 * over {@code stockShards} buckets and each hold takes from random ones.
 */
public final class CatalogKeys {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String DETAILS_SK = "DETAILS";
    public static final String STOCK_PREFIX = "STOCK#";
    /** The first (and for most products the only) stock bucket. */
    public static final String STOCK_SK = STOCK_PREFIX + 0;

    public static final int MAX_STOCK_SHARDS = 50;
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

    public static String stockSk(int bucket) {
        return STOCK_PREFIX + bucket;
    }

    /** The bucket index of a STOCK#i sort key, or -1 for any other item. */
    public static int bucketOf(String sk) {
        if (sk == null || !sk.startsWith(STOCK_PREFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(sk.substring(STOCK_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
