package dev.samlocal.core;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/** The region and static credentials every local client uses, so nothing looks for real AWS credentials. */
public final class LocalAws {

    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY_ID = "local";
    public static final String SECRET_ACCESS_KEY = "local";

    private LocalAws() {}

    public static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put("AWS_REGION", REGION);
        settings.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
        settings.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
        settings.put("AWS_EC2_METADATA_DISABLED", "true");
        settings.put("AWS_EMF_ENVIRONMENT", "Local");
        // Powertools metrics off: EMF lines would flood the local stack's console and the test output.
        settings.put("POWERTOOLS_METRICS_DISABLED", "true");
        settings.putAll(extra);
        return settings;
    }

    /**
     * An SDK client builder for a local endpoint: the local region and static credentials (nothing looks for real
     * ones), the url-connection HTTP client (no Apache/Netty), a 20 s call timeout.
     */
    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B client(B builder, String endpoint) {
        return builder.region(Region.of(REGION))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .endpointOverride(URI.create(endpoint))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(20))
                        .build())
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(10))
                        .build());
    }
}
