package com.liveshop.shared.stats;

import java.util.List;

/**
 * A show's sales as {@code GET /sessions/{id}/stats} answers them. {@code holds} counts holds placed from the show,
 * {@code orders} orders placed with at least one of its lines, {@code paidOrders} those paid; {@code units} and
 * {@code revenueCents} are what paid orders sold (an order cancelled unpaid adds nothing). Per highlight: what was held
 * and ordered while that highlight was on screen, whichever product it was. {@code waitlist}: how many carts wait now
 * for each lineup product (its waitlist; read at request time, not kept with the sales).
 */
public record ShowStats(
        String sessionId,
        long peakViewers,
        long holds,
        long orders,
        long paidOrders,
        long units,
        long revenueCents,
        String currency,
        List<ProductStats> perProduct,
        List<HighlightStats> perHighlight,
        List<WaitlistLength> waitlist) {

    public ShowStats(
            String sessionId,
            long peakViewers,
            long holds,
            long orders,
            long paidOrders,
            long units,
            long revenueCents,
            String currency,
            List<ProductStats> perProduct,
            List<HighlightStats> perHighlight) {
        this(
                sessionId,
                peakViewers,
                holds,
                orders,
                paidOrders,
                units,
                revenueCents,
                currency,
                perProduct,
                perHighlight,
                List.of());
    }

    public record WaitlistLength(String sku, long waiting) {}

    public ShowStats withWaitlist(List<WaitlistLength> lengths) {
        return new ShowStats(
                sessionId,
                peakViewers,
                holds,
                orders,
                paidOrders,
                units,
                revenueCents,
                currency,
                perProduct,
                perHighlight,
                List.copyOf(lengths));
    }

    public record ProductStats(String sku, long holds, long orders, long units, long revenueCents) {}

    public record HighlightStats(
            String highlightId, String sku, long offsetMs, long holds, long orders, long revenueCents) {}

    public static ShowStats empty(String sessionId) {
        return new ShowStats(sessionId, 0, 0, 0, 0, 0, 0, null, List.of(), List.of());
    }
}
