package com.liveshop.checkout.service;

import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.HoldRepository.Outcome;
import com.liveshop.checkout.repository.OrderRepository;
import com.liveshop.checkout.repository.OrderRepository.ChangeOutcome;
import com.liveshop.checkout.repository.ReservationKeys;
import com.liveshop.shared.dynamo.Attrs;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.shared.orders.CancelReason;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sweep: every hold past its expiresAt gives its units back, and every order past its paymentDueAt is cancelled
 * with its units back, each in its own conditional transaction, so two or three sweeps at once (or a sweep and a
 * re-add, or a sweep and a PAID webhook) change each exactly once. A transaction cancelled by a conflict on a shared
 * stock counter is retried with jittered backoff inside the run, so the run never skips work it can do. DynamoDB TTL
 * only collects garbage later (and a hold it deletes first is reclaimed from the table's stream).
 */
public class HoldExpiryService {

    /** What one run did (work another run got first is not counted). */
    public record SweepResult(int expiredHolds, int cancelledOrders) {}

    private final HoldRepository holds;
    private final OrderRepository orders;
    private final Clock clock;
    private final ShowMetrics metrics;

    public HoldExpiryService(HoldRepository holds, OrderRepository orders, Clock clock, ShowMetrics metrics) {
        this.metrics = metrics;
        this.holds = holds;
        this.orders = orders;
        this.clock = clock;
    }

    public SweepResult sweep() {
        Instant now = clock.instant();
        AtomicInteger expired = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        for (int shard = 0; shard < ReservationKeys.EXPIRY_SHARDS; shard++) {
            holds.forEachExpired(shard, now, item -> {
                String sk = Attrs.str(item, ReservationKeys.SK);
                if (sk != null && sk.startsWith(ReservationKeys.HOLD_PREFIX)) {
                    if (expire(HoldRepository.toHold(item), now)) {
                        expired.incrementAndGet();
                    }
                } else if (ReservationKeys.ORDER_SK.equals(sk)) {
                    if (cancelOverdue(OrderRepository.toOrder(item), now)) {
                        cancelled.incrementAndGet();
                    }
                }
            });
        }
        return new SweepResult(expired.get(), cancelled.get());
    }

    /**
     * A hold DynamoDB's TTL deleted before any sweep returned it: its units go back once, however often the stream
     * delivers the delete. False when it was already reclaimed.
     */
    public boolean reclaimDeleted(Hold hold) {
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            Outcome outcome = holds.reclaim(hold, clock.instant());
            if (outcome != Outcome.RETRY) {
                return outcome == Outcome.OK;
            }
            Backoff.pause(attempt);
        }
        throw new IllegalStateException(
                "Reclaiming the units of a TTL-deleted hold stayed contended; the stream retries it");
    }

    private boolean expire(Hold hold, Instant now) {
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            Outcome outcome = holds.expire(hold, now);
            if (outcome != Outcome.RETRY) {
                return outcome == Outcome.OK;
            }
            Backoff.pause(attempt);
        }
        return false;
    }

    private boolean cancelOverdue(Order order, Instant now) {
        if (!order.overdueAt(now)) {
            return false;
        }
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            ChangeOutcome outcome = orders.cancel(order, CancelReason.PAYMENT_TIMEOUT, null, now);
            if (outcome == ChangeOutcome.OK) {
                metrics.orderCancelled(CancelReason.PAYMENT_TIMEOUT.name());
            }
            if (outcome != ChangeOutcome.RETRY) {
                return outcome == ChangeOutcome.OK;
            }
            Backoff.pause(attempt);
        }
        return false;
    }
}
