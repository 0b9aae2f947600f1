package com.liveshop.shared.catalog;

/** The stock counters of one sku; {@code initial = available + held + sold} at every moment. */
public record StockLevel(String sku, long initial, long available, long held, long sold) {

    public static StockLevel none(String sku) {
        return new StockLevel(sku, 0, 0, 0, 0);
    }

    public boolean balanced() {
        return initial == available + held + sold;
    }
}
