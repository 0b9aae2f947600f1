package com.liveshop.checkout.service;

import com.liveshop.checkout.repository.WaitlistRepository;
import com.liveshop.checkout.repository.WaitlistRepository.Entry;
import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.Frames;
import com.liveshop.shared.waitlist.WaitlistKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waitlist of a sold-out sku: carts join in order of arrival (one entry per cart and sku, for
 * {@code WAITLIST_HOURS}, at most {@code WAITLIST_MAX_PER_SKU} per sku); when units come back (a hold expired or
 * removed, an order cancelled, a restock) the hand-out gives them to the oldest waiting carts as holds, each entry at
 * most once (its removal is in the hold's transaction) and never beyond what is available (the stock buckets'
 * conditions), so two hand-outs at once, or buyers on the cart route at the same moment, never oversell. A cart wanting
 * more than is left gets what is left, and its entry is spent. A hold placed this way is like any other; its cart hears
 * {@code waitlistHeld} on its channel, and counts against the per-client cap of the client that joined (a client at its
 * cap is passed over, as a cart that cannot take it is).
 */
public class WaitlistService {

    private static final Logger LOG = LoggerFactory.getLogger(WaitlistService.class);
    /** Entries read per page of the line during a hand-out. */
    static final int PAGE = 25;
    /** Expired entries a full line's join may clear from its head before it answers WAITLIST_FULL. */
    static final int PURGE_LIMIT = 100;
    /** Claims lost to concurrent writers in one hand-out before it gives up (its batch is retried). */
    static final int MAX_STALLS = 1000;

    public record JoinRequest(String cartId, Long quantity) {}

    /** POST /products/{sku}/waitlist (201 new, 200 waiting already) and GET /products/{sku}/waitlist/{cartId}. */
    public record Joined(String sku, String cartId, int quantity, long position) {}

    public record JoinResult(Joined joined, boolean created) {}

    /** The per-source bound on joins (the hand-out's wiring has none: it never joins). */
    public interface JoinLimit {
        /** Counts one join from {@code sourceIp}; throws 429 RATE_LIMITED (with Retry-After) beyond the bound. */
        void count(String sourceIp, Instant now);

        JoinLimit NONE = (sourceIp, now) -> {};
    }

    private final WaitlistRepository waitlist;
    private final ProductRepository products;
    private final CartService carts;
    private final ChannelPublisher publisher;
    private final Clock clock;
    private final Duration entryLifetime;
    private final int maxQuantityPerSku;
    private final int maxPerSku;
    private final JoinLimit joinLimit;
    private final UnaryOperator<String> fingerprint;

    /** {@code fingerprint}: a joining client's address → its key (asked only by joins). */
    public WaitlistService(
            WaitlistRepository waitlist,
            ProductRepository products,
            CartService carts,
            ChannelPublisher publisher,
            Clock clock,
            Duration entryLifetime,
            int maxQuantityPerSku,
            int maxPerSku,
            JoinLimit joinLimit,
            UnaryOperator<String> fingerprint) {
        if (maxPerSku < 1) {
            throw new IllegalStateException("Configuration WAITLIST_MAX_PER_SKU must be positive");
        }
        this.waitlist = waitlist;
        this.products = products;
        this.carts = carts;
        this.publisher = publisher;
        this.clock = clock;
        this.entryLifetime = entryLifetime;
        this.maxQuantityPerSku = maxQuantityPerSku;
        this.maxPerSku = maxPerSku;
        this.joinLimit = joinLimit;
        this.fingerprint = fingerprint;
    }

    /**
     * Joins the line, or for a cart waiting already answers its entry (with the new quantity; its place stays).
     * Refused, with nothing written: 400 (sku, cartId not a v4 UUID, quantity missing or below 1), 422 QUANTITY_LIMIT
     * (above the per-sku limit), 404 PRODUCT_NOT_FOUND, 409 IN_STOCK (units are available: buy them), 429 RATE_LIMITED,
     * 409 WAITLIST_FULL (the line's bound; the rate window has counted the attempt).
     */
    public JoinResult join(String rawSku, JoinRequest request, String sourceIp) {
        String sku = Validation.requireSku(rawSku);
        String cartId = Validation.requireRandomUuid("cartId", request == null ? null : request.cartId());
        int quantity = requireQuantity(request.quantity());
        Product product = products.findProduct(sku)
                .orElseThrow(() -> ApiException.notFound("PRODUCT_NOT_FOUND", "No product with sku " + sku));
        Instant now = clock.instant();
        Optional<Entry> waiting = liveEntry(product.getSku(), cartId, now);
        if (waiting.isEmpty()) {
            requireSoldOut(sku);
        }
        joinLimit.count(sourceIp, now);
        try {
            return joinCounted(sku, cartId, quantity, waiting, fingerprint.apply(sourceIp));
        } catch (WaitlistRepository.WaitlistBusyException e) {
            throw Backoff.busy();
        }
    }

    private JoinResult joinCounted(String sku, String cartId, int quantity, Optional<Entry> waiting, String client) {
        Instant now;
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            now = clock.instant();
            if (attempt > 0) {
                waiting = liveEntry(sku, cartId, now);
            }
            if (waiting.isPresent()) {
                Entry entry = waiting.get();
                if (entry.quantity() != quantity) {
                    if (!waitlist.changeQuantity(entry, quantity)) {
                        continue; // handed out or removed meanwhile: read again
                    }
                    entry = entry.withQuantity(quantity);
                }
                return new JoinResult(joined(entry, now), false);
            }
            if (attempt > 0) {
                requireSoldOut(sku);
            }
            Entry entry = new Entry(
                    sku,
                    cartId,
                    quantity,
                    WaitlistKeys.entrySk(now.toEpochMilli(), cartId),
                    now.plus(entryLifetime).getEpochSecond(),
                    client);
            switch (waitlist.add(entry, maxPerSku, now.getEpochSecond())) {
                case ADDED -> {
                    return new JoinResult(afterAdd(entry, now), true);
                }
                case FULL -> {
                    if (purgeExpiredHead(sku, now.getEpochSecond()) == 0) {
                        throw ApiException.conflict(
                                "WAITLIST_FULL", "The waitlist of " + sku + " is full (" + maxPerSku + " carts)");
                    }
                }
                case RETRY -> Backoff.pause(attempt);
            }
        }
        throw Backoff.busy();
    }

    /**
     * Units that came back between the sold-out check and the entry's write may have met a hand-out that saw no entry
     * yet: if any are available now, the entry leaves the line again and the join answers IN_STOCK (buy them), so no
     * cart waits beside available units. If a hand-out took the entry meanwhile, the cart has its hold: 201.
     */
    private Joined afterAdd(Entry entry, Instant now) {
        if (available(entry.sku()) > 0 && waitlist.remove(entry)) {
            throw inStock(entry.sku());
        }
        return joined(entry, now);
    }

    /** GET /products/{sku}/waitlist/{cartId}: the cart's live entry and its position; 404 WAITLIST_ENTRY_NOT_FOUND. */
    public Joined entry(String rawSku, String rawCartId) {
        String sku = Validation.requireSku(rawSku);
        String cartId = Validation.requireRandomUuid("cartId", rawCartId);
        Instant now = clock.instant();
        return liveEntry(sku, cartId, now)
                .map(e -> joined(e, now))
                .orElseThrow(() -> ApiException.notFound(
                        "WAITLIST_ENTRY_NOT_FOUND", "This cart is not on the waitlist of " + sku));
    }

    /** DELETE /products/{sku}/waitlist/{cartId}: leaves the line (idempotent). 400 for a bad sku or cart id. */
    public void leave(String rawSku, String rawCartId) {
        String sku = Validation.requireSku(rawSku);
        String cartId = Validation.requireRandomUuid("cartId", rawCartId);
        try {
            waitlist.entryOf(sku, cartId).ifPresent(waitlist::remove);
        } catch (WaitlistRepository.WaitlistBusyException e) {
            throw Backoff.busy();
        }
    }

    /**
     * Gives what is available of {@code sku} to its line, oldest first, until the line or the units run out. Returns
     * the holds placed. Safe to run twice at once and again after a failure (each step is one conditional transaction):
     * an entry is passed only once it is off the line, so a later cart is never served while an earlier one that could
     * be still waits.
     */
    public int handOut(String sku) {
        int held = 0;
        int stalls = 0;
        while (true) {
            var entries = waitlist.oldest(sku, PAGE);
            if (entries.isEmpty()) {
                return held;
            }
            long now = clock.instant().getEpochSecond();
            for (Entry entry : entries) {
                if (entry.expiredAt(now)) {
                    waitlist.remove(entry);
                    continue;
                }
                CartService.WaitlistHold result = carts.holdForWaitlist(
                        entry.cartId(), sku, entry.quantity(), entry.client(), waitlist.claim(entry));
                switch (result.outcome()) {
                    case HELD -> {
                        held++;
                        CartService.HoldView hold = result.hold();
                        publisher.publish(
                                Channels.cart(entry.cartId()),
                                new Frames.WaitlistHeld(
                                        sku,
                                        hold.quantity(),
                                        hold.priceCents(),
                                        hold.currency(),
                                        hold.expiresAt().toString()));
                    }
                    // The cart cannot take it (holds the sku already, full, another currency): passed over.
                    case CART_REFUSED -> waitlist.remove(entry);
                    // Another hand-out took it, or the cart left or changed its quantity: the next page reads it again.
                    case CLAIM_GONE -> {
                        if (++stalls > MAX_STALLS) {
                            // Not expected (an entry changes only a few times); fail so the batch is retried later.
                            throw new IllegalStateException(
                                    "The waitlist of " + sku + " kept changing during the hand-out");
                        }
                    }
                    case NOTHING_LEFT -> {
                        if (held > 0) {
                            LOG.info("Waitlist of {}: {} holds handed out", sku, held);
                        }
                        return held;
                    }
                }
            }
        }
    }

    private int requireQuantity(Long quantity) {
        long q = Validation.requireRange("quantity", quantity, 1, Long.MAX_VALUE);
        if (q > maxQuantityPerSku) {
            throw ApiException.unprocessable(
                    "QUANTITY_LIMIT", "At most " + maxQuantityPerSku + " units of one sku per cart");
        }
        return (int) q;
    }

    private Optional<Entry> liveEntry(String sku, String cartId, Instant now) {
        return waitlist.entryOf(sku, cartId).filter(e -> !e.expiredAt(now.getEpochSecond()));
    }

    private Joined joined(Entry entry, Instant now) {
        return new Joined(
                entry.sku(), entry.cartId(), entry.quantity(), waitlist.position(entry, now.getEpochSecond()));
    }

    private void requireSoldOut(String sku) {
        if (available(sku) > 0) {
            throw inStock(sku);
        }
    }

    private long available(String sku) {
        return products.stockBuckets().stock(sku).available();
    }

    private static ApiException inStock(String sku) {
        return ApiException.conflict("IN_STOCK", sku + " is in stock: add it to the cart instead");
    }

    /**
     * Removes the line's expired entries from its head (they are its oldest: every entry lives as long); returns how
     * many expired entries it met (removed by it or by a concurrent caller), so 0 means the line is full of live ones.
     */
    private int purgeExpiredHead(String sku, long nowEpochSeconds) {
        int met = 0;
        while (met < PURGE_LIMIT) {
            var entries = waitlist.oldest(sku, PAGE);
            if (entries.isEmpty()) {
                return met;
            }
            for (Entry entry : entries) {
                if (!entry.expiredAt(nowEpochSeconds)) {
                    return met;
                }
                waitlist.remove(entry);
                met++;
            }
        }
        return met;
    }
}
