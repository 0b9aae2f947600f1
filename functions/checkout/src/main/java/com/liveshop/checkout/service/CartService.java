package com.liveshop.checkout.service;

import com.liveshop.checkout.config.CheckoutConfig;
import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.HoldRepository.CartContents;
import com.liveshop.checkout.repository.HoldRepository.Outcome;
import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Cart rules: holds reserve stock for HOLD_SECONDS, per-sku limit, one currency and at most 20 skus per cart. */
public class CartService {

    /** The hold as the add-item route returns it. */
    public record HoldView(String cartId, String sku, int quantity, long priceCents, String currency, Instant expiresAt) {}

    public record CartLine(String sku, String title, int quantity, long priceCents, long lineTotalCents, Instant expiresAt) {}

    /** A hold whose time ran out and that the sweep has not returned yet: no longer counted or orderable. */
    public record ExpiredLine(String sku, String title, int quantity, Instant expiredAt) {}

    public record CartView(String cartId, List<CartLine> items, long totalCents, String currency, List<ExpiredLine> expiredItems) {}

    private final HoldRepository holds;
    private final ProductRepository products;
    private final CheckoutConfig config;
    private final Clock clock;

    public CartService(HoldRepository holds, ProductRepository products, CheckoutConfig config, Clock clock) {
        this.holds = holds;
        this.products = products;
        this.config = config;
        this.clock = clock;
    }

    /** Holds {@code quantity} more units of {@code sku} for the cart (a new hold, or a raised and renewed one). */
    public HoldView addItem(String cartId, String sku, Long quantity) {
        int limit = config.maxQuantityPerSku();
        int units = (int) Validation.requireRange("quantity", quantity, 1, limit);
        Product product = products.findProduct(sku)
                .orElseThrow(() -> ApiException.notFound("PRODUCT_NOT_FOUND", "No product with sku " + sku));
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            long expiresAt = now.toEpochMilli() + config.holdSeconds() * 1000L;
            Optional<Hold> existing = holds.find(cartId, sku);
            if (existing.isPresent() && existing.get().expiredAt(now)) {
                // Give the expired units back first, exactly as the sweep would; if the sweep won, it is gone anyway.
                holds.expire(existing.get(), now);
                continue;
            }
            Hold result;
            Outcome outcome;
            if (existing.isPresent()) {
                Hold current = existing.get();
                int total = current.quantity() + units;
                if (total > limit) {
                    throw ApiException.conflict("QUANTITY_LIMIT", "At most " + limit + " units of " + sku
                            + " per cart; this cart holds " + current.quantity());
                }
                result = current.renewed(total, expiresAt);
                outcome = holds.raise(current, result, now);
            } else {
                result = new Hold(cartId, sku, product.getTitle(), units, holdPriceCents(product, now),
                        product.getCurrency(), expiresAt);
                outcome = holds.create(result, config.maxItemsPerCart());
            }
            switch (outcome) {
                case OK:
                    return new HoldView(cartId, sku, result.quantity(), result.priceCents(), result.currency(), result.expiresAt());
                case SOLD_OUT:
                    throw ApiException.conflict("SOLD_OUT", "Not enough units of " + sku + " left");
                case CURRENCY_MISMATCH:
                    throw ApiException.conflict("CURRENCY_MISMATCH",
                            "This cart holds items in another currency than " + product.getCurrency());
                case CART_FULL:
                    throw ApiException.conflict("CART_FULL", "A cart holds at most " + config.maxItemsPerCart() + " different items");
                case HOLD_CHANGED:
                    break;
                case RETRY:
                default:
                    Backoff.pause(attempt);
                    break;
            }
        }
        throw Backoff.busy();
    }

    /**
     * The unit price a new hold locks in: the live-show deal price while the deal runs (set by a session
     * highlight), else the list price. The order later charges what the hold locked in.
     */
    protected long holdPriceCents(Product product, Instant now) {
        return product.activeDealPriceCents(now).orElse(product.getPriceCents());
    }

    /** Removes the sku from the cart; its units are available again at once. */
    public void removeItem(String cartId, String sku) {
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            Hold hold = holds.find(cartId, sku)
                    .orElseThrow(() -> ApiException.notFound("ITEM_NOT_IN_CART", "This cart holds no " + sku));
            Outcome outcome = holds.remove(hold);
            if (outcome == Outcome.OK) {
                return;
            }
            if (outcome == Outcome.RETRY) {
                Backoff.pause(attempt);
            }
        }
        throw Backoff.busy();
    }

    public CartView view(String cartId) {
        Instant now = clock.instant();
        CartContents contents = holds.contents(cartId);
        List<CartLine> lines = new ArrayList<>();
        List<ExpiredLine> expired = new ArrayList<>();
        long total = 0;
        String currency = null;
        List<Hold> sorted = new ArrayList<>(contents.holds());
        sorted.sort(Comparator.comparing(Hold::sku));
        for (Hold hold : sorted) {
            if (hold.expiredAt(now)) {
                expired.add(new ExpiredLine(hold.sku(), hold.title(), hold.quantity(), hold.expiresAt()));
            } else {
                lines.add(new CartLine(hold.sku(), hold.title(), hold.quantity(), hold.priceCents(),
                        hold.lineTotalCents(), hold.expiresAt()));
                total += hold.lineTotalCents();
                currency = hold.currency();
            }
        }
        return new CartView(cartId, lines, total, currency, expired.isEmpty() ? null : expired);
    }
}
