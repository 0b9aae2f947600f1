package com.liveshop.checkout.secrets;

import com.liveshop.checkout.service.WebhookSecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The webhook keys read from one Secrets Manager secret at run time, AWSCURRENT and AWSPREVIOUS, each cached for the
 * TTL per execution environment: a rotation ({@code put-secret-value}) takes effect within one TTL without a deploy and
 * costs one GetSecretValue per stage, environment and TTL, not one per webhook.
 *
 * <p>The previous key is honoured for one TTL after the current version was created, then no more: every environment
 * has the new key by then (its cached read is at most one TTL old), and a key that was rotated because it leaked stops
 * working everywhere within one TTL, not at the next rotation. Before the first rotation, and once that window is over,
 * AWSPREVIOUS is not even read.
 *
 * <p>Why a small cache of our own and not Powertools' parameters module (which resolves here, without AspectJ): its
 * {@code SecretsProvider} reads only a secret's AWSCURRENT stage (GetSecretValue by SecretId alone) while the rotation
 * overlap needs AWSPREVIOUS too, and its cache stamps expiry times with the system clock whatever clock the provider is
 * given, so the TTL cannot be tested with the function's clock. What is cached here: a value per stage, and "no such
 * stage" (no AWSPREVIOUS before the first rotation) so that a flood of badly signed webhooks cannot turn into a flood
 * of GetSecretValue calls. Failures are not cached: the next webhook tries again.
 */
public final class SecretsManagerWebhookSecrets implements WebhookSecrets {

    public static final String CURRENT = "AWSCURRENT";
    public static final String PREVIOUS = "AWSPREVIOUS";

    /** One version of the secret: its string and when it was created (Secrets Manager's CreatedDate). */
    public record Version(String value, Instant created) {}

    /** Reads one version stage of the secret; empty if the secret has no version with that stage. */
    @FunctionalInterface
    public interface StageReader {
        Optional<Version> read(String versionStage);
    }

    private record Entry(Optional<Version> version, Instant expires) {}

    private final StageReader reader;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentMap<String, Entry> cache = new ConcurrentHashMap<>();

    public SecretsManagerWebhookSecrets(StageReader reader, Duration ttl, Clock clock) {
        if (ttl.isNegative()) {
            throw new IllegalStateException("Configuration PAYMENT_WEBHOOK_SECRET_TTL_SECONDS must be 0 or more");
        }
        this.reader = reader;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** GetSecretValue of {@code secretId} (its ARN or name) at a version stage, through {@code client}. */
    public static StageReader reader(SecretsManagerClient client, String secretId) {
        return stage -> {
            try {
                var response = client.getSecretValue(r -> r.secretId(secretId).versionStage(stage));
                return response.secretString() == null
                        ? Optional.empty()
                        : Optional.of(new Version(
                                response.secretString(),
                                response.createdDate() == null ? Instant.EPOCH : response.createdDate()));
            } catch (ResourceNotFoundException e) {
                if (PREVIOUS.equals(stage)) {
                    return Optional.empty();
                }
                throw new Unavailable(
                        "Secrets Manager has no " + stage + " value of the payment webhook secret ("
                                + e.awsErrorDetails().errorCode() + ")",
                        e);
            } catch (SdkException e) {
                // The SDK's messages name the secret and the error, never its value.
                throw new Unavailable("The payment webhook secret cannot be read now: " + e.getMessage(), e);
            }
        };
    }

    @Override
    public String current() {
        return currentVersion().value();
    }

    @Override
    public Optional<String> previous() {
        if (!clock.instant().isBefore(currentVersion().created().plus(ttl))) {
            return Optional.empty();
        }
        return stage(PREVIOUS).map(Version::value);
    }

    private Version currentVersion() {
        return stage(CURRENT)
                .orElseThrow(() -> new Unavailable("The payment webhook secret has no " + CURRENT + " value", null));
    }

    private Optional<Version> stage(String stage) {
        Instant now = clock.instant();
        Entry entry = cache.get(stage);
        if (entry == null || !now.isBefore(entry.expires())) {
            // Two threads may both read after expiry; harmless (same value), and Lambda runs one request at a time.
            entry = new Entry(reader.read(stage).filter(v -> !v.value().isEmpty()), now.plus(ttl));
            cache.put(stage, entry);
        }
        return entry.version();
    }
}
