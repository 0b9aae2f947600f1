package dev.samlocal.ivs;

import java.util.function.LongSupplier;

/**
 * A token bucket: bursts up to {@code perSecond} requests, refilled continuously at {@code perSecond} per second. How
 * the local IVS enforces "5 PutMetadata requests per second per channel".
 */
final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final double capacity;
    private final LongSupplier nanoTime;
    private double tokens;
    private long refilledAt;

    TokenBucket(int perSecond, LongSupplier nanoTime) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("perSecond must be > 0");
        }
        this.capacity = perSecond;
        this.nanoTime = nanoTime;
        this.tokens = perSecond;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Takes one token if there is one; false means the caller is over the rate. */
    synchronized boolean tryAcquire() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + (now - refilledAt) / NANOS_PER_SECOND * capacity);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
