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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waitlist of a sold-out sku: carts join in order of arrival (one entry per cart and sku, for
 * {@code WAITLIST_HOURS}); when units come back (a hold expired or removed, an order cancelled, a restock) the
 * hand-out gives them to the oldest waiting carts as holds, each entry at most once (its removal is in the hold's
 * transaction) and never beyond what is available (the stock buckets' conditions), so two hand-outs at once give out
 * each unit once. A hold placed this way is like any other; its cart hears {@code waitlistHeld} on its channel.
 */
public class WaitlistService {

    private static final Logger LOG = LoggerFactory.getLogger(WaitlistService.class);
    /** Entries read per page of the line during a hand-out. */
    static final int PAGE = 25;

    public record JoinRequest(String cartId, Long quantity) {}

    /** 201 of POST /products/{sku}/waitlist (200 when the cart was waiting already). */
    public record Joined(String sku, String cartId, int quantity, long position, String expiresAt) {}

    public record JoinResult(Joined joined, boolean created) {}

    private final WaitlistRepository waitlist;
    private final ProductRepository products;
    private final CartService carts;
    private final ChannelPublisher publisher;
    private final Clock clock;
    private final Duration entryLifetime;
    private final int maxQuantityPerSku;

    public WaitlistService(WaitlistRepository waitlist, ProductRepository products, CartService carts, ChannelPublisher publisher,
                           Clock clock, Duration entryLifetime, int maxQuantityPerSku) {
        this.waitlist = waitlist;
        this.products = products;
        this.carts = carts;
        this.publisher = publisher;
        this.clock = clock;
        this.entryLifetime = entryLifetime;
        this.maxQuantityPerSku = maxQuantityPerSku;
    }

    /** Refused: 400 (sku, cartId not a v4 UUID, quantity), 404 PRODUCT_NOT_FOUND, 409 NOT_SOLD_OUT; nothing written. */
    public JoinResult join(String rawSku, JoinRequest request) {
        String sku = Validation.requireSku(rawSku);
        String cartId = Validation.requireRandomUuid("cartId", request == null ? null : request.cartId());
        int quantity = (int) Validation.requireRange("quantity", request.quantity(), 1, maxQuantityPerSku);
        Product product = products.findProduct(sku)
                .orElseThrow(() -> ApiException.notFound("PRODUCT_NOT_FOUND", "No product with sku " + sku));
        Instant now = clock.instant();
        if (products.stockBuckets().stock(sku).available() > 0) {
            throw ApiException.conflict("NOT_SOLD_OUT", sku + " is in stock: add it to the cart instead");
        }
        long expiresAt = now.plus(entryLifetime).getEpochSecond();
        WaitlistRepository.Joined joined = waitlist.join(product.getSku(), cartId, quantity, now.toEpochMilli(), expiresAt);
        Entry entry = joined.entry();
        return new JoinResult(new Joined(sku, cartId, entry.quantity(), waitlist.position(entry, now.getEpochSecond()),
                Instant.ofEpochSecond(entry.expiresAtEpochSeconds()).toString()), joined.created());
    }

    /** DELETE /products/{sku}/waitlist/{cartId}: leaves the line (idempotent). 400 for a bad sku or cart id. */
    public void leave(String rawSku, String rawCartId) {
        String sku = Validation.requireSku(rawSku);
        String cartId = Validation.requireRandomUuid("cartId", rawCartId);
        waitlist.entryOf(sku, cartId).ifPresent(waitlist::remove);
    }

    /**
     * Gives what is available of {@code sku} to its line, oldest first, until the line or the units run out. Returns the
     * holds placed. Safe to run twice at once and again after a failure (each step is one conditional transaction).
     */
    public int handOut(String sku) {
        int held = 0;
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
                CartService.WaitlistHold result = carts.holdForWaitlist(entry.cartId(), sku, entry.quantity(), waitlist.claim(entry));
                switch (result.outcome()) {
                    case HELD -> {
                        held++;
                        publisher.publish(Channels.cart(entry.cartId()),
                                new Frames.WaitlistHeld(sku, result.hold().quantity(), result.hold().expiresAt().toString()));
                    }
                    // Spent: the cart cannot take it, or another hand-out took it (then this removes nothing).
                    case CART_REFUSED, CLAIM_GONE -> waitlist.remove(entry);
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
}
