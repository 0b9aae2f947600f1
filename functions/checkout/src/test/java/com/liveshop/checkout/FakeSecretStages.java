package com.liveshop.checkout;

import com.liveshop.checkout.secrets.SecretsManagerWebhookSecrets;
import com.liveshop.checkout.service.WebhookSecrets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A secret's version stages as Secrets Manager keeps them (our own {@link SecretsManagerWebhookSecrets.StageReader}, not a
 * mocked SDK client): {@link #rotate} moves AWSCURRENT to AWSPREVIOUS as PutSecretValue does; {@link #failing}
 * makes every read fail as an outage would; {@link #reads} counts the GetSecretValue calls the cache let through.
 */
final class FakeSecretStages implements SecretsManagerWebhookSecrets.StageReader {

    private final Map<String, String> stages = new ConcurrentHashMap<>();
    private final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger reads = new AtomicInteger();

    FakeSecretStages(String current) {
        stages.put(SecretsManagerWebhookSecrets.CURRENT, current);
    }

    synchronized void rotate(String next) {
        stages.put(SecretsManagerWebhookSecrets.PREVIOUS, stages.get(SecretsManagerWebhookSecrets.CURRENT));
        stages.put(SecretsManagerWebhookSecrets.CURRENT, next);
    }

    void failing(boolean fail) {
        failing.set(fail);
    }

    @Override
    public Optional<String> read(String versionStage) {
        reads.incrementAndGet();
        if (failing.get()) {
            throw new WebhookSecrets.Unavailable("Injected: Secrets Manager is unreachable", null);
        }
        return Optional.ofNullable(stages.get(versionStage));
    }
}
