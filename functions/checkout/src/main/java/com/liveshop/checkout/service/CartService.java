package com.liveshop.checkout.service;

import com.liveshop.checkout.config.CheckoutConfig;
import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.domain.PriceTier;
import com.liveshop.checkout.repository.ClientLimitReached;
import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.HoldRepository.CartContents;
import com.liveshop.checkout.repository.HoldRepository.Outcome;
import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.catalog.StockAllocation;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.catalog.StockRepository;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.shared.pow.ProofOfWork;
import com.liveshop.shared.stats.ShowOrigin;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Cart rules: a hold reserves stock until HOLD_SECONDS after it was first placed (adding units never extends it), each
 * addition at the price in force then; per-sku limit, one currency and at most 20 skus per cart. Units come from one
 * random stock bucket, or, when that bucket is short, from a consistent snapshot of all of them, so a hold is refused
 * SOLD_OUT only when the sku as a whole has too few. Per client (the fingerprint of its address), the units of a sku
 * held plus those in its unpaid orders, over all carts, are capped (MAX_UNITS_PER_CLIENT_PER_SKU): counted in the
 * hold's own transaction, 429 CLIENT_LIMIT beyond.
 */
public class CartService {

    /** The hold as the add-item route returns it; {@code priceCents} is what the units just added cost each. */
    public record HoldView(
            String cartId,
            String sku,
            int quantity,
            long priceCents,
            long lineTotalCents,
            String currency,
            Instant expiresAt) {}

    /**
     * {@code priceTiers} only when units were added at more than one price; {@code lineTotalCents} is what is charged.
     */
    public record CartLine(
            String sku,
            String title,
            int quantity,
            long priceCents,
            long lineTotalCents,
            Instant expiresAt,
            List<PriceTier> priceTiers) {}

    /** A hold whose time ran out and that the sweep has not returned yet: no longer counted or orderable. */
    public record ExpiredLine(String sku, String title, int quantity, Instant expiredAt) {}

    public record CartView(
            String cartId, List<CartLine> items, long totalCents, String currency, List<ExpiredLine> expiredItems) {}

    private final HoldRepository holds;
    private final ProductRepository products;
    private final StockRepository stock;
    private final CheckoutConfig config;
    private final Clock clock;
    private final ShowLookup shows;
    private final ShowMetrics metrics;
    private final ProofOfWork proofOfWork;
    private final UnaryOperator<String> fingerprint;

    /** {@code fingerprint}: a client address → its key (an HMAC), asked only on the cart route. */
    public CartService(
            HoldRepository holds,
            ProductRepository products,
            CheckoutConfig config,
            Clock clock,
            ShowLookup shows,
            ShowMetrics metrics,
            ProofOfWork proofOfWork,
            UnaryOperator<String> fingerprint) {
        this.proofOfWork = proofOfWork;
        this.fingerprint = fingerprint;
        this.shows = shows;
        this.metrics = metrics;
        this.holds = holds;
        this.products = products;
        this.stock = products.stockBuckets();
        this.config = config;
        this.clock = clock;
    }

    /** Most units of one sku a cart may hold (MAX_QUANTITY_PER_SKU). */
    public int maxQuantityPerSku() {
        return config.maxQuantityPerSku();
    }

    /**
     * The cart route: holds {@code quantity} more units of {@code sku} for the cart (a new hold, or more units on the
     * held one) for the client at {@code clientAddress}. {@code sessionId} (optional): the show the buyer watches; a
     * new hold records it and the highlight on its screen now, for the show's stats, only if the show is live and the
     * sku in its lineup (else the hold is placed without it); units added later keep the first origin. While the sku's
     * deal runs, and proof of work is on, {@code challengeSolution} (the X-Altcha header) must be a solved challenge,
     * spent here: deals are what bots farm.
     */
    public HoldView addItem(
            String cartId,
            String sku,
            Long quantity,
            String sessionId,
            String clientAddress,
            String challengeSolution) {
        return hold(cartId, sku, quantity, sessionId, fingerprint.apply(clientAddress), challengeSolution, true);
    }

    /**
     * Comment-to-buy: as the cart route, for the client whose fingerprint is {@code clientKey} (the one recorded in the
     * chat ticket), without a challenge: the ticket the message came with needed one. A new hold is counted against
     * that client; units added to a hold, against the hold's client.
     */
    public HoldView addItemFromChat(String cartId, String sku, Long quantity, String sessionId, String clientKey) {
        return hold(cartId, sku, quantity, sessionId, clientKey, null, false);
    }

    private HoldView hold(
            String cartId,
            String sku,
            Long quantity,
            String sessionId,
            String clientKey,
            String challengeSolution,
            boolean askProof) {
        int limit = config.maxQuantityPerSku();
        int units = (int) Validation.requireRange("quantity", quantity, 1, limit);
        String show = sessionId == null ? null : Validation.requireUuid("sessionId", sessionId);
        Product product = products.findProduct(sku)
                .orElseThrow(() -> ApiException.notFound("PRODUCT_NOT_FOUND", "No product with sku " + sku));
        // A show that is not live, or does not sell this sku, gets no credit (an anonymous caller may name any show).
        ShowOrigin origin = show == null ? null : shows.originNow(show, sku).orElse(null);
        // A caller without a client key (a chat ticket from before they carried one) is not counted.
        String client = config.maxUnitsPerClientPerSku().isPresent() && clientKey != null && !clientKey.isBlank()
                ? clientKey
                : null;
        int cap = config.maxUnitsPerClientPerSku().orElse(0);
        if (askProof && product.activeDealPriceCents(clock.instant()).isPresent()) {
            // Before the first write: a refused solution changes nothing.
            proofOfWork.redeem(challengeSolution);
        }
        int shards = product.shards();
        boolean spread = false;
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Optional<Hold> existing = unexpiredHold(cartId, sku, now);
            if (existing.isPresent() && existing.get().quantity() + units > limit) {
                throw ApiException.conflict(
                        "QUANTITY_LIMIT",
                        "At most " + limit + " units of " + sku + " per cart; this cart holds "
                                + existing.get().quantity());
            }
            StockAllocation allocation =
                    spread ? spreadOrSoldOut(sku, shards, units) : StockAllocation.randomBucket(shards, units);
            long price = holdPriceCents(product, now);
            Hold result;
            Outcome outcome;
            try {
                if (existing.isPresent()) {
                    result = existing.get().raised(units, price, allocation);
                    outcome = holds.raise(existing.get(), result, allocation, now, config.maxOrderTxItems(), cap);
                } else {
                    result = Hold.placed(
                            cartId,
                            sku,
                            product.getTitle(),
                            product.getCurrency(),
                            now.toEpochMilli() + config.holdSeconds() * 1000L,
                            units,
                            price,
                            allocation,
                            origin,
                            client);
                    outcome = holds.create(result, config.maxItemsPerCart(), config.maxOrderTxItems(), cap);
                }
            } catch (ClientLimitReached e) {
                throw ApiException.tooManyRequests(
                        "CLIENT_LIMIT",
                        "At most " + cap + " units of " + sku
                                + " per buyer, held or in unpaid orders, over all carts; "
                                + "more when a hold expires or an order is "
                                + "paid or cancelled",
                        retryAfterSeconds(e, now, config));
            }
            switch (outcome) {
                case OK:
                    metrics.holdPlaced();
                    return new HoldView(
                            cartId,
                            sku,
                            result.quantity(),
                            price,
                            result.lineTotalCents(),
                            result.currency(),
                            result.expiresAt());
                case SOLD_OUT:
                    if (shards == 1) {
                        throw soldOut(sku);
                    }
                    // That bucket (or, after a snapshot, one of them) was short: spread over a fresh snapshot.
                    spread = true;
                    break;
                case CURRENCY_MISMATCH:
                    throw ApiException.conflict(
                            "CURRENCY_MISMATCH",
                            "This cart holds items in another currency than " + product.getCurrency());
                case CART_FULL:
                    throw ApiException.conflict(
                            "CART_FULL",
                            "A cart holds at most " + config.maxItemsPerCart()
                                    + " different items, as many as one order can take; check out first");
                case HOLD_CHANGED:
                    break;
                case RETRY:
                default:
                    Backoff.pause(attempt);
                    break;
            }
        }
        metrics.tryAgain("hold");
        throw Backoff.busy();
    }

    /**
     * The cart's hold of {@code sku}, after giving an expired one back first, exactly as the sweep would (if the sweep
     * won, it is gone anyway).
     */
    private Optional<Hold> unexpiredHold(String cartId, String sku, Instant now) {
        Optional<Hold> existing = holds.find(cartId, sku);
        if (existing.isPresent() && existing.get().expiredAt(now)) {
            holds.expire(existing.get(), now);
            return holds.find(cartId, sku);
        }
        return existing;
    }

    /**
     * Seconds until the first hold or order counted on the refusing counter gives its units back: at most the longer of
     * a hold's and a payment's lifetime; once that moment has passed, the sweep's period (it runs every minute).
     */
    static long retryAfterSeconds(ClientLimitReached refusal, Instant now, CheckoutConfig config) {
        long bound = Math.max(config.holdSeconds(), config.paymentSeconds());
        return refusal.releaseAt()
                .filter(at -> at.isAfter(now))
                .map(at -> Math.min(bound, (at.toEpochMilli() - now.toEpochMilli() + 999) / 1000))
                .orElse(SWEEP_SECONDS);
    }

    /** The sweep's schedule (template: HoldExpiryFunction, rate 1 minute). */
    static final long SWEEP_SECONDS = 60;

    /** What a waitlist hand-out came to. */
    public enum WaitlistOutcome {
        HELD,
        NOTHING_LEFT,
        CLAIM_GONE,
        CART_REFUSED
    }

    public record WaitlistHold(WaitlistOutcome outcome, HoldView hold) {}

    /**
     * A waitlist hand-out: a new hold of up to {@code wanted} units of {@code sku} (as many as are available now, at
     * least one) in one transaction with {@code claim} (the entry's removal from the line), at the price in force, by
     * the cart rules. CART_REFUSED when the cart holds the sku already, is full or in another currency (the entry is
     * spent); NOTHING_LEFT when no unit is available; CLAIM_GONE when another hand-out took the entry first. The hold
     * is counted against {@code clientKey} (the client that joined the line; null for an entry from before the caps): a
     * client at its cap is refused like a cart that cannot take it (CART_REFUSED).
     */
    public WaitlistHold holdForWaitlist(
            String cartId, String sku, int wanted, String clientKey, List<TransactWriteItem> claim) {
        Optional<Product> found = products.findProduct(sku);
        if (found.isEmpty()) {
            return new WaitlistHold(WaitlistOutcome.CART_REFUSED, null);
        }
        Product product = found.get();
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Optional<Hold> existing = unexpiredHold(cartId, sku, now);
            if (existing.isPresent()) {
                return new WaitlistHold(WaitlistOutcome.CART_REFUSED, null);
            }
            List<StockLevel.Bucket> buckets = stock.snapshot(sku, product.shards());
            long available =
                    buckets.stream().mapToLong(StockLevel.Bucket::available).sum();
            if (available <= 0) {
                return new WaitlistHold(WaitlistOutcome.NOTHING_LEFT, null);
            }
            int units = (int) Math.min(Math.min(wanted, config.maxQuantityPerSku()), available);
            Optional<StockAllocation> allocation = StockAllocation.fromSnapshot(buckets, units);
            if (allocation.isEmpty()) {
                continue;
            }
            long price = holdPriceCents(product, now);
            String client = config.maxUnitsPerClientPerSku().isPresent() ? clientKey : null;
            Hold hold = Hold.placed(
                    cartId,
                    sku,
                    product.getTitle(),
                    product.getCurrency(),
                    now.toEpochMilli() + config.holdSeconds() * 1000L,
                    units,
                    price,
                    allocation.get(),
                    null,
                    client);
            Outcome outcome;
            try {
                outcome = holds.create(
                        hold,
                        config.maxItemsPerCart(),
                        config.maxOrderTxItems(),
                        config.maxUnitsPerClientPerSku().orElse(0),
                        claim);
            } catch (ClientLimitReached e) {
                return new WaitlistHold(WaitlistOutcome.CART_REFUSED, null);
            }
            switch (outcome) {
                case OK:
                    metrics.holdPlaced();
                    return new WaitlistHold(
                            WaitlistOutcome.HELD,
                            new HoldView(
                                    cartId,
                                    sku,
                                    hold.quantity(),
                                    price,
                                    hold.lineTotalCents(),
                                    hold.currency(),
                                    hold.expiresAt()));
                case CLAIM_GONE:
                    return new WaitlistHold(WaitlistOutcome.CLAIM_GONE, null);
                case CURRENCY_MISMATCH:
                case CART_FULL:
                    return new WaitlistHold(WaitlistOutcome.CART_REFUSED, null);
                case SOLD_OUT:
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

    private StockAllocation spreadOrSoldOut(String sku, int shards, int units) {
        return StockAllocation.fromSnapshot(stock.snapshot(sku, shards), units).orElseThrow(() -> soldOut(sku));
    }

    private ApiException soldOut(String sku) {
        metrics.soldOut();
        return ApiException.conflict("SOLD_OUT", "Not enough units of " + sku + " left");
    }

    /**
     * The unit price of units added now: the live-show deal price while the deal runs (set by a session highlight),
     * else the list price. The order later charges what each addition locked in.
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
        metrics.tryAgain("hold");
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
                lines.add(new CartLine(
                        hold.sku(),
                        hold.title(),
                        hold.quantity(),
                        hold.priceCents(),
                        hold.lineTotalCents(),
                        hold.expiresAt(),
                        hold.tiers().size() > 1 ? hold.tiers() : null));
                total += hold.lineTotalCents();
                currency = hold.currency();
            }
        }
        return new CartView(cartId, lines, total, currency, expired.isEmpty() ? null : expired);
    }
}
