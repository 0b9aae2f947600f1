package com.liveshop.shared.aws;

import com.liveshop.shared.config.AppConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Builds SDK clients the one way this project does: the url-connection HTTP client (fast cold start, no
 * Apache/Netty/CRT), region, credentials and endpoint override from {@link AppConfig}. Call these once per execution
 * environment (handler constructor), never per invocation.
 */
public final class AwsClients {

    private AwsClients() {}

    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
    }

    public static DynamoDbClient dynamoDb(AppConfig config) {
        return configure(DynamoDbClient.builder(), config, "DYNAMODB")
                .httpClient(httpClient())
                .build();
    }

    public static DynamoDbEnhancedClient enhanced(DynamoDbClient client) {
        return DynamoDbEnhancedClient.builder().dynamoDbClient(client).build();
    }

    public static EventBridgeClient eventBridge(AppConfig config) {
        return configure(EventBridgeClient.builder(), config, "EVENTBRIDGE")
                .httpClient(httpClient())
                .build();
    }

    /**
     * Region, credentials and endpoint for any SDK client builder; {@code serviceEnvSuffix} as in
     * AWS_ENDPOINT_URL_&lt;X&gt;.
     */
    public static <B extends AwsClientBuilder<B, ?>> B configure(B builder, AppConfig config, String serviceEnvSuffix) {
        builder.region(Region.of(config.region()))
                .credentialsProvider(credentials(config))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(20))
                        .build());
        config.endpointFor(serviceEnvSuffix).ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder;
    }

    /** Static credentials when the config gives them (local stack, tests), else the SDK's default chain (the role). */
    public static AwsCredentialsProvider credentials(AppConfig config) {
        return config.staticCredentials()
                .<AwsCredentialsProvider>map(
                        kv -> StaticCredentialsProvider.create(AwsBasicCredentials.create(kv[0], kv[1])))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }
}
