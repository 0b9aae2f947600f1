package dev.samlocal.apigw;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.apigw.PayloadV2EventFactory.IncomingRequest;
import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.core.Json;
import dev.samlocal.core.UsageCounter;
import dev.samlocal.lambda.LocalFunction;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API Gateway HTTP API in front of the local functions: picks the route, runs the JWT authorizer, answers CORS
 * preflights, builds the payload v2.0 event, invokes the function and turns its v2.0 response (or a bare value, which
 * API Gateway wraps as a 200 JSON) into the HTTP response. What API Gateway itself refuses gets its {@code {"message":
 * …}} body plus our error shape.
 */
public final class HttpApiEmulator {

    /** API Gateway's limit on a request body (10 MB). */
    public static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;

    /** An HTTP answer: status, headers (lower-case names), Set-Cookie values and raw body bytes. */
    public record HttpResult(int status, Map<String, String> headers, List<String> cookies, byte[] body) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpApiEmulator.class);
    /** CloudFront's header with the viewer's address and port (lower case). */
    private static final String VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address";

    private final HttpRoutes routes;
    private final Map<String, JwtAuthorizer> authorizers;
    private final CorsPolicy cors;
    private final PayloadV2EventFactory events;
    private final UsageCounter requests = new UsageCounter();
    private final UsageCounter publicGets = new UsageCounter();
    private final Supplier<Map<String, String>> edgeHeaders;
    private final Map<String, String> responseHeaders;
    private final Predicate<String> cdnCacheable;

    public HttpApiEmulator(
            HttpRoutes routes, Map<String, JwtAuthorizer> authorizers, CorsPolicy cors, PayloadV2EventFactory events) {
        this(routes, authorizers, cors, events, Map::of, Map.of(), routeKey -> true);
    }

    /**
     * @param edgeHeaders what a CDN in front of the API sets on each request, asked per request (a rotated origin
     *     secret shows at once); empty: no CDN in front, requests pass as they came
     * @param responseHeaders added to every answer (a CDN's response-headers policy)
     * @param cdnCacheable of the GET routes without an authorizer, those a CDN in front could answer
     */
    public HttpApiEmulator(
            HttpRoutes routes,
            Map<String, JwtAuthorizer> authorizers,
            CorsPolicy cors,
            PayloadV2EventFactory events,
            Supplier<Map<String, String>> edgeHeaders,
            Map<String, String> responseHeaders,
            Predicate<String> cdnCacheable) {
        this.routes = routes;
        this.authorizers = authorizers;
        this.cors = cors;
        this.events = events;
        this.edgeHeaders = edgeHeaders;
        this.responseHeaders = Map.copyOf(responseHeaders);
        this.cdnCacheable = cdnCacheable;
    }

    public HttpRoutes routes() {
        return routes;
    }

    /**
     * Requests API Gateway bills, by route key ({@code (no route)} for a path no route matches); preflights excluded.
     */
    public Map<String, Long> requestsByRoute() {
        return requests.snapshot();
    }

    /**
     * The requests a CDN in front of the API could answer, by route key: GETs of routes without an authorizer that the
     * project counts as cacheable.
     */
    public Map<String, Long> publicGetsByRoute() {
        return publicGets.snapshot();
    }

    private boolean publicRead(HttpRoutes.Route route) {
        return route.authorizer() == null
                && route.routeKey().startsWith("GET /")
                && cdnCacheable.test(route.routeKey());
    }

    /** Javalin entry point for every path the local stack does not serve itself. */
    public void handle(Context ctx) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            for (String value : Collections.list(ctx.req().getHeaders(name))) {
                headers.add(Map.entry(name, value));
            }
        }
        headers = asCloudFront(headers, ctx.req().getRemoteAddr(), ctx.req().getRemotePort(), edgeHeaders.get());
        HttpResult result;
        if (ctx.contentLength() > MAX_REQUEST_BYTES) {
            result = gatewayError(
                    413, "Request Entity Too Large", "PAYLOAD_TOO_LARGE", "The request body is larger than 10 MB");
        } else {
            IncomingRequest request = new IncomingRequest(
                    ctx.method().name(),
                    ctx.req().getRequestURI(),
                    ctx.queryString() == null ? "" : ctx.queryString(),
                    headers,
                    ctx.bodyAsBytes(),
                    ctx.ip(),
                    ctx.protocol(),
                    ctx.port());
            result = handle(request);
        }
        ctx.status(result.status());
        result.headers().forEach(ctx::header);
        result.cookies().forEach(c -> ctx.res().addHeader("Set-Cookie", c));
        ctx.result(result.body());
    }

    /**
     * The request as a CloudFront in front of the API would pass it on: the edge's own headers (e.g. an origin secret;
     * whatever the client sent under those names is dropped), and {@code CloudFront-Viewer-Address} the client's own
     * address and port. A client on loopback (a test, bench or rehearsal playing many viewers) may name its viewer in
     * that header itself; from any other address the header is the socket's, as CloudFront's always is.
     *
     * @param edgeHeaders what the edge sets; empty: no CDN in front, the request passes as it came
     */
    public static List<Map.Entry<String, String>> asCloudFront(
            List<Map.Entry<String, String>> headers,
            String remoteAddress,
            int remotePort,
            Map<String, String> edgeHeaders) {
        if (edgeHeaders.isEmpty()) {
            return headers;
        }
        java.util.Set<String> edgeNames = new java.util.HashSet<>();
        edgeHeaders.keySet().forEach(name -> edgeNames.add(name.toLowerCase(Locale.ROOT)));
        boolean loopback = isLoopback(remoteAddress);
        String viewer = null;
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (edgeNames.contains(name)) {
                continue;
            }
            if (name.equals(VIEWER_ADDRESS_HEADER)) {
                if (loopback && viewer == null) {
                    viewer = header.getValue();
                }
                continue;
            }
            out.add(header);
        }
        if (viewer == null) {
            // CloudFront's form: "ip:port", an IPv6 address without brackets (the port follows the last colon).
            viewer = remoteAddress.replace("[", "").replace("]", "") + ":" + remotePort;
        }
        out.add(Map.entry("CloudFront-Viewer-Address", viewer));
        out.addAll(edgeHeaders.entrySet());
        return out;
    }

    static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        String literal =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (!literal.matches("[0-9A-Fa-f:.]+")) {
            return false; // only an address literal: never a name lookup
        }
        try {
            return java.net.InetAddress.getByName(literal).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    public HttpResult handle(IncomingRequest request) {
        String requestId = PayloadV2EventFactory.newRequestId();
        String origin = header(request, "origin");
        HttpResult result = route(request, requestId, origin);
        result.headers().put("apigw-requestid", requestId);
        // When the dev layer plays the CDN in front of the API: its response-headers policy.
        responseHeaders.forEach((name, value) -> result.headers().put(name.toLowerCase(Locale.ROOT), value));
        return result;
    }

    private HttpResult route(IncomingRequest request, String requestId, String origin) {
        if (cors != null
                && CorsPolicy.isPreflight(request.method(), origin, header(request, "access-control-request-method"))) {
            Map<String, String> headers = new LinkedHashMap<>(cors.preflight(
                    origin,
                    header(request, "access-control-request-method"),
                    header(request, "access-control-request-headers")));
            return new HttpResult(204, headers, List.of(), new byte[0]);
        }
        HttpResult result = invokeRoute(request, requestId);
        if (cors != null) {
            cors.apply(origin, result.headers());
        }
        return result;
    }

    private HttpResult invokeRoute(IncomingRequest request, String requestId) {
        var match = routes.match(request.method(), request.rawPath());
        if (match.isEmpty()) {
            requests.increment("(no route)");
            return gatewayError(
                    404, "Not Found", "NOT_FOUND", "No route for " + request.method() + " " + request.rawPath());
        }
        HttpRoutes.Route route = match.get().route();
        requests.increment(route.routeKey());
        if (publicRead(route)) {
            publicGets.increment(route.routeKey());
        }
        JwtAuthorizer.Decision decision = null;
        if (route.authorizer() != null) {
            JwtAuthorizer authorizer = authorizers.get(route.authorizer());
            decision = authorizer == null
                    ? JwtAuthorizer.Decision.deny("Unknown authorizer " + route.authorizer())
                    : authorizer.authorize(header(request, "authorization"));
            if (!decision.allowed()) {
                HttpResult denied = gatewayError(401, "Unauthorized", "UNAUTHORIZED", decision.error());
                denied.headers()
                        .put(
                                "www-authenticate",
                                "Bearer error=\"invalid_token\" error_description=\""
                                        + decision.error().replace("\"", "'") + "\"");
                return denied;
            }
        }
        LocalFunction function = route.function();
        if (!function.available()) {
            return gatewayError(
                    501,
                    "Not Implemented",
                    "NOT_IMPLEMENTED",
                    function.unavailableReason().orElse("Not available"));
        }
        String eventJson = PayloadV2EventFactory.toJson(
                events.build(request, route.routeKey(), match.get().pathParameters(), decision, requestId));
        String output;
        try {
            output = function.invoke(eventJson);
        } catch (LocalFunction.FunctionError e) {
            LOG.error("{} on {} (request {})", function.logicalId(), route.routeKey(), requestId, e.getCause());
            return gatewayError(
                    500, "Internal Server Error", "INTERNAL_ERROR", "The function failed; see the local stack's log");
        }
        return fromFunctionOutput(output);
    }

    /** A payload v2.0 response; output without a statusCode is API Gateway's inferred 200 JSON response. */
    static HttpResult fromFunctionOutput(String output) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(output);
        } catch (JsonProcessingException e) {
            node = null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (node == null || !node.isObject() || !node.has("statusCode")) {
            headers.put("content-type", "application/json");
            return new HttpResult(200, headers, List.of(), output.getBytes(StandardCharsets.UTF_8));
        }
        node.path("headers")
                .properties()
                .forEach(h -> headers.put(
                        h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
        node.path("multiValueHeaders").properties().forEach(h -> {
            List<String> values = new ArrayList<>();
            h.getValue().forEach(v -> values.add(v.asText()));
            headers.put(h.getKey().toLowerCase(Locale.ROOT), String.join(",", values));
        });
        List<String> cookies = new ArrayList<>();
        node.path("cookies").forEach(c -> cookies.add(c.asText()));
        JsonNode body = node.get("body");
        byte[] bytes;
        if (body == null || body.isNull()) {
            bytes = new byte[0];
        } else if (node.path("isBase64Encoded").asBoolean(false)) {
            bytes = Base64.getDecoder().decode(body.asText());
        } else {
            bytes = body.asText().getBytes(StandardCharsets.UTF_8);
        }
        return new HttpResult(node.get("statusCode").asInt(), headers, cookies, bytes);
    }

    /** An answer from API Gateway itself: its {@code message} plus the project's error shape. */
    static HttpResult gatewayError(int status, String message, String code, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("error", Map.of("code", code, "message", detail));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        return new HttpResult(status, headers, List.of(), Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static String header(IncomingRequest request, String name) {
        return request.headers().stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }
}
