package dev.samlocal.ivs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TokenBucket bucket = new TokenBucket(5, now::get);

    private int acquired(int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (bucket.tryAcquire()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aFullBucketAllowsABurstOfFiveThenRefuses() {
        assertThat(acquired(20)).isEqualTo(5);
    }

    @Test
    void itRefillsFiveTokensPerSecondContinuously() {
        acquired(5);
        now.addAndGet(200_000_000L);
        assertThat(acquired(3)).isEqualTo(1);
        now.addAndGet(100_000_000L);
        assertThat(acquired(1)).isZero();
        now.addAndGet(100_000_000L);
        assertThat(acquired(1)).isEqualTo(1);
    }

    @Test
    void idleTimeNeverSavesMoreThanOneSecondOfTokens() {
        acquired(5);
        now.addAndGet(60_000_000_000L);
        assertThat(acquired(20)).isEqualTo(5);
    }
}
