package com.liveshop.shared.secrets;

import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A key read from Secrets Manager at run time (GetSecretValue of its ARN, the AWSCURRENT value), kept per execution
 * environment for {@link #TTL} and then read again: the value is never in the template, an environment variable or a
 * log line, it costs one call per environment and TTL, and a rotation ({@code put-secret-value}) takes effect within
 * one TTL without a deploy. Every function key without a rotation overlap reads through this one class (the reminder
 * links' key, the chat-ticket key, the fingerprint key, the ALTCHA key). A failed first read is not kept: that request
 * is a 5xx (an outage, not bad input) and the next one tries again; a failed re-read keeps the value read before and
 * tries again after {@link #RETRY_AFTER_FAILURE}, so an outage of Secrets Manager is not a call per request.
 */
public final class RuntimeSecret implements Supplier<String> {

    /** How long an environment keeps the value it read: the longest a rotation takes to reach every environment. */
    public static final Duration TTL = Duration.ofMinutes(5);

    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSecret.class);

    private record Read(String value, Instant refreshAt) {}

    private final Supplier<String> reader;
    private final String name;
    private final Clock clock;
    private volatile Read read;

    /** {@code reader} returns the secret's AWSCURRENT string (tests give their own); {@code name} is for messages. */
    public RuntimeSecret(Supplier<String> reader, String name, Clock clock) {
        this.reader = reader;
        this.name = name;
        this.clock = clock;
    }

    /**
     * The secret whose ARN the variable {@code arnVariable} names, read through a client configured from {@code app}.
     */
    public static RuntimeSecret fromConfig(AppConfig app, String arnVariable, String name) {
        String secretId = app.required(arnVariable);
        SecretsManagerClient client = AwsClients.configure(SecretsManagerClient.builder(), app, "SECRETS_MANAGER")
                .httpClient(AwsClients.httpClient())
                .build();
        return new RuntimeSecret(
                () -> client.getSecretValue(r -> r.secretId(secretId)).secretString(), name, Clock.systemUTC());
    }

    @Override
    public String get() {
        Read r = read;
        if (r != null && clock.instant().isBefore(r.refreshAt())) {
            return r.value();
        }
        synchronized (this) {
            r = read;
            Instant now = clock.instant();
            if (r != null && now.isBefore(r.refreshAt())) {
                return r.value();
            }
            try {
                r = new Read(readValid(), now.plus(TTL));
            } catch (RuntimeException e) {
                if (r == null) {
                    throw e;
                }
                // The SDK's message names the secret and the error, never its value. The value read before stays.
                LOG.warn("The {} cannot be read again now, keeping the one read before: {}", name, e.getMessage());
                r = new Read(r.value(), now.plus(RETRY_AFTER_FAILURE));
            }
            read = r;
            return r.value();
        }
    }

    private String readValid() {
        String s;
        try {
            s = reader.get();
        } catch (SdkException e) {
            throw new IllegalStateException("The " + name + " cannot be read now: " + e.getMessage(), e);
        }
        if (s == null || s.length() < 16) {
            throw new IllegalStateException("The " + name + " must be a string of at least 16 characters");
        }
        return s;
    }
}
