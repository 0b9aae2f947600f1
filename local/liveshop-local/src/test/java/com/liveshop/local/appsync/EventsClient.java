package com.liveshop.local.appsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import dev.samlocal.appsync.LocalAppSyncEvents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Test clients: the JDK's WebSocket speaking the AppSync Events protocol, and SigV4-signed HTTP publishes. */
final class EventsClient implements WebSocket.Listener, AutoCloseable {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    /** Connects with the two subprotocols; {@code header} is the auth JSON amplify puts into the second one. */
    static EventsClient connect(String realtimeUrl, Map<String, String> header) {
        EventsClient client = new EventsClient();
        String encoded = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Json.write(header).getBytes(StandardCharsets.UTF_8));
        client.socket = HTTP.newWebSocketBuilder()
                .subprotocols(LocalAppSyncEvents.SUBPROTOCOL, "header-" + encoded)
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(realtimeUrl), client)
                .join();
        return client;
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    void send(Object message) {
        socket.sendText(Json.write(message), true).join();
    }

    /** The next message of one of {@code types}, skipping others; fails after 10 s. */
    JsonNode awaitAny(String... types) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode m = received.poll(100, TimeUnit.MILLISECONDS);
            if (m != null
                    && java.util.Arrays.asList(types).contains(m.path("type").asText())) {
                return m;
            }
        }
        throw new AssertionError("No " + String.join("/", types) + " message within 10 s");
    }

    /** The next message of {@code type}, skipping others (ka, data of other tests); fails after 10 s. */
    JsonNode await(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode m = received.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && type.equals(m.path("type").asText())) {
                return m;
            }
        }
        throw new AssertionError("No " + type + " message within 10 s");
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                received.add(Json.MAPPER.readTree(partial.toString()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        socket.abort();
    }

    /** A publish signed with the SDK's SigV4 signer (service appsync, the local credentials), as a function would. */
    static HttpResponse<String> signedPublish(String endpoint, String body) {
        return signedPublish(endpoint, body, "local", "local");
    }

    static HttpResponse<String> signedPublish(
            String endpoint, String body, String accessKeyId, String secretAccessKey) {
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .uri(URI.create(endpoint))
                .method(SdkHttpMethod.POST)
                .putHeader("content-type", "application/json")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsCredentialsIdentity.create(accessKeyId, secretAccessKey))
                        .request(unsigned)
                        .payload(ContentStreamProvider.fromUtf8String(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "appsync")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(endpoint)).POST(HttpRequest.BodyPublishers.ofString(body));
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) { // the JDK client sets Host from the URI: the same value
                values.forEach(v -> request.header(name, v));
            }
        });
        return send(request.build());
    }

    static HttpResponse<String> publishWithHeaders(String endpoint, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
