package com.liveshop.checkout.service;

import com.liveshop.shared.http.ApiException;
import java.util.concurrent.ThreadLocalRandom;

/** Bounded retries with full-jitter exponential backoff for transactions cancelled by a concurrent one. */
final class Backoff {

    static final int MAX_ATTEMPTS = 15;
    private static final long BASE_MILLIS = 5;
    private static final long CAP_MILLIS = 200;

    private Backoff() {}

    static void pause(int attempt) {
        long ceiling = Math.min(CAP_MILLIS, BASE_MILLIS << Math.min(attempt, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
    }

    /**
     * Contention did not clear within the attempts: the client may retry in a second (same Idempotency-Key for orders);
     * like every 429, it says when.
     */
    static ApiException busy() {
        return ApiException.tooManyRequests("TRY_AGAIN", "Too many shoppers at once on this item; please try again", 1);
    }
}
