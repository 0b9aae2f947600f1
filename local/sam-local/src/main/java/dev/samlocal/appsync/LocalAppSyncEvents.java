package dev.samlocal.appsync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.core.Json;
import dev.samlocal.core.LocalService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template's AppSync Events API for the local stack, at {@code <base>/_local/appsync/event} (HTTP publish) and
 * {@code <base>/_local/appsync/event/realtime} (WebSocket). The HTTP endpoint ends in {@code /event} and the real-time
 * one is that plus {@code /realtime} because that is how the aws-amplify client derives one from the other for a host
 * that is not AppSync's own domain.
 *
 * <p>Namespaces and their subscribe / publish auth modes come from template.yaml ({@link EventsApiDefinition}); a
 * channel outside them is refused. Limits as AppSync documents them: 1–5 events per publish, each a JSON string of at
 * most 240 KB, channel paths per {@link ChannelPath}. Delivery is one {@code data} message per event and matching
 * subscription.
 *
 * <p>A test can have the next events refused ({@link #refuseNextEvents}): they are answered in the publish's
 * {@code failed} list and delivered to nobody, so it can prove that a publisher's caller retries.
 */
public final class LocalAppSyncEvents implements LocalService {

    public static final String BASE_PATH = "/_local/appsync";
    public static final String HTTP_PATH = BASE_PATH + "/event";
    public static final String REALTIME_PATH = HTTP_PATH + "/realtime";
    /** The local API key (AppSync keys start with {@code da2-}); a public value, as the real one is in viewer pages. */
    public static final String API_KEY = "da2-localeventsapikey0000000000";

    public static final String SUBPROTOCOL = "aws-appsync-event-ws";
    public static final int MAX_EVENTS = 5;
    public static final int MAX_EVENT_BYTES = 240 * 1024;
    /**
     * A real-time message: a publish of {@link #MAX_EVENTS} full events (escaped JSON strings, so up to twice) plus its
     * envelope.
     */
    static final long MAX_WS_MESSAGE_BYTES = 2L * MAX_EVENTS * MAX_EVENT_BYTES + 64 * 1024;
    /** What {@code connection_ack} announces: the client closes if no {@code ka} arrives within it. */
    public static final long CONNECTION_TIMEOUT_MS = 300_000;

    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(LocalAppSyncEvents.class);
    private static final String CONNECTION = "samlocal.appsync.connection";

    /** Counters for tests and benchmarks. */
    public record Stats(int connections, int subscriptions, long eventsPublished, long messagesDelivered) {}

    private final String baseUrl;
    private final EventsApiDefinition api;
    private final EventsAuthorizer authorizer;
    private final Map<WsContext, EventsConnection> connections = new ConcurrentHashMap<>();
    private final LongAdder published = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder publishRequests = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder subscribeRequests = new LongAdder();
    private final AtomicInteger peakConnections = new AtomicInteger();
    private final AtomicInteger refuseNext = new AtomicInteger();
    private volatile Duration keepAlive = DEFAULT_KEEP_ALIVE;
    /** One delivery thread: accepted events fan out in the order they were accepted, after the publish answered. */
    private final java.util.concurrent.ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "local-appsync-delivery");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-appsync-ka");
        t.setDaemon(true);
        return t;
    });

    public LocalAppSyncEvents(String baseUrl, EventsApiDefinition api, JwtAuthorizer jwt, Clock clock) {
        this.baseUrl = baseUrl;
        this.api = api;
        this.authorizer = new EventsAuthorizer(API_KEY, jwt, clock);
        timers.scheduleAtFixedRate(this::keepAliveTick, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** The amplify client's {@code endpoint}: {@code http://localhost:PORT/_local/appsync/event}. */
    public String httpEndpoint() {
        return baseUrl + HTTP_PATH;
    }

    /** Where the real-time WebSocket listens: {@code ws://localhost:PORT/_local/appsync/event/realtime}. */
    public String realtimeEndpoint() {
        return baseUrl.replaceFirst("^http", "ws") + REALTIME_PATH;
    }

    public String apiKey() {
        return API_KEY;
    }

    public EventsApiDefinition api() {
        return api;
    }

    /**
     * The function behind the template's AWS_LAMBDA auth provider
     * ({@link EventsApiDefinition#lambdaAuthorizerFunction()}): request JSON in, response JSON out. Set once the
     * functions exist; until then AWS_LAMBDA refuses.
     */
    public void lambdaAuthorizer(java.util.function.UnaryOperator<String> invoke) {
        authorizer.lambda(invoke::apply);
    }

    /** How often {@code ka} goes to every acknowledged connection (AppSync: about a minute). */
    public void keepAliveInterval(Duration interval) {
        this.keepAlive = interval;
    }

    /**
     * The next {@code events} published (over HTTP or WebSocket) are refused one by one, in the publish's
     * {@code failed} list.
     */
    public void refuseNextEvents(int events) {
        if (events < 0) {
            throw new IllegalArgumentException("events must be >= 0, got " + events);
        }
        refuseNext.set(events);
        LOG.warn("Injected fault: the next {} published events are refused", events);
    }

    public Stats stats() {
        int subscriptions = connections.values().stream()
                .mapToInt(c -> c.subscriptions.size())
                .sum();
        return new Stats(connections.size(), subscriptions, published.sum(), delivered.sum());
    }

    public EventsUsage usage() {
        return new EventsUsage(
                publishRequests.sum(),
                published.sum(),
                delivered.sum(),
                connectionsOpened.sum(),
                peakConnections.get(),
                subscribeRequests.sum());
    }

    /**
     * Delivers {@code eventJson} to the subscribers of {@code channel} straight from the server, with no auth or HTTP
     * hop: the baseline a publish through the endpoint is compared with. Returns the data messages written.
     */
    public int publishDirect(String channel, String eventJson) {
        ChannelPath path = ChannelPath.parse(channel, false)
                .orElseThrow(() -> new IllegalArgumentException("Not a valid channel: " + channel));
        published.increment();
        try {
            return delivery.submit(() -> fanOut(path, eventJson)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Delivery failed", e.getCause());
        }
    }

    @Override
    public Map<String, String> functionSettings() {
        // The functions' publisher (a later increment) reads these; AppSync has no SDK endpoint variable.
        return Map.of("EVENTS_HTTP_ENDPOINT", httpEndpoint());
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(HTTP_PATH, this::publishHttp);
        routes.wsBeforeUpgrade(REALTIME_PATH, this::beforeUpgrade);
        routes.ws(REALTIME_PATH, this::configure);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(
                "POST " + HTTP_PATH,
                "AppSync Events publish ({\"channel\", \"events\": [1..5 JSON strings]}); API " + api.logicalId()
                        + ", namespaces " + String.join(", ", api.namespaces().keySet()));
        d.put(
                realtimeEndpoint(),
                "AppSync Events real-time WebSocket (subprotocols " + SUBPROTOCOL + ", header-<base64url auth>)");
        return d;
    }

    /** For {@code GET /_local}: where a client connects and with which key. */
    public Map<String, String> index() {
        return Map.of("http", httpEndpoint(), "realtime", realtimeEndpoint(), "apiKey", API_KEY);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        delivery.shutdownNow();
        connections.values().forEach(c -> c.close(1001, "Going away"));
        connections.clear();
    }

    // ------------------------------------------------------------------ HTTP publish

    private void publishHttp(Context ctx) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name, ctx.req().getHeader(name));
        }
        byte[] body = ctx.bodyAsBytes();
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            httpError(ctx, EventsFailure.badRequest("The request body is not valid JSON."));
            return;
        }
        if (request == null || !request.isObject()) {
            httpError(ctx, EventsFailure.badRequest("The request body must be a JSON object with channel and events."));
            return;
        }
        EventsAuthorizer.Request auth = new EventsAuthorizer.Request(headers, "POST", ctx.fullUrl(), body);
        Object result = publish(request.path("channel").asText(null), request.get("events"), auth);
        if (result instanceof EventsFailure f) {
            httpError(ctx, f);
        } else {
            ctx.status(200).contentType("application/json").result(Json.write(result));
        }
    }

    private static void httpError(Context ctx, EventsFailure f) {
        ctx.status(f.errorCode())
                .contentType("application/json")
                .result(Json.write(Map.of("errors", List.of(f.body()))));
    }

    /** Validates, authorizes and fans out; a {@link EventsFailure} or the {@code {successful, failed}} answer. */
    private Object publish(String channel, JsonNode events, EventsAuthorizer.Request auth) {
        publishRequests.increment();
        Optional<ChannelPath> path = ChannelPath.parse(channel, false);
        if (path.isEmpty()) {
            return EventsFailure.badRequest(
                    "Invalid channel path: a namespace and up to 4 segments of 1-50 letters, digits or dashes.");
        }
        EventsApiDefinition.Namespace namespace =
                api.namespaces().get(path.get().namespace());
        if (namespace == null) {
            return EventsFailure.badRequest(
                    "Channel namespace not found: " + path.get().namespace());
        }
        if (!authorizer.allows(
                namespace.publishAuthModes(),
                auth,
                "EVENT_PUBLISH",
                namespace.name(),
                path.get().toString())) {
            return EventsFailure.unauthorized();
        }
        if (events == null || !events.isArray() || events.isEmpty() || events.size() > MAX_EVENTS) {
            return EventsFailure.badRequest("events must be a list of 1 to " + MAX_EVENTS + " JSON strings.");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode event : events) {
            if (!event.isTextual() || !isJson(event.asText())) {
                return EventsFailure.badRequest("Each event must be a stringified valid JSON value.");
            }
            if (event.asText().getBytes(StandardCharsets.UTF_8).length > MAX_EVENT_BYTES) {
                return EventsFailure.badRequest("An event is larger than the " + MAX_EVENT_BYTES / 1024 + " KB limit.");
            }
            texts.add(event.asText());
        }
        List<Map<String, Object>> successful = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                failed.add(Map.of(
                        "identifier",
                        UUID.randomUUID().toString(),
                        "index",
                        i,
                        "code",
                        500,
                        "message",
                        "Refused by an injected fault"));
                continue;
            }
            published.increment();
            String text = texts.get(i);
            delivery.execute(() -> fanOut(path.get(), text));
            successful.add(Map.of("identifier", UUID.randomUUID().toString(), "index", i));
        }
        return Map.of("successful", successful, "failed", failed);
    }

    private static boolean isJson(String text) {
        try {
            Json.MAPPER.readTree(text);
            return !text.isBlank();
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * One {@code data} message per matching subscription. Runs on the delivery thread: a publish is answered once
     * accepted, as AppSync does, and events reach subscribers in the order they were accepted.
     */
    private int fanOut(ChannelPath channel, String event) {
        String quotedEvent = Json.write(event); // once per event, not per subscriber
        int sent = 0;
        for (EventsConnection c : connections.values()) {
            for (Map.Entry<String, ChannelPath> sub : c.subscriptions.entrySet()) {
                if (sub.getValue().matches(channel)) {
                    delivered.increment();
                    c.sendRaw("{\"type\":\"data\",\"id\":" + Json.write(sub.getKey()) + ",\"event\":" + quotedEvent
                            + "}");
                    sent++;
                }
            }
        }
        return sent;
    }

    // ------------------------------------------------------------------ real-time WebSocket

    /**
     * Answers the subprotocol (clients such as Node's ws refuse a server that picks none) and keeps the auth header.
     */
    private void beforeUpgrade(Context ctx) {
        List<String> protocols = new ArrayList<>();
        for (String header : Collections.list(ctx.req().getHeaders("Sec-WebSocket-Protocol"))) {
            for (String p : header.split(",")) {
                protocols.add(p.strip());
            }
        }
        if (!protocols.contains(SUBPROTOCOL)) {
            throw new io.javalin.http.HttpResponseException(400, "The " + SUBPROTOCOL + " subprotocol is required");
        }
        ctx.header("Sec-WebSocket-Protocol", SUBPROTOCOL);
        Map<String, String> auth = protocols.stream()
                .filter(p -> p.startsWith("header-"))
                .findFirst()
                .map(p -> decodeHeader(p.substring("header-".length())))
                .orElse(Map.of());
        ctx.attribute(CONNECTION, auth);
    }

    private static Map<String, String> decodeHeader(String encoded) {
        try {
            byte[] json = Base64.getUrlDecoder().decode(encoded.replace("=", ""));
            Map<String, String> fields = new LinkedHashMap<>();
            Json.MAPPER
                    .readTree(json)
                    .properties()
                    .forEach(e -> fields.put(e.getKey(), e.getValue().asText()));
            return fields;
        } catch (Exception e) {
            return Map.of();
        }
    }

    private void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            Map<String, String> auth = ctx.attribute(CONNECTION);
            ctx.session.setIdleTimeout(Duration.ofMillis(CONNECTION_TIMEOUT_MS));
            // Jetty's default (64 KB) closed the connection (1009) on a publish AppSync accepts (5 events of up to
            // 240 KB each): room for that, so an oversized event gets its publish_error instead.
            ctx.session.setMaxTextMessageSize(MAX_WS_MESSAGE_BYTES);
            connections.put(ctx, new EventsConnection(ctx, auth == null ? Map.of() : auth));
            connectionsOpened.increment();
            peakConnections.accumulateAndGet(connections.size(), Math::max);
        });
        ws.onMessage(ctx -> {
            EventsConnection c = connections.get(ctx);
            if (c != null) {
                received(c, ctx.message());
            }
        });
        ws.onClose(ctx -> connections.remove(ctx));
        ws.onError(ctx -> LOG.debug("AppSync Events WebSocket error: {}", String.valueOf(ctx.error())));
    }

    private void received(EventsConnection c, String text) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (Exception e) {
            message = null;
        }
        if (message == null || !message.isObject()) {
            c.send(Map.of(
                    "type",
                    "error",
                    "errors",
                    List.of(EventsFailure.badRequest("The message is not a JSON object.")
                            .body())));
            return;
        }
        String type = message.path("type").asText("");
        String id = message.path("id").asText(null);
        switch (type) {
            case "connection_init" -> connectionInit(c);
            case "subscribe" -> subscribe(c, id, message);
            case "unsubscribe" -> {
                if (id != null && c.subscriptions.remove(id) != null) {
                    c.send(Map.of("type", "unsubscribe_success", "id", id));
                } else {
                    c.send(answer("unsubscribe_error", id, EventsFailure.badRequest("No subscription with this id.")));
                }
            }
            case "publish" -> {
                Object result = c.acked
                        ? publish(
                                message.path("channel").asText(null),
                                message.get("events"),
                                new EventsAuthorizer.Request(
                                        fields(message.path("authorization")), "POST", httpEndpoint(), null))
                        : EventsFailure.unauthorized();
                if (result instanceof EventsFailure f) {
                    c.send(answer("publish_error", id, f));
                } else {
                    Map<String, Object> ok = new LinkedHashMap<>();
                    ok.put("type", "publish_success");
                    ok.put("id", id);
                    ok.putAll(Json.MAPPER.convertValue(result, Map.class));
                    c.send(ok);
                }
            }
            default ->
                c.send(answer(
                        "error", id, new EventsFailure("UnsupportedOperation", 400, "Unknown message type: " + type)));
        }
    }

    /** Authorizes the connection with its header against the API's connection auth modes; refusal closes it. */
    private void connectionInit(EventsConnection c) {
        EventsAuthorizer.Request auth =
                new EventsAuthorizer.Request(c.header, "POST", httpEndpoint(), "{}".getBytes(StandardCharsets.UTF_8));
        if (!authorizer.allows(api.connectionAuthModes(), auth, "EVENT_CONNECT", null, null)) {
            c.send(Map.of(
                    "type",
                    "connection_error",
                    "errors",
                    List.of(EventsFailure.unauthorized().body())));
            c.close(1008, "Unauthorized");
            return;
        }
        c.acked = true;
        c.nextKeepAlive = System.nanoTime() + keepAlive.toNanos();
        c.send(Map.of("type", "connection_ack", "connectionTimeoutMs", CONNECTION_TIMEOUT_MS));
    }

    private void subscribe(EventsConnection c, String id, JsonNode message) {
        subscribeRequests.increment();
        if (id == null || id.isEmpty()) {
            c.send(answer("subscribe_error", id, EventsFailure.badRequest("A subscribe message needs an id.")));
            return;
        }
        if (!c.acked) {
            c.send(answer("subscribe_error", id, EventsFailure.unauthorized()));
            return;
        }
        Optional<ChannelPath> path = ChannelPath.parse(message.path("channel").asText(null), true);
        EventsApiDefinition.Namespace namespace =
                path.map(p -> api.namespaces().get(p.namespace())).orElse(null);
        if (path.isEmpty() || namespace == null) {
            c.send(answer(
                    "subscribe_error",
                    id,
                    EventsFailure.badRequest(
                            path.isEmpty()
                                    ? "Invalid channel path."
                                    : "Channel namespace not found: "
                                            + path.get().namespace())));
            return;
        }
        if (!authorizer.allows(
                namespace.subscribeAuthModes(),
                new EventsAuthorizer.Request(fields(message.path("authorization")), "POST", httpEndpoint(), null),
                "EVENT_SUBSCRIBE",
                namespace.name(),
                path.get().toString())) {
            c.send(answer("subscribe_error", id, EventsFailure.unauthorized()));
            return;
        }
        if (c.subscriptions.putIfAbsent(id, path.get()) != null) {
            c.send(answer(
                    "subscribe_error", id, EventsFailure.badRequest("A subscription with this id already exists.")));
            return;
        }
        c.send(Map.of("type", "subscribe_success", "id", id));
    }

    private static Map<String, String> fields(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<String, Object> answer(String type, String id, EventsFailure f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        if (id != null) {
            m.put("id", id);
        }
        m.put("errors", List.of(f.body()));
        return m;
    }

    private void keepAliveTick() {
        long now = System.nanoTime();
        for (EventsConnection c : connections.values()) {
            if (c.acked && now - c.nextKeepAlive >= 0) {
                c.nextKeepAlive = now + keepAlive.toNanos();
                c.send(Map.of("type", "ka"));
            }
        }
    }
}
