package com.liveshop.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalConnections.Connection;
import com.liveshop.local.WebSocketApiDefinition.Route;
import com.liveshop.local.WebSocketEventFactory.Upgrade;
import com.liveshop.shared.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API Gateway WebSocket APIs of the template, served at {@code ws://localhost:PORT/ws} (every API also at
 * {@code /ws/<LogicalId>}) by invoking the template's functions the way API Gateway does:
 * <ul>
 *   <li>{@code $connect} runs during the upgrade request, before the upgrade (after the Lambda REQUEST authorizer if
 *       the API has {@code Auth: {AuthType: CUSTOM}}). A function error or a non-2xx {@code statusCode} refuses the
 *       connection with that HTTP status (500 for an error), so the client never gets an open socket;</li>
 *   <li>messages are routed by the route selection expression ({@code $request.body.action}); a frame that is not
 *       JSON, or whose value names no route, goes to {@code $default}; with no {@code $default}, API Gateway's
 *       {@code {"message": "Forbidden", …}} frame comes back and the connection stays open. A function error sends
 *       {@code {"message": "Internal server error", …}}. Routes with a RouteResponseSelectionExpression send the
 *       function's {@code body} back (two-way);</li>
 *   <li>{@code $disconnect} runs exactly once per connection, whether the client closes, the server deletes it via
 *       {@code @connections}, or a limit closes it;</li>
 *   <li>limits as documented: a frame over 32 KB or a message over 128 KB closes the connection with 1009
 *       (message too big), 10 minutes idle, 2 hours at most.</li>
 * </ul>
 * Each connection's invocations run in order on a shared pool; different connections run in parallel.
 */
public final class WebSocketApiEmulator implements LocalService {

    public static final String PATH = "/ws";
    /** API Gateway's WebSocket frame size limit. */
    public static final int MAX_FRAME_BYTES = LocalConnections.MAX_FRAME_BYTES;
    public static final int MAX_MESSAGE_BYTES = LocalConnections.MAX_MESSAGE_BYTES;
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MAX_CONNECTION_DURATION = Duration.ofHours(2);
    /** How many function invocations run at once across all connections (Lambda's concurrency, locally). */
    static final int INVOCATION_THREADS = 32;

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketApiEmulator.class);
    private static final String CONNECTION_ATTRIBUTE = "liveshop.ws.connection";
    private static final int CLOSE_NORMAL = 1000;
    private static final int CLOSE_GOING_AWAY = 1001;

    private final String baseUrl;
    private final Clock clock;
    private final LocalConnections connections;
    private final WebSocketEventFactory events;
    private final Map<String, WebSocketApiDefinition> apis = new LinkedHashMap<>();
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final ExecutorService invocations = Executors.newFixedThreadPool(INVOCATION_THREADS, r -> {
        Thread t = new Thread(r, "local-ws-invoke-" + threadCount.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-ws-max-duration");
        t.setDaemon(true);
        return t;
    });

    public WebSocketApiEmulator(String baseUrl, Clock clock) {
        this.baseUrl = baseUrl;
        this.clock = clock;
        this.connections = new LocalConnections(baseUrl, clock);
        this.events = new WebSocketEventFactory(clock);
        connections.onDelete(c -> {
            c.close(CLOSE_NORMAL, "Connection deleted");
            disconnect(c, CLOSE_NORMAL, "Connection deleted");
        });
    }

    /** Adds the template's WebSocket APIs; call once the functions exist (before the first client connects). */
    public void load(TemplateFunctions template, List<LocalFunction> functions) {
        WebSocketApiDefinition.fromTemplate(template, functions).forEach(api -> apis.put(api.logicalId(), api));
        apis.values().forEach(api -> LOG.info("WebSocket API {} at {} (routes {})", api.logicalId(), url(api), api.routes().keySet()));
    }

    public List<WebSocketApiDefinition> apis() {
        return List.copyOf(apis.values());
    }

    /** {@code ws://host:port/ws}: the first WebSocket API of the template. */
    public String url() {
        return baseUrl.replaceFirst("^http", "ws") + PATH;
    }

    public String url(WebSocketApiDefinition api) {
        return url() + "/" + api.logicalId();
    }

    /** The @connections endpoint, for {@code ApiGatewayManagementApiClient.endpointOverride}. */
    public String endpoint() {
        return connections.endpoint();
    }

    public LocalConnections connections() {
        return connections;
    }

    public int connectionCount() {
        return connections.count();
    }

    /**
     * Sends {@code frame} to every open connection straight from the server (no function, no @connections call):
     * the baseline a fan-out through handlers is compared with. Returns how many connections it was written to.
     */
    public int broadcastDirect(String frame) {
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (Connection c : connections.all()) {
            if (c.isOpen()) {
                sends.add(c.send(frame));
            }
        }
        int delivered = 0;
        for (CompletableFuture<Void> send : sends) {
            try {
                send.get(30, TimeUnit.SECONDS);
                delivered++;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.debug("Direct broadcast to a connection failed: {}", e.toString());
            }
        }
        return delivered;
    }

    @Override
    public Map<String, String> functionSettings() {
        // WEBSOCKET_ENDPOINT is what the functions hand to the client; the SDK-style variable is there for
        // code that builds the client with AwsClients.configure(…, "APIGATEWAYMANAGEMENTAPI").
        return Map.of("WEBSOCKET_ENDPOINT", endpoint(), "AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI", endpoint());
    }

    @Override
    public void register(RoutesConfig routes) {
        for (String path : List.of(PATH, PATH + "/{apiId}")) {
            routes.wsBeforeUpgrade(path, this::beforeUpgrade);
            routes.ws(path, this::configure);
        }
        connections.register(routes);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> endpoints = new LinkedHashMap<>();
        if (apis.isEmpty()) {
            endpoints.put(url(), "no WebSocket API in the template");
        }
        boolean first = true;
        for (WebSocketApiDefinition api : apis.values()) {
            String what = "WebSocket API " + api.logicalId() + " (stage " + api.stage() + ", " + api.routeSelectionExpression()
                    + ", routes " + String.join(" ", api.routes().keySet()) + ")";
            if (first) {
                endpoints.put(url(), what);
                first = false;
            }
            endpoints.put(url(api), what);
        }
        endpoints.putAll(connections.describe());
        return endpoints;
    }

    @Override
    public void close() {
        for (Connection c : connections.all()) {
            connections.remove(c.id());
            c.close(CLOSE_GOING_AWAY, "Going away");
        }
        timers.shutdownNow();
        invocations.shutdown();
        try {
            invocations.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        invocations.shutdownNow();
    }

    private Optional<WebSocketApiDefinition> api(String logicalId) {
        if (logicalId == null) {
            return apis.values().stream().findFirst();
        }
        return Optional.ofNullable(apis.get(logicalId));
    }

    /** The upgrade request: authorizer and $connect run here, so a refusal is an HTTP status, not an open socket. */
    private void beforeUpgrade(Context ctx) {
        String apiId = ctx.pathParamMap().get("apiId");
        WebSocketApiDefinition api = api(apiId).orElseThrow(() -> new HttpResponseException(404,
                apiId == null ? "The template has no WebSocket API" : "No WebSocket API named " + apiId));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            for (String value : Collections.list(ctx.req().getHeaders(name))) {
                headers.add(Map.entry(name, value));
            }
        }
        Upgrade upgrade = new Upgrade(headers, ctx.queryString(), ctx.ip());
        String host = Optional.ofNullable(upgrade.header("host")).orElse("localhost");
        String domainName = host.contains(":") && !host.startsWith("[") ? host.substring(0, host.indexOf(':')) : host;
        Connection connection = new Connection(LocalConnections.newConnectionId(), api, clock.instant(), ctx.ip(),
                Optional.ofNullable(upgrade.header("user-agent")).orElse(""), domainName, invocations);

        if ("CUSTOM".equals(api.connectAuth())) {
            authorize(connection, upgrade);
        }
        Optional<Route> connect = api.route(WebSocketApiDefinition.CONNECT);
        if (connect.isPresent()) {
            String requestId = PayloadV2EventFactory.newRequestId();
            String output;
            try {
                output = connect.get().function().invoke(PayloadV2EventFactory.toJson(events.connect(connection, upgrade, requestId)));
            } catch (LocalFunction.FunctionError | LocalFunction.FunctionUnavailable e) {
                LOG.error("$connect of {} failed (request {})", api.logicalId(), requestId, e.getCause() == null ? e : e.getCause());
                throw new HttpResponseException(500, "Internal server error");
            }
            int status = statusCode(output);
            if (status < 200 || status > 299) {
                LOG.info("$connect of {} refused a connection with {}", api.logicalId(), status);
                throw new HttpResponseException(status < 100 || status > 599 ? 502 : status, "Connection refused by $connect");
            }
        }
        ctx.attribute(CONNECTION_ATTRIBUTE, connection);
    }

    /**
     * A Lambda REQUEST authorizer: missing identity sources → 401 without invoking it; its error → 401 ("Unauthorized");
     * a policy without Allow → 403. Its context (plus principalId) goes into every later event of the connection.
     */
    private void authorize(Connection connection, Upgrade upgrade) {
        WebSocketApiDefinition api = connection.api();
        for (String source : api.identitySources()) {
            if (identityValue(source, upgrade).isEmpty()) {
                throw new HttpResponseException(401, "Unauthorized");
            }
        }
        if (api.authorizer() == null) {
            throw new HttpResponseException(500, "The authorizer function of " + api.logicalId() + " is not in the template");
        }
        String requestId = PayloadV2EventFactory.newRequestId();
        JsonNode result;
        try {
            result = Json.MAPPER.readTree(api.authorizer().invoke(PayloadV2EventFactory.toJson(
                    events.authorizerRequest(connection, upgrade, requestId))));
        } catch (Exception e) {
            LOG.info("The authorizer of {} refused a connection: {}", api.logicalId(), e.toString());
            throw new HttpResponseException(401, "Unauthorized");
        }
        boolean allowed = false;
        for (JsonNode statement : result.path("policyDocument").path("Statement")) {
            if ("Deny".equalsIgnoreCase(statement.path("Effect").asText())) {
                allowed = false;
                break;
            }
            allowed |= "Allow".equalsIgnoreCase(statement.path("Effect").asText());
        }
        if (!allowed) {
            throw new HttpResponseException(403, "Forbidden");
        }
        Map<String, Object> context = new LinkedHashMap<>();
        result.path("context").properties().forEach(e -> context.put(e.getKey(),
                e.getValue().isValueNode() ? Json.MAPPER.convertValue(e.getValue(), Object.class) : e.getValue().toString()));
        context.put("principalId", result.path("principalId").asText(""));
        connection.authorizer(context);
    }

    /** {@code route.request.header.X} / {@code route.request.querystring.X} of the upgrade request. */
    private static Optional<String> identityValue(String source, Upgrade upgrade) {
        String header = "route.request.header.";
        String query = "route.request.querystring.";
        String value = null;
        if (source.startsWith(header)) {
            value = upgrade.header(source.substring(header.length()));
        } else if (source.startsWith(query)) {
            List<String> values = WebSocketEventFactory.queryParameters(upgrade.rawQueryString()).get(source.substring(query.length()));
            value = values == null ? null : values.get(values.size() - 1);
        }
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }

    private void configure(WsConfig ws) {
        ws.onConnect(ctx -> opened(ctx));
        ws.onMessage(ctx -> received(ctx, ctx.message(), false));
        ws.onBinaryMessage(ctx -> {
            ByteBuffer data = ctx.data().duplicate();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received(ctx, Base64.getEncoder().encodeToString(bytes), true);
        });
        ws.onClose(ctx -> {
            Connection c = ctx.attribute(CONNECTION_ATTRIBUTE);
            if (c != null) {
                disconnect(c, ctx.status(), ctx.reason());
            }
        });
        ws.onError(ctx -> LOG.debug("WebSocket error: {}", String.valueOf(ctx.error())));
    }

    private void opened(WsContext ctx) {
        Connection c = ctx.attribute(CONNECTION_ATTRIBUTE);
        Session session = ctx.session;
        session.setMaxFrameSize(MAX_FRAME_BYTES);
        session.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
        session.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
        // Refuse an oversize incoming frame (1009) instead of splitting it, as API Gateway does; the price is that
        // outgoing messages over 32 KB must be split by hand (Connection.send does).
        session.setAutoFragment(false);
        session.setIdleTimeout(IDLE_TIMEOUT);
        c.attach(session);
        connections.add(c);
        expiries.put(c.id(), timers.schedule(() -> c.close(CLOSE_GOING_AWAY, "Going away"),
                MAX_CONNECTION_DURATION.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void received(WsContext ctx, String body, boolean base64) {
        Connection c = ctx.attribute(CONNECTION_ATTRIBUTE);
        c.touch(clock.instant());
        String messageId = LocalConnections.newConnectionId();
        c.invocations().execute(() -> route(c, body, base64, messageId));
    }

    /** Picks the route (selection expression, else $default) and invokes it; answers as API Gateway does. */
    private void route(Connection c, String body, boolean base64, String messageId) {
        WebSocketApiDefinition api = c.api();
        String requestId = PayloadV2EventFactory.newRequestId();
        Optional<Route> route = base64 ? Optional.empty() : selectionValue(api, body).flatMap(api::route);
        route = route.or(() -> api.route(WebSocketApiDefinition.DEFAULT));
        if (route.isEmpty()) {
            sendGatewayMessage(c, "Forbidden", requestId);
            return;
        }
        String output;
        try {
            output = route.get().function().invoke(PayloadV2EventFactory.toJson(
                    events.message(c, route.get().routeKey(), body, base64, requestId, messageId)));
        } catch (LocalFunction.FunctionError | LocalFunction.FunctionUnavailable e) {
            LOG.error("{} of {} failed (request {})", route.get().routeKey(), api.logicalId(), requestId,
                    e.getCause() == null ? e : e.getCause());
            sendGatewayMessage(c, "Internal server error", requestId);
            return;
        }
        if (route.get().twoWay()) {
            responseBody(output).ifPresent(c::send);
        }
    }

    /** The value the selection expression picks from a JSON body, if it names a (non-special) route. */
    private static Optional<String> selectionValue(WebSocketApiDefinition api, String body) {
        List<String> path = api.selectionPath();
        if (path.isEmpty()) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (Exception notJson) {
            return Optional.empty();
        }
        for (String field : path) {
            if (node == null || !node.isObject()) {
                return Optional.empty();
            }
            node = node.get(field);
        }
        return node == null || !node.isValueNode() || node.isNull() ? Optional.empty()
                : Optional.of(node.asText()).filter(key -> !key.startsWith("$"));
    }

    /** The body of a Lambda proxy response, decoded if base64. */
    private static Optional<byte[]> responseBody(String output) {
        try {
            JsonNode node = Json.MAPPER.readTree(output);
            JsonNode body = node == null ? null : node.get("body");
            if (body == null || body.isNull()) {
                return Optional.empty();
            }
            return Optional.of(node.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(body.asText())
                    : body.asText().getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The statusCode of a Lambda proxy response; -1 if there is none. */
    private static int statusCode(String output) {
        try {
            JsonNode node = Json.MAPPER.readTree(output);
            return node != null && node.path("statusCode").canConvertToInt() ? node.get("statusCode").asInt() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private void sendGatewayMessage(Connection c, String message, String requestId) {
        Map<String, String> frame = new LinkedHashMap<>();
        frame.put("message", message);
        frame.put("connectionId", c.id());
        frame.put("requestId", requestId);
        c.send(Json.write(frame));
    }

    /** Forgets the connection and runs $disconnect, once, after the invocations already queued for it. */
    private void disconnect(Connection c, int statusCode, String reason) {
        if (!c.markDisconnected()) {
            return;
        }
        connections.remove(c.id());
        ScheduledFuture<?> expiry = expiries.remove(c.id());
        if (expiry != null) {
            expiry.cancel(false);
        }
        c.api().route(WebSocketApiDefinition.DISCONNECT).ifPresent(route -> c.invocations().execute(() -> {
            String requestId = PayloadV2EventFactory.newRequestId();
            try {
                route.function().invoke(PayloadV2EventFactory.toJson(events.disconnect(c, statusCode, reason, requestId)));
            } catch (LocalFunction.FunctionError | LocalFunction.FunctionUnavailable e) {
                LOG.error("$disconnect of {} failed (request {})", c.api().logicalId(), requestId, e.getCause() == null ? e : e.getCause());
            }
        }));
    }
}
