package com.liveshop.shared.catalog;

import java.util.List;

/**
 * The stock counters of one sku summed over its buckets ({@code shards} of them); {@code initial = available + held +
 * sold} holds per bucket at every moment, hence for the sums too.
 */
public record StockLevel(String sku, long initial, long available, long held, long sold, int shards) {

    /** One counter item (pk=PRODUCT#sku, sk=STOCK#index). */
    public record Bucket(int index, long initial, long available, long held, long sold) {}

    public StockLevel(String sku, long initial, long available, long held, long sold) {
        this(sku, initial, available, held, sold, 1);
    }

    public static StockLevel none(String sku) {
        return new StockLevel(sku, 0, 0, 0, 0, 0);
    }

    public static StockLevel sum(String sku, List<Bucket> buckets) {
        long initial = 0;
        long available = 0;
        long held = 0;
        long sold = 0;
        for (Bucket b : buckets) {
            initial += b.initial();
            available += b.available();
            held += b.held();
            sold += b.sold();
        }
        return new StockLevel(sku, initial, available, held, sold, buckets.size());
    }

    public boolean balanced() {
        return initial == available + held + sold;
    }
}
