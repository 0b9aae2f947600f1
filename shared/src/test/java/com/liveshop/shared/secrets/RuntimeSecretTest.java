package com.liveshop.shared.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RuntimeSecretTest {

    private Instant now = Instant.parse("2026-12-07T18:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final AtomicReference<String> stored = new AtomicReference<>("first-key-0123456789");
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicReference<RuntimeException> outage = new AtomicReference<>();
    private final RuntimeSecret secret = new RuntimeSecret(
            () -> {
                reads.incrementAndGet();
                if (outage.get() != null) {
                    throw outage.get();
                }
                return stored.get();
            },
            "test key",
            clock);

    @Test
    void aRotationReachesTheEnvironmentWithinOneTtlAndCostsOneReadPerTtl() {
        for (int i = 0; i < 100; i++) {
            assertThat(secret.get()).isEqualTo("first-key-0123456789");
        }
        assertThat(reads).hasValue(1);
        stored.set("second-key-0123456789");
        now = now.plus(RuntimeSecret.TTL.minusSeconds(1));
        assertThat(secret.get()).isEqualTo("first-key-0123456789");
        now = now.plusSeconds(1);
        assertThat(secret.get()).isEqualTo("second-key-0123456789");
        assertThat(reads).hasValue(2);
    }

    @Test
    void anOutageKeepsTheValueReadBeforeAndRetriesEveryFewSecondsNotPerRequest() {
        secret.get();
        outage.set(new IllegalStateException("Secrets Manager is down"));
        now = now.plus(RuntimeSecret.TTL);
        for (int i = 0; i < 50; i++) {
            assertThat(secret.get()).isEqualTo("first-key-0123456789");
        }
        assertThat(reads).hasValue(2);
        now = now.plus(RuntimeSecret.RETRY_AFTER_FAILURE);
        outage.set(null);
        stored.set("second-key-0123456789");
        assertThat(secret.get()).isEqualTo("second-key-0123456789");
    }

    @Test
    void aFirstReadThatFailsIsAnOutageAndIsTriedAgain() {
        outage.set(new IllegalStateException("Secrets Manager is down"));
        assertThatThrownBy(secret::get).hasMessageContaining("down");
        outage.set(null);
        assertThat(secret.get()).isEqualTo("first-key-0123456789");
        stored.set("short");
        now = now.plus(Duration.ofHours(1));
        assertThat(secret.get()).as("a too-short new value is not taken").isEqualTo("first-key-0123456789");
    }
}
