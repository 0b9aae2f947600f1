package com.liveshop.shared.secrets;

import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A key read from Secrets Manager at run time (GetSecretValue of its ARN, the AWSCURRENT value) on first use and kept
 * for the life of the execution environment: one call per environment, the value never in the template, an
 * environment variable or a log line. A failed read is not kept: the next request tries again (and that request is a
 * 5xx: an outage, not bad input). Every function key that is not rotated while a show runs reads through this one
 * class (the reminder links' key, the chat-ticket key, …).
 */
public final class RuntimeSecret implements Supplier<String> {

    private final SecretsManagerClient client;
    private final String secretId;
    private final String name;
    private volatile String value;

    public RuntimeSecret(SecretsManagerClient client, String secretId, String name) {
        this.client = client;
        this.secretId = secretId;
        this.name = name;
    }

    /** The secret whose ARN the variable {@code arnVariable} names, read through a client configured from {@code app}. */
    public static RuntimeSecret fromConfig(AppConfig app, String arnVariable, String name) {
        String secretId = app.required(arnVariable);
        SecretsManagerClient client = AwsClients.configure(SecretsManagerClient.builder(), app, "SECRETS_MANAGER")
                .httpClient(AwsClients.httpClient()).build();
        return new RuntimeSecret(client, secretId, name);
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
                throw new IllegalStateException("The " + name + " " + secretId + " must be a string of at least 16 characters");
            }
            return s;
        } catch (SdkException e) {
            // The SDK's messages name the secret and the error, never its value.
            throw new IllegalStateException("The " + name + " cannot be read now: " + e.getMessage(), e);
        }
    }
}
