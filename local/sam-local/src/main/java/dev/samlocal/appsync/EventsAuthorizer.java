package dev.samlocal.appsync;

import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.core.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Decides whether a request's authorization fields (HTTP headers, or the {@code authorization} object of a WebSocket
 * message / the connection header) satisfy one of the auth modes a namespace allows:
 *
 * <ul>
 *   <li>{@code API_KEY}: {@code x-api-key} equals the local key;
 *   <li>{@code AWS_IAM}: a SigV4 signature for service {@code appsync} by the local credentials. It is checked by
 *       signing the same request again with the SDK's own signer at the request's {@code x-amz-date} and comparing the
 *       {@code Authorization} values, so no signing code is written here;
 *   <li>{@code AMAZON_COGNITO_USER_POOLS}: {@code Authorization} is an id token of the local issuer, verified like the
 *       HTTP API's JWT authorizer (signature, issuer, audience, expiry).
 * </ul>
 *
 * Secrets (the key, tokens, signatures) are never logged or echoed in an error.
 */
final class EventsAuthorizer {

    /** The local static credentials every function and test uses (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). */
    static final String ACCESS_KEY_ID = "local";

    static final String SECRET_ACCESS_KEY = "local";
    static final String REGION = "us-east-1";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** SigV4's allowed clock skew. */
    private static final long MAX_SKEW_SECONDS = 300;

    /** The request being authorized: its fields (header names in any case), and for IAM what was signed. */
    record Request(Map<String, String> fields, String method, String url, byte[] body) {
        String field(String name) {
            for (Map.Entry<String, String> e : fields.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }
    }

    /**
     * The AWS_LAMBDA authorizer: the authorizer request JSON in, its response JSON out (null: none in the template).
     */
    interface LambdaInvoker {
        String invoke(String requestJson);
    }

    private final String apiKey;
    private final JwtAuthorizer jwt;
    private final Clock clock;
    private volatile LambdaInvoker lambda;

    EventsAuthorizer(String apiKey, JwtAuthorizer jwt, Clock clock) {
        this.apiKey = apiKey;
        this.jwt = jwt;
        this.clock = clock;
    }

    void lambda(LambdaInvoker invoker) {
        this.lambda = invoker;
    }

    /**
     * True if one of {@code modes} accepts the request; {@code namespace}/{@code channel} are null for a connection.
     */
    boolean allows(Set<String> modes, Request request, String operation, String namespace, String channel) {
        for (String mode : modes) {
            boolean ok = switch (mode) {
                case EventsApiDefinition.API_KEY -> apiKey.equals(request.field("x-api-key"));
                case EventsApiDefinition.COGNITO ->
                    request.field("x-api-key") == null
                            && request.field("Authorization") != null
                            && !request.field("Authorization").startsWith("AWS4-")
                            && jwt.authorize(request.field("Authorization")).allowed();
                case EventsApiDefinition.AWS_IAM -> validSignature(request);
                case EventsApiDefinition.LAMBDA -> lambdaAllows(request, operation, namespace, channel);
                default -> false; // OPENID_CONNECT: not emulated
            };
            if (ok) {
                return true;
            }
        }
        return false;
    }

    /**
     * Invokes the template's authorizer function as AppSync does, with the {@code Authorization} value as
     * {@code authorizationToken}; anything but {@code isAuthorized: true} (an error included) refuses.
     */
    private boolean lambdaAllows(Request request, String operation, String namespace, String channel) {
        LambdaInvoker invoker = lambda;
        String token = request.field("Authorization");
        if (invoker == null || token == null || token.isBlank() || token.startsWith("AWS4-")) {
            return false;
        }
        Map<String, Object> context = new java.util.LinkedHashMap<>();
        context.put("apiId", "local");
        context.put("accountId", "000000000000");
        context.put("requestId", java.util.UUID.randomUUID().toString());
        context.put("operation", operation);
        context.put("channelNamespaceName", namespace);
        context.put("channel", channel);
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        event.put("authorizationToken", token);
        event.put("requestContext", context);
        event.put("requestHeaders", request.fields());
        try {
            return Json.MAPPER
                    .readTree(invoker.invoke(Json.write(event)))
                    .path("isAuthorized")
                    .asBoolean(false);
        } catch (Exception e) {
            return false;
        }
    }

    private boolean validSignature(Request request) {
        String authorization = request.field("Authorization");
        String amzDate = request.field("x-amz-date");
        if (authorization == null
                || amzDate == null
                || !authorization.startsWith("AWS4-HMAC-SHA256 ")
                || request.url() == null) {
            return false;
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return false;
        }
        if (Math.abs(signedAt.getEpochSecond() - clock.instant().getEpochSecond()) > MAX_SKEW_SECONDS) {
            return false;
        }
        Optional<List<String>> signedHeaders = Arrays.stream(
                        authorization.substring(17).split(","))
                .map(String::strip)
                .filter(p -> p.startsWith("SignedHeaders="))
                .map(p -> List.of(p.substring("SignedHeaders=".length()).split(";")))
                .findFirst();
        if (signedHeaders.isEmpty()) {
            return false;
        }
        // The request as the client signed it: the same URL, method and exactly the headers it says it signed.
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder()
                .uri(java.net.URI.create(request.url()))
                .method(SdkHttpMethod.fromValue(request.method()));
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(request.fields());
        for (String name : signedHeaders.get()) {
            String value = headers.get(name);
            if (value == null) {
                return false;
            }
            if (!name.equalsIgnoreCase("x-amz-date")) {
                unsigned.putHeader(name, value);
            }
        }
        byte[] body = request.body() == null ? new byte[0] : request.body();
        SignedRequest resigned = AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsCredentialsIdentity.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY))
                        .request(unsigned.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "appsync")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        return resigned.request()
                .firstMatchingHeader("Authorization")
                .map(expected -> constantTimeEquals(expected, authorization))
                .orElse(false);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
