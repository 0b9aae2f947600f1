package com.liveshop.checkout.service;

import java.util.Optional;

/**
 * The keys the payment provider signs webhooks with, as they are now. While a secret rotates, a webhook signed a moment
 * ago with the previous key is still in flight (or retried by the provider), so the previous key verifies too until the
 * new one is everywhere. Implementations cache: calling these per request must be cheap.
 */
public interface WebhookSecrets {

    /** The key in force (Secrets Manager's AWSCURRENT); {@link Unavailable} if it cannot be read now. */
    String current();

    /**
     * The key before the last rotation (AWSPREVIOUS) while it is still honoured (one cache TTL after the rotation),
     * else empty; {@link Unavailable} if unreadable.
     */
    Optional<String> previous();

    /**
     * The secret cannot be read (Secrets Manager unreachable, throttled, access denied, the secret gone). Never an
     * excuse to accept an unverified webhook: the webhook answers 503 and the provider retries.
     */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
