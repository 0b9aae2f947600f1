package dev.samlocal.apigw;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.lambda.TemplateFunctions;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the event API Gateway HTTP APIs send with payload format 2.0, field by field as AWS documents it: lower-case
 * headers with repeated values comma-joined, cookies moved out of the headers, decoded query parameters (repeated ones
 * comma-joined), the request context with the JWT authorizer's claims, and the body base64-encoded unless its content
 * type is text.
 */
public final class PayloadV2EventFactory {

    /** An HTTP request as it reached the local API. Header names keep their order; repeats are separate entries. */
    public record IncomingRequest(
            String method,
            String rawPath,
            String rawQueryString,
            List<Map.Entry<String, String>> headers,
            byte[] body,
            String sourceIp,
            String protocol,
            int port) {}

    public static final String API_ID = "local";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes nulls (API Gateway sends {@code "scopes": null}), unlike the project's NON_NULL mapper. */
    private static final ObjectMapper WRITER = new ObjectMapper();

    private final Clock clock;

    public PayloadV2EventFactory(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param decision the JWT authorizer's decision for routes that have one, else null
     * @param requestId API Gateway's request id (also sent back as {@code apigw-requestid})
     */
    public Map<String, Object> build(
            IncomingRequest request,
            String routeKey,
            Map<String, String> pathParameters,
            JwtAuthorizer.Decision decision,
            String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                for (String cookie : header.getValue().split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.strip());
                    }
                }
                continue;
            }
            headers.merge(name, header.getValue(), (a, b) -> a + "," + b);
        }
        headers.putIfAbsent("x-forwarded-for", request.sourceIp());
        headers.putIfAbsent("x-forwarded-port", String.valueOf(request.port()));
        headers.putIfAbsent("x-forwarded-proto", "http");
        headers.putIfAbsent("x-amzn-trace-id", traceId());

        Instant now = clock.instant();
        String host = headers.getOrDefault("host", "localhost");
        String domainName = host.contains(":") && !host.startsWith("[") ? host.substring(0, host.indexOf(':')) : host;

        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", request.method().toUpperCase(Locale.ROOT));
        http.put("path", request.rawPath());
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));

        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", TemplateFunctions.ACCOUNT_ID);
        context.put("apiId", API_ID);
        if (decision != null) {
            Map<String, Object> jwt = new LinkedHashMap<>();
            jwt.put("claims", decision.claims());
            jwt.put("scopes", decision.scopes());
            context.put("authorizer", Map.of("jwt", jwt));
        }
        context.put("domainName", domainName);
        context.put("domainPrefix", domainName.split("\\.", 2)[0]);
        context.put("http", http);
        context.put("requestId", requestId);
        context.put("routeKey", routeKey);
        context.put("stage", "$default");
        context.put("time", TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());

        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQueryString() == null ? "" : request.rawQueryString());
        if (!cookies.isEmpty()) {
            event.put("cookies", cookies);
        }
        event.put("headers", headers);
        Map<String, String> query = queryParameters(request.rawQueryString());
        if (!query.isEmpty()) {
            event.put("queryStringParameters", query);
        }
        event.put("requestContext", context);
        if (pathParameters != null && !pathParameters.isEmpty()) {
            event.put("pathParameters", pathParameters);
        }
        boolean hasBody = request.body() != null && request.body().length > 0;
        boolean text = isText(headers.get("content-type"));
        if (hasBody) {
            event.put(
                    "body",
                    text
                            ? new String(request.body(), StandardCharsets.UTF_8)
                            : Base64.getEncoder().encodeToString(request.body()));
        }
        event.put("isBase64Encoded", hasBody && !text);
        return event;
    }

    /** The event as the JSON API Gateway sends to Lambda. */
    public static String toJson(Map<String, Object> event) {
        try {
            return WRITER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the event", e);
        }
    }

    /** Text content types are passed as is; anything else (or none) is base64-encoded, as API Gateway does. */
    public static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.startsWith("text/")
                || type.equals("application/json")
                || type.endsWith("+json")
                || type.equals("application/xml")
                || type.endsWith("+xml")
                || type.equals("application/javascript")
                || type.equals("application/ecmascript");
    }

    /** Payload v2.0: repeated names joined with commas, as API Gateway does. */
    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        queryValues(rawQuery).forEach((name, values) -> params.put(name, String.join(",", values)));
        return params;
    }

    /** API Gateway-style request id, e.g. "JKJaXmPLvHcESHA=". */
    public static String newRequestId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private String traceId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "Root=1-" + Long.toHexString(clock.instant().getEpochSecond()) + "-"
                + HexFormat.of().formatHex(bytes);
    }

    /** The query string's parameters, decoded, each name with its values in order. */
    static Map<String, List<String>> queryValues(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
