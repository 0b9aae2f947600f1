package com.liveshop.shared.config;

import java.util.Map;
import java.util.Optional;

/**
 * Function configuration, keyed exactly like the Lambda environment variables in template.yaml.
 *
 * <p>In AWS it wraps {@link System#getenv()}; the local stack and tests build one from a map so nothing mutates the
 * process environment. Endpoints follow the SDK's own convention ({@code AWS_ENDPOINT_URL} and
 * {@code AWS_ENDPOINT_URL_<SERVICE>}), so the same jar runs against AWS, LocalStack or the local stack.
 */
public final class AppConfig {

    private final Map<String, String> values;
    private final boolean lambdaEnvironment;

    /** Configuration given explicitly (local stack, tests): static credentials in it are used as is. */
    public AppConfig(Map<String, String> values) {
        this(values, false);
    }

    private AppConfig(Map<String, String> values, boolean lambdaEnvironment) {
        this.values = Map.copyOf(values);
        this.lambdaEnvironment = lambdaEnvironment;
    }

    /** The process environment; credentials then come from the SDK's default chain (the Lambda role). */
    public static AppConfig fromEnvironment() {
        return new AppConfig(System.getenv(), true);
    }

    /** A value the function cannot run without; fails at start-up naming the variable. */
    public String required(String name) {
        return optional(name)
                .orElseThrow(() -> new IllegalStateException(
                        "Missing required configuration: environment variable " + name + " is not set"));
    }

    public Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public int intOrDefault(String name, int defaultValue) {
        return optional(name)
                .map(v -> {
                    try {
                        return Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalStateException(
                                "Configuration " + name + " must be an integer, got '" + v + "'");
                    }
                })
                .orElse(defaultValue);
    }

    /**
     * The endpoint override for one service, by the SDK convention: {@code AWS_ENDPOINT_URL_DYNAMODB} first, then
     * {@code AWS_ENDPOINT_URL}; empty means the SDK's default AWS endpoint.
     */
    public Optional<String> endpointFor(String serviceEnvSuffix) {
        return optional("AWS_ENDPOINT_URL_" + serviceEnvSuffix).or(() -> optional("AWS_ENDPOINT_URL"));
    }

    public String region() {
        return optional("AWS_REGION").or(() -> optional("AWS_DEFAULT_REGION")).orElse("us-east-1");
    }

    /** Static credentials are only used when given explicitly (local stack, tests). */
    public Optional<String[]> staticCredentials() {
        Optional<String> key = optional("AWS_ACCESS_KEY_ID");
        Optional<String> secret = optional("AWS_SECRET_ACCESS_KEY");
        if (!lambdaEnvironment && key.isPresent() && secret.isPresent()) {
            return Optional.of(new String[] {key.get(), secret.get()});
        }
        return Optional.empty();
    }

    public AppConfig with(String name, String value) {
        var copy = new java.util.HashMap<>(values);
        copy.put(name, value);
        return new AppConfig(copy, lambdaEnvironment);
    }
}
