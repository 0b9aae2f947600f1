package dev.samlocal.example;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The example's AWS SDK clients, built from a function's environment as Lambda gives it: region, credentials and the
 * SDK's endpoint convention ({@code AWS_ENDPOINT_URL_<SERVICE>}, else {@code AWS_ENDPOINT_URL}, else AWS's own). The
 * environment is a parameter, not the process's, so sam-local can run both functions in one JVM with their own.
 */
final class ExampleClients {

    private ExampleClients() {}

    static DynamoDbClient dynamoDb(Map<String, String> environment) {
        return configure(DynamoDbClient.builder(), environment, "DYNAMODB")
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    static EventBridgeClient eventBridge(Map<String, String> environment) {
        return configure(EventBridgeClient.builder(), environment, "EVENTBRIDGE")
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(
            B builder, Map<String, String> environment, String service) {
        builder.region(Region.of(required(environment, "AWS_REGION")));
        builder.credentialsProvider(StaticCredentialsProvider.create(credentials(environment)));
        String endpoint = environment.getOrDefault("AWS_ENDPOINT_URL_" + service, environment.get("AWS_ENDPOINT_URL"));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder;
    }

    private static AwsCredentials credentials(Map<String, String> environment) {
        String key = required(environment, "AWS_ACCESS_KEY_ID");
        String secret = required(environment, "AWS_SECRET_ACCESS_KEY");
        String token = environment.get("AWS_SESSION_TOKEN");
        return token == null
                ? AwsBasicCredentials.create(key, secret)
                : AwsSessionCredentials.create(key, secret, token);
    }

    static String required(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Missing configuration: environment variable " + name);
        }
        return value;
    }
}
