package com.liveshop.sessions.service;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spaces calls at least {@code 1 / perSecond} apart: the first goes at once, each next one waits for its slot; a call
 * that counts for n (a bulk email to n destinations) takes n slots. A Lambda execution environment runs one invocation
 * at a time, so pacing in the instance paces the function (an invocation that overlaps the next minute's is the
 * exception; IVS then throttles and the round logs and goes on).
 */
public final class IntervalPacer implements ViewerCountService.Pacer {

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final ViewerCountService.Sleeper sleeper;
    private boolean started;
    private long nextNanos;

    public IntervalPacer(double perSecond, LongSupplier nanoTime, ViewerCountService.Sleeper sleeper) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("perSecond must be positive");
        }
        this.intervalNanos = Math.round(1_000_000_000L / perSecond);
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** Real time: System.nanoTime and Thread.sleep. */
    public static IntervalPacer perSecond(double perSecond) {
        return new IntervalPacer(perSecond, System::nanoTime, ViewerCountService.Sleeper.REAL);
    }

    @Override
    public void await() throws InterruptedException {
        await(1);
    }

    /** Waits for this call's slot, then books {@code units} slots for it. */
    public synchronized void await(int units) throws InterruptedException {
        long now = nanoTime.getAsLong();
        if (started && now - nextNanos < 0) {
            sleeper.sleep(Duration.ofNanos(nextNanos - now));
            now = nextNanos;
        }
        started = true;
        nextNanos = now + intervalNanos * Math.max(1, units);
    }
}
