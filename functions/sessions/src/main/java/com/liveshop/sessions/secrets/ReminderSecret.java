package com.liveshop.sessions.secrets;

import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The reminder links' HMAC key, read from Secrets Manager at run time (GetSecretValue of REMINDER_SECRET_ARN, its
 * AWSCURRENT value) on first use and kept for the life of the execution environment: one call per environment, the
 * value never in the template, an environment variable or a log line. A failed read is not kept: the next request
 * tries again (and that request is a 5xx: an outage, not bad input).
 */
public final class ReminderSecret implements Supplier<String> {

    private final SecretsManagerClient client;
    private final String secretId;
    private volatile String value;

    public ReminderSecret(SecretsManagerClient client, String secretId) {
        this.client = client;
        this.secretId = secretId;
    }

    @Override
    public String get() {
        String v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = read();
                    value = v;
                }
            }
        }
        return v;
    }

    private String read() {
        try {
            String s = client.getSecretValue(r -> r.secretId(secretId)).secretString();
            if (s == null || s.length() < 16) {
                throw new IllegalStateException("The reminder secret " + secretId + " must be a string of at least 16 characters");
            }
            return s;
        } catch (SdkException e) {
            // The SDK's messages name the secret and the error, never its value.
            throw new IllegalStateException("The reminder secret cannot be read now: " + e.getMessage(), e);
        }
    }
}
