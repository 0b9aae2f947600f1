package com.liveshop.checkout.domain;

import com.liveshop.shared.catalog.StockAllocation;
import com.liveshop.shared.orders.OrderItem;
import com.liveshop.shared.stats.ShowOrigin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stock a cart holds for one sku until {@code expiresAtMillis}, fixed when the hold is first placed (adding units never
 * extends it). Each addition is charged the price in force when it was made ({@code tiers}); the units come from the
 * stock buckets in {@code allocation}. {@code origin}: the show (and highlight on screen) it was placed from, or null;
 * units added later keep it. {@code client}: the fingerprint of the client whose per-sku counter counts its units
 * (every release moves that counter), or null when it is not counted (placed while the cap was off).
 */
public record Hold(
        String cartId,
        String sku,
        String title,
        String currency,
        long expiresAtMillis,
        List<PriceTier> tiers,
        StockAllocation allocation,
        ShowOrigin origin,
        String client) {

    public Hold {
        tiers = List.copyOf(tiers);
    }

    public static Hold placed(
            String cartId,
            String sku,
            String title,
            String currency,
            long expiresAtMillis,
            int quantity,
            long priceCents,
            StockAllocation allocation,
            ShowOrigin origin,
            String client) {
        return new Hold(
                cartId,
                sku,
                title,
                currency,
                expiresAtMillis,
                List.of(new PriceTier(quantity, priceCents)),
                allocation,
                origin,
                client);
    }

    public int quantity() {
        return tiers.stream().mapToInt(PriceTier::quantity).sum();
    }

    /** The price the hold was placed at (its first tier). */
    public long priceCents() {
        return tiers.get(0).priceCents();
    }

    /** The order lines this hold becomes: one per price tier, each with the hold's origin. */
    public List<OrderItem> orderItems() {
        return tiers.stream()
                .map(t -> new OrderItem(sku, title, t.quantity(), t.priceCents(), origin))
                .toList();
    }

    public long lineTotalCents() {
        return tiers.stream().mapToLong(PriceTier::totalCents).sum();
    }

    public boolean expiredAt(Instant now) {
        return expiresAtMillis <= now.toEpochMilli();
    }

    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMillis);
    }

    /** {@code units} more at {@code priceCents} from {@code extra}; same expiry. */
    public Hold raised(int units, long priceCents, StockAllocation extra) {
        List<PriceTier> more = new ArrayList<>(tiers);
        PriceTier last = more.get(more.size() - 1);
        if (last.priceCents() == priceCents) {
            more.set(more.size() - 1, new PriceTier(last.quantity() + units, priceCents));
        } else {
            more.add(new PriceTier(units, priceCents));
        }
        return new Hold(cartId, sku, title, currency, expiresAtMillis, more, allocation.plus(extra), origin, client);
    }

    /**
     * Items an order of this hold writes: the hold's delete, one sale per bucket and, when counted, its client's
     * counter.
     */
    public int transactionItems() {
        return 1 + allocation.buckets() + (client == null ? 0 : 1);
    }
}
