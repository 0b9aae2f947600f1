package com.liveshop.shared.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.metrics.ShowMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * AppSync Events HTTP publish ({@code POST https://<api>.appsync-api.<region>.amazonaws.com/event}), signed with SigV4
 * for service {@code appsync} by the SDK's own signer and sent with the SDK's url-connection client. The SDK has no
 * data-plane client for AppSync Events, so this class only builds the documented request.
 *
 * <ul>
 *   <li>At most {@value #MAX_EVENTS} events per request (AppSync's limit); more frames go in further requests.
 *   <li>A throttle (429), a server error (5xx) or an I/O error is retried up to {@value #ATTEMPTS} attempts in all,
 *       with a short backoff; a 4xx refusal is not (it would be refused again).
 *   <li>Never throws: what could not be published is logged by channel namespace and status, never with the frame.
 *   <li>Counts the frames AppSync accepted by their {@code type} and the events refused or dropped
 *       ({@link ShowMetrics#framesPublished}, {@link ShowMetrics#publishFailed}).
 * </ul>
 */
public final class AppSyncEventsPublisher implements ChannelPublisher {

    /** The function's environment variable: the API's HTTP endpoint, ending in {@code /event}. */
    public static final String EVENTS_HTTP_ENDPOINT = "EVENTS_HTTP_ENDPOINT";

    public static final int MAX_EVENTS = 5;
    static final int ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(AppSyncEventsPublisher.class);

    /** How long to wait before retry {@code n} (1-based); tests pass a shorter one. */
    public interface Backoff {
        Duration before(int retry);
    }

    public static final Backoff DEFAULT_BACKOFF = retry -> Duration.ofMillis(50L << (2 * (retry - 1))); // 50, 200 ms

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final URI endpoint;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final Backoff backoff;
    private final ShowMetrics metrics;

    public AppSyncEventsPublisher(
            URI endpoint, SdkHttpClient http, AwsCredentialsProvider credentials, String region, Backoff backoff) {
        this(endpoint, http, credentials, region, backoff, ShowMetrics.NONE);
    }

    public AppSyncEventsPublisher(
            URI endpoint,
            SdkHttpClient http,
            AwsCredentialsProvider credentials,
            String region,
            Backoff backoff,
            ShowMetrics metrics) {
        this.metrics = metrics;
        this.endpoint = endpoint;
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.backoff = backoff;
    }

    /** From {@value #EVENTS_HTTP_ENDPOINT}, the region and the credentials of {@code config} (the role in AWS). */
    public static AppSyncEventsPublisher fromConfig(AppConfig config) {
        return fromConfig(config, ShowMetrics.NONE);
    }

    public static AppSyncEventsPublisher fromConfig(AppConfig config, ShowMetrics metrics) {
        return new AppSyncEventsPublisher(
                URI.create(config.required(EVENTS_HTTP_ENDPOINT)),
                AwsClients.httpClient(),
                AwsClients.credentials(config),
                config.region(),
                DEFAULT_BACKOFF,
                metrics);
    }

    @Override
    public int publish(String channel, List<?> frames) {
        int accepted = 0;
        for (int from = 0; from < frames.size(); from += MAX_EVENTS) {
            List<String> events = new ArrayList<>();
            for (Object frame : frames.subList(from, Math.min(from + MAX_EVENTS, frames.size()))) {
                events.add(frame instanceof String s ? s : Json.write(frame));
            }
            accepted += publishChunk(channel, events);
        }
        return accepted;
    }

    private int publishChunk(String channel, List<String> events) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("channel", channel);
        request.put("events", events);
        byte[] body = Json.write(request).getBytes(StandardCharsets.UTF_8);
        String outcome = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1 && !sleep(backoff.before(attempt - 1))) {
                break;
            }
            try {
                HttpExecuteResponse response = send(body);
                int status = response.httpResponse().statusCode();
                String answer = read(response);
                if (status == 200) {
                    JsonNode failed = Json.MAPPER.readTree(answer).path("failed");
                    if (failed.size() > 0) {
                        LOG.warn(
                                "AppSync Events refused {} of {} events on {}",
                                failed.size(),
                                events.size(),
                                namespaceOf(channel));
                        metrics.publishFailed(ShowMetrics.APPSYNC_EVENTS, failed.size());
                    }
                    countPublished(events, failed);
                    return events.size() - failed.size();
                }
                outcome = "HTTP " + status + " " + errorType(answer);
                if (status != 429 && status < 500) {
                    break; // refused for what it is: another attempt gets the same answer
                }
            } catch (IOException | RuntimeException e) {
                outcome = e.getClass().getSimpleName();
            }
        }
        LOG.warn("AppSync Events publish to {} dropped ({} events): {}", namespaceOf(channel), events.size(), outcome);
        metrics.publishFailed(ShowMetrics.APPSYNC_EVENTS, events.size());
        return 0;
    }

    /** The accepted events (all but the {@code failed} entries' indexes), counted by their frame's {@code type}. */
    private void countPublished(List<String> events, JsonNode failed) {
        Set<Integer> refused = new HashSet<>();
        failed.forEach(f -> refused.add(f.path("index").asInt(-1)));
        Map<String, Integer> byType = new TreeMap<>();
        for (int i = 0; i < events.size(); i++) {
            if (!refused.contains(i)) {
                byType.merge(frameType(events.get(i)), 1, Integer::sum);
            }
        }
        byType.forEach(metrics::framesPublished);
    }

    private static String frameType(String event) {
        try {
            return Json.MAPPER.readTree(event).path("type").asText("other");
        } catch (IOException | RuntimeException e) {
            return "other";
        }
    }

    private HttpExecuteResponse send(byte[] body) throws IOException {
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .uri(endpoint)
                .method(SdkHttpMethod.POST)
                .putHeader("Content-Type", "application/json")
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "appsync")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        return http.prepareRequest(HttpExecuteRequest.builder()
                        .request(signed.request())
                        .contentStreamProvider(signed.payload().orElse(ContentStreamProvider.fromByteArray(body)))
                        .build())
                .call();
    }

    private static String read(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return "";
        }
        try (InputStream in = response.responseBody().get()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String errorType(String answer) {
        try {
            JsonNode errors = Json.MAPPER.readTree(answer).path("errors");
            return errors.path(0).path("errorType").asText("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The channel's namespace only: ids in a path (a cart id) are not for the logs. */
    private static String namespaceOf(String channel) {
        String[] parts = channel.split("/");
        return parts.length > 1 ? "/" + parts[1] + "/…" : channel;
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
