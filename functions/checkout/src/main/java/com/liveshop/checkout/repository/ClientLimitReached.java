package com.liveshop.checkout.repository;

import java.time.Instant;
import java.util.Optional;

/**
 * A per-client counter was at its cap, so the hold or order was not written (nothing was). {@code releaseAt}: when the
 * first hold or order counted there gives its units back, if the counter names one.
 */
public final class ClientLimitReached extends RuntimeException {

    /** Which cap: a client's units of one sku, a client's pending orders, an email's pending orders. */
    public enum Cap {
        UNITS,
        CLIENT_ORDERS,
        EMAIL_ORDERS
    }

    private final Cap cap;
    private final transient Optional<Instant> releaseAt;

    public ClientLimitReached(Cap cap, Optional<Instant> releaseAt) {
        super("Client cap reached: " + cap, null, false, false);
        this.cap = cap;
        this.releaseAt = releaseAt;
    }

    public Cap cap() {
        return cap;
    }

    public Optional<Instant> releaseAt() {
        return releaseAt;
    }
}
