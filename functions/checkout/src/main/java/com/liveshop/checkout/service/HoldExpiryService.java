package com.liveshop.checkout.service;

import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.ReservationKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sweep: every hold past its expiresAt gives its units back, each in its own conditional transaction, so
 * two sweeps at once (or a sweep and a re-add) return the stock exactly once. DynamoDB TTL only collects
 * garbage later.
 */
public class HoldExpiryService {

    private final HoldRepository holds;
    private final Clock clock;

    public HoldExpiryService(HoldRepository holds, Clock clock) {
        this.holds = holds;
        this.clock = clock;
    }

    /** Returns how many holds this run expired (holds another run got first are not counted). */
    public int sweep() {
        Instant now = clock.instant();
        AtomicInteger expired = new AtomicInteger();
        for (int shard = 0; shard < ReservationKeys.EXPIRY_SHARDS; shard++) {
            holds.forEachExpired(shard, now, hold -> {
                if (holds.expire(hold, now)) {
                    expired.incrementAndGet();
                }
            });
        }
        return expired.get();
    }
}
