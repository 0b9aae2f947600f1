package com.liveshop.checkout.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.shared.http.ApiException;
import org.junit.jupiter.api.Test;

/** A crowd on one sku that outlasts the retries: 429 TRY_AGAIN, and like every 429 it says when to come back. */
class BackoffTest {

    @Test
    void contentionThatDidNotClearAsksTheClientToRetryInASecond() {
        ApiException busy = Backoff.busy();
        assertThat(busy.status()).isEqualTo(429);
        assertThat(busy.code()).isEqualTo("TRY_AGAIN");
        assertThat(busy.headers()).containsEntry("Retry-After", "1");
    }
}
