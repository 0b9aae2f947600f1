package com.liveshop.local;

import com.liveshop.local.LocalConnections.Connection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the events API Gateway WebSocket APIs send to a Lambda proxy integration
 * ({@code APIGatewayV2WebSocketEvent}): {@code $connect} with the upgrade request's headers and query string,
 * messages with their body, {@code $disconnect} with the close status. The request context carries routeKey,
 * eventType (CONNECT / MESSAGE / DISCONNECT), connectionId, connectedAt, domainName, stage, apiId, requestId,
 * requestTime(Epoch), messageDirection and identity, as AWS documents them.
 */
public final class WebSocketEventFactory {

    /** The upgrade request, as the local server saw it. Header names keep their case; repeats are separate entries. */
    public record Upgrade(List<Map.Entry<String, String>> headers, String rawQueryString, String sourceIp) {

        String header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final Clock clock;

    public WebSocketEventFactory(Clock clock) {
        this.clock = clock;
    }

    /** The $connect event (also the base of a Lambda REQUEST authorizer's event). */
    public Map<String, Object> connect(Connection connection, Upgrade upgrade, String requestId) {
        Map<String, List<String>> multiHeaders = new LinkedHashMap<>();
        upgrade.headers().forEach(h -> multiHeaders.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
        putIfAbsentIgnoringCase(multiHeaders, "X-Forwarded-For", upgrade.sourceIp());
        putIfAbsentIgnoringCase(multiHeaders, "X-Forwarded-Proto", "http");
        Map<String, List<String>> multiQuery = queryParameters(upgrade.rawQueryString());

        Map<String, Object> event = new LinkedHashMap<>();
        event.put("headers", lastValues(multiHeaders));
        event.put("multiValueHeaders", multiHeaders);
        if (!multiQuery.isEmpty()) {
            event.put("queryStringParameters", lastValues(multiQuery));
            event.put("multiValueQueryStringParameters", multiQuery);
        }
        event.put("requestContext", context(connection, WebSocketApiDefinition.CONNECT, "CONNECT", requestId));
        event.put("isBase64Encoded", false);
        return event;
    }

    /** A message event: text as is, binary frames base64-encoded with isBase64Encoded true. */
    public Map<String, Object> message(Connection connection, String routeKey, String body, boolean base64,
                                       String requestId, String messageId) {
        Map<String, Object> context = context(connection, routeKey, "MESSAGE", requestId);
        context.put("messageId", messageId);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("requestContext", context);
        event.put("body", body);
        event.put("isBase64Encoded", base64);
        return event;
    }

    /** The $disconnect event, with the WebSocket close status API Gateway adds to its context. */
    public Map<String, Object> disconnect(Connection connection, int statusCode, String reason, String requestId) {
        Map<String, List<String>> multiHeaders = new LinkedHashMap<>();
        multiHeaders.put("Host", List.of(connection.domainName()));
        multiHeaders.put("X-Forwarded-For", List.of(""));
        Map<String, Object> context = context(connection, WebSocketApiDefinition.DISCONNECT, "DISCONNECT", requestId);
        context.put("disconnectStatusCode", statusCode);
        context.put("disconnectReason", reason == null ? "" : reason);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("headers", lastValues(multiHeaders));
        event.put("multiValueHeaders", multiHeaders);
        event.put("requestContext", context);
        event.put("isBase64Encoded", false);
        return event;
    }

    /** A Lambda REQUEST authorizer's event for $connect: the connect event plus type and methodArn. */
    public Map<String, Object> authorizerRequest(Connection connection, Upgrade upgrade, String requestId) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "REQUEST");
        event.put("methodArn", "arn:aws:execute-api:" + com.liveshop.testkit.LocalAws.REGION + ":" + TemplateFunctions.ACCOUNT_ID
                + ":" + connection.api().apiId() + "/" + connection.api().stage() + "/" + WebSocketApiDefinition.CONNECT);
        event.putAll(connect(connection, upgrade, requestId));
        event.remove("isBase64Encoded");
        return event;
    }

    private Map<String, Object> context(Connection connection, String routeKey, String eventType, String requestId) {
        Instant now = clock.instant();
        WebSocketApiDefinition api = connection.api();
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("sourceIp", connection.sourceIp());
        identity.put("userAgent", connection.userAgent());
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("routeKey", routeKey);
        context.put("eventType", eventType);
        context.put("extendedRequestId", requestId);
        context.put("requestTime", TIME.format(now));
        context.put("messageDirection", "IN");
        context.put("stage", api.stage());
        context.put("connectedAt", connection.connectedAt().toEpochMilli());
        context.put("requestTimeEpoch", now.toEpochMilli());
        context.put("identity", identity);
        context.put("requestId", requestId);
        context.put("domainName", connection.domainName());
        context.put("connectionId", connection.id());
        context.put("apiId", api.apiId());
        if (connection.authorizer() != null) {
            context.put("authorizer", connection.authorizer());
        }
        return context;
    }

    private static void putIfAbsentIgnoringCase(Map<String, List<String>> headers, String name, String value) {
        if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase(name))) {
            headers.put(name, List.of(value));
        }
    }

    private static Map<String, String> lastValues(Map<String, List<String>> multi) {
        Map<String, String> single = new LinkedHashMap<>();
        multi.forEach((k, v) -> single.put(k, v.get(v.size() - 1)));
        return single;
    }

    /** Decoded query parameters, repeated names kept as lists in order. */
    static Map<String, List<String>> queryParameters(String rawQuery) {
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
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
