package com.liveshop.shared.http;

import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The CDN's origin check, run by {@link ApiHandler} before any route: CloudFront adds a secret header
 * ({@code X-Origin-Verify}) to every request it sends to the API, so a request without it came around the CDN (the
 * public execute-api URL) and is answered 403 {@code DIRECT_ACCESS}. Only a request that passed may trust the viewer
 * headers CloudFront adds ({@link ClientAddress}).
 *
 * <p>The value lives in Secrets Manager ({@code ORIGIN_SECRET_ARN}) and is read at run time, AWSCURRENT and AWSPENDING,
 * kept {@code ORIGIN_SECRET_TTL_SECONDS} (default 300) per execution environment: a rotation puts the new value as
 * AWSPENDING, waits one TTL (every environment then accepts both), switches CloudFront's header, then promotes
 * AWSPENDING to AWSCURRENT; no deploy. The cache is refreshed when its TTL is over, never because a header did not
 * match: a flood of direct requests costs no GetSecretValue at all (at most two per environment and TTL, one per
 * stage). A failed read keeps the values read before and is tried again after {@link #RETRY_AFTER_FAILURE}. Without
 * {@code ORIGIN_SECRET_ARN} (unit tests, a stack without the CDN) nothing is checked and nothing is trusted.
 */
public final class OriginCheck {

    /** The header CloudFront's api origin adds (OriginCustomHeaders in template.yaml), lower-cased. */
    public static final String HEADER = "x-origin-verify";

    public static final String ARN_VARIABLE = "ORIGIN_SECRET_ARN";
    public static final String TTL_VARIABLE = "ORIGIN_SECRET_TTL_SECONDS";
    public static final int DEFAULT_TTL_SECONDS = 300;
    public static final String CURRENT = "AWSCURRENT";
    public static final String PENDING = "AWSPENDING";
    /**
     * After a failed read, the next try waits this long (a Secrets Manager outage is not a call per request either).
     */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    /** Reads one version stage of the secret; empty if no version has that stage. */
    @FunctionalInterface
    public interface StageReader {
        Optional<String> read(String versionStage);
    }

    private record Accepted(List<byte[]> values, Instant refreshAt) {}

    private static final Logger LOG = LoggerFactory.getLogger(OriginCheck.class);
    private static final OriginCheck DISABLED = new OriginCheck(null, Duration.ZERO, Clock.systemUTC());
    private static volatile OriginCheck environment;

    private final StageReader reader;
    private final Duration ttl;
    private final Clock clock;
    private volatile Accepted accepted;

    public OriginCheck(StageReader reader, Duration ttl, Clock clock) {
        if (ttl.isNegative()) {
            throw new IllegalStateException("Configuration " + TTL_VARIABLE + " must be 0 or more");
        }
        this.reader = reader;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** No check: every request passes, none is origin-verified. */
    public static OriginCheck disabled() {
        return DISABLED;
    }

    /** The check of this execution environment (built once from the process environment, as every client is). */
    public static OriginCheck forEnvironment() {
        OriginCheck check = environment;
        if (check == null) {
            synchronized (OriginCheck.class) {
                check = environment;
                if (check == null) {
                    check = fromConfig(AppConfig.fromEnvironment());
                    environment = check;
                }
            }
        }
        return check;
    }

    /** The check {@code app} configures: {@link #disabled()} without {@code ORIGIN_SECRET_ARN}. */
    public static OriginCheck fromConfig(AppConfig app) {
        Optional<String> arn = app.optional(ARN_VARIABLE);
        if (arn.isEmpty()) {
            return DISABLED;
        }
        SecretsManagerClient client = AwsClients.configure(SecretsManagerClient.builder(), app, "SECRETS_MANAGER")
                .httpClient(AwsClients.httpClient())
                .build();
        return new OriginCheck(
                reader(client, arn.get()),
                Duration.ofSeconds(app.intOrDefault(TTL_VARIABLE, DEFAULT_TTL_SECONDS)),
                Clock.systemUTC());
    }

    /** GetSecretValue of {@code secretId} at a version stage; a stage no version has is empty. */
    public static StageReader reader(SecretsManagerClient client, String secretId) {
        return stage -> {
            try {
                return Optional.ofNullable(
                        client.getSecretValue(r -> r.secretId(secretId).versionStage(stage))
                                .secretString());
            } catch (ResourceNotFoundException e) {
                if (PENDING.equals(stage)) {
                    return Optional.empty();
                }
                throw e;
            }
        };
    }

    public boolean enabled() {
        return reader != null;
    }

    /**
     * Whether the request came through the CDN: true when {@code headerValue} matches the secret (AWSCURRENT or
     * AWSPENDING), false when no check is configured; otherwise 403 DIRECT_ACCESS.
     */
    public boolean verify(Optional<String> headerValue) {
        if (reader == null) {
            return false;
        }
        List<byte[]> values = accepted();
        if (values.isEmpty()) {
            // Never read yet (Secrets Manager is out): an outage, not the caller's fault.
            throw ApiException.serviceUnavailable(
                    "ORIGIN_CHECK_UNAVAILABLE",
                    "The API cannot check where this request came from right now",
                    RETRY_AFTER_FAILURE.toSeconds());
        }
        byte[] given = headerValue.map(v -> v.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        boolean match = false;
        for (byte[] value : values) {
            // Constant time per comparison, and every accepted value is compared: the timing tells nothing.
            match |= MessageDigest.isEqual(value, given);
        }
        if (!match) {
            throw new ApiException(403, "DIRECT_ACCESS", "Call the API through its CDN address, not the API's own URL");
        }
        return true;
    }

    private List<byte[]> accepted() {
        Accepted a = accepted;
        if (a != null && clock.instant().isBefore(a.refreshAt())) {
            return a.values();
        }
        synchronized (this) {
            a = accepted;
            Instant now = clock.instant();
            if (a != null && now.isBefore(a.refreshAt())) {
                return a.values();
            }
            try {
                List<byte[]> values = new ArrayList<>();
                for (String stage : List.of(CURRENT, PENDING)) {
                    reader.read(stage)
                            .filter(v -> !v.isEmpty())
                            .ifPresent(v -> values.add(v.getBytes(StandardCharsets.UTF_8)));
                }
                if (values.isEmpty()) {
                    throw new IllegalStateException("The origin secret has no " + CURRENT + " value");
                }
                a = new Accepted(List.copyOf(values), now.plus(ttl));
            } catch (SdkException | IllegalStateException e) {
                // The SDK's message names the secret and the error, never its value. The values read before stay.
                LOG.warn("The origin secret cannot be read now: {}", e.getMessage());
                a = new Accepted(a == null ? List.of() : a.values(), now.plus(RETRY_AFTER_FAILURE));
            }
            accepted = a;
            return a.values();
        }
    }
}
