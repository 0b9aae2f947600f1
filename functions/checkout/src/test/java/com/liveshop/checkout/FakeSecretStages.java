package com.liveshop.checkout;

import com.liveshop.checkout.secrets.SecretsManagerWebhookSecrets;
import com.liveshop.checkout.service.WebhookSecrets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A secret's version stages as Secrets Manager keeps them (our own {@link SecretsManagerWebhookSecrets.StageReader},
 * not a mocked SDK client): {@link #rotate} moves AWSCURRENT to AWSPREVIOUS as PutSecretValue does; {@link #failing}
 * makes every read fail as an outage would; {@link #reads} counts the GetSecretValue calls the cache let through.
 */
final class FakeSecretStages implements SecretsManagerWebhookSecrets.StageReader {

    private final Map<String, SecretsManagerWebhookSecrets.Version> stages = new ConcurrentHashMap<>();
    private final Clock clock;
    private final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger reads = new AtomicInteger();

    /** A secret whose current value was created a day before {@code clock}'s now (no rotation lately). */
    FakeSecretStages(String current, Clock clock) {
        this.clock = clock;
        stages.put(
                SecretsManagerWebhookSecrets.CURRENT,
                new SecretsManagerWebhookSecrets.Version(
                        current, clock.instant().minus(Duration.ofDays(1))));
    }

    /** PutSecretValue: a new AWSCURRENT created now; the one before becomes AWSPREVIOUS. */
    synchronized void rotate(String next) {
        stages.put(SecretsManagerWebhookSecrets.PREVIOUS, stages.get(SecretsManagerWebhookSecrets.CURRENT));
        stages.put(
                SecretsManagerWebhookSecrets.CURRENT, new SecretsManagerWebhookSecrets.Version(next, clock.instant()));
    }

    void failing(boolean fail) {
        failing.set(fail);
    }

    @Override
    public Optional<SecretsManagerWebhookSecrets.Version> read(String versionStage) {
        reads.incrementAndGet();
        if (failing.get()) {
            throw new WebhookSecrets.Unavailable("Injected: Secrets Manager is unreachable", null);
        }
        return Optional.ofNullable(stages.get(versionStage));
    }
}
