package com.liveshop.checkout.domain;

import com.liveshop.shared.catalog.StockAllocation;
import com.liveshop.shared.orders.CancelReason;
import com.liveshop.shared.orders.OrderItem;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An order as stored: placed from a cart's holds, with the buckets its units were sold from (per sku) and the hashes of
 * the buyer's order tokens. What the API shows is an {@link OrderView}. While it awaits payment it is counted against
 * clients: {@code unitClients} names, per sku, the client whose units counter counts the sku's units (its hold's),
 * {@code pendingCounters} the pending-order counters (the placing client's, the email's) it was added to. Paying or
 * cancelling it releases exactly those.
 */
public record Order(
        String orderId,
        OrderStatus status,
        String cartId,
        List<OrderItem> items,
        long totalCents,
        String currency,
        String email,
        Instant createdAt,
        Instant updatedAt,
        String paymentId,
        Instant paymentDueAt,
        CancelReason cancelReason,
        Map<String, StockAllocation> allocations,
        List<String> tokenHashes,
        Map<String, String> unitClients,
        List<String> pendingCounters) {

    public Order {
        items = List.copyOf(items);
        allocations = Map.copyOf(allocations);
        tokenHashes = List.copyOf(tokenHashes);
        unitClients = Map.copyOf(unitClients);
        pendingCounters = List.copyOf(pendingCounters);
    }

    public boolean overdueAt(Instant now) {
        return status == OrderStatus.PENDING_PAYMENT && paymentDueAt != null && !paymentDueAt.isAfter(now);
    }

    /** Units per sku, summed over the sku's lines. */
    public Map<String, Integer> unitsBySku() {
        Map<String, Integer> units = new java.util.TreeMap<>();
        items.forEach(i -> units.merge(i.sku(), i.quantity(), Integer::sum));
        return units;
    }
}
