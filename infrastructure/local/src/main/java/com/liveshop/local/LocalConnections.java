package com.liveshop.local;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The open WebSocket connections of the local stack, and API Gateway's {@code @connections} management API over
 * them, reached by the real {@code ApiGatewayManagementApiClient} through its endpoint override
 * ({@link #endpoint()}, given to functions as {@code WEBSOCKET_ENDPOINT}):
 * <ul>
 *   <li>{@code POST @connections/{id}} sends the body as one message (text if it is UTF-8, else binary): 200;
 *       410 {@code GoneException} for an unknown or closed connection, 413 {@code PayloadTooLargeException} over 128 KB;</li>
 *   <li>{@code GET @connections/{id}} → {@code {connectedAt, identity: {sourceIp, userAgent}, lastActiveAt}};</li>
 *   <li>{@code DELETE @connections/{id}} closes the connection (which runs {@code $disconnect}): 204.</li>
 * </ul>
 * Errors use the REST-JSON shape the SDK reads ({@code x-amzn-ErrorType} header and {@code message}).
 */
public final class LocalConnections {

    /** Path of the @connections endpoint (the SDK appends {@code /@connections/{id}}). */
    public static final String PATH = "/_local/ws";
    /** API Gateway's WebSocket message payload limit, also for {@code @connections} POST. */
    public static final int MAX_MESSAGE_BYTES = 128 * 1024;
    /** API Gateway's WebSocket frame limit, in and out. */
    public static final int MAX_FRAME_BYTES = 32 * 1024;
    /** Chars per outgoing text frame: at most 3 UTF-8 bytes each, so a frame stays under 32 KB. */
    private static final int MAX_FRAME_CHARS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long SEND_TIMEOUT_SECONDS = 10;

    /** One open connection: who it is, its session and its own queue of invocations (in order). */
    public static final class Connection {
        private final String id;
        private final WebSocketApiDefinition api;
        private final Instant connectedAt;
        private final String sourceIp;
        private final String userAgent;
        private final String domainName;
        private final SerialExecutor invocations;
        private final AtomicBoolean disconnected = new AtomicBoolean();
        private volatile Instant lastActiveAt;
        private volatile Session session;
        private volatile Map<String, Object> authorizer;
        private final Object sendLock = new Object();
        private CompletableFuture<Void> lastSend = CompletableFuture.completedFuture(null);

        Connection(String id, WebSocketApiDefinition api, Instant connectedAt, String sourceIp, String userAgent,
                   String domainName, Executor pool) {
            this.id = id;
            this.api = api;
            // API Gateway keeps milliseconds (connectedAt in events is epoch millis).
            this.connectedAt = connectedAt.truncatedTo(ChronoUnit.MILLIS);
            this.lastActiveAt = this.connectedAt;
            this.sourceIp = sourceIp;
            this.userAgent = userAgent;
            this.domainName = domainName;
            this.invocations = new SerialExecutor(pool);
        }

        public String id() {
            return id;
        }

        public WebSocketApiDefinition api() {
            return api;
        }

        public Instant connectedAt() {
            return connectedAt;
        }

        public Instant lastActiveAt() {
            return lastActiveAt;
        }

        void touch(Instant now) {
            lastActiveAt = now.truncatedTo(ChronoUnit.MILLIS);
        }

        public String sourceIp() {
            return sourceIp;
        }

        public String userAgent() {
            return userAgent;
        }

        public String domainName() {
            return domainName;
        }

        /** Open once the upgrade is done ($connect accepted) and until it closes or is deleted. */
        public boolean isOpen() {
            Session s = session;
            return s != null && s.isOpen() && !disconnected.get();
        }

        void attach(Session upgraded) {
            session = upgraded;
        }

        /** The Lambda authorizer's context of $connect (with principalId), repeated in later events; null without one. */
        Map<String, Object> authorizer() {
            return authorizer;
        }

        void authorizer(Map<String, Object> context) {
            authorizer = context;
        }

        SerialExecutor invocations() {
            return invocations;
        }

        /** True the first time only: $disconnect runs once whoever notices the end first. */
        boolean markDisconnected() {
            return disconnected.compareAndSet(false, true);
        }

        /**
         * Sends one message, after the ones already sent to this connection; the future completes when it is written.
         * Text if the bytes are UTF-8, binary otherwise.
         */
        public CompletableFuture<Void> send(byte[] data) {
            Optional<String> text = utf8(data);
            return text.isPresent() ? send(text.get()) : enqueue(() -> sendBinaryFrames(data));
        }

        public CompletableFuture<Void> send(String text) {
            return enqueue(() -> sendTextFrames(text));
        }

        /** Whole messages one after another: a message split into frames must not interleave with another. */
        private CompletableFuture<Void> enqueue(Supplier<CompletableFuture<Void>> write) {
            synchronized (sendLock) {
                CompletableFuture<Void> next = lastSend.handle((ok, failed) -> null).thenCompose(ignored -> write.get());
                lastSend = next;
                return next;
            }
        }

        /** Like API Gateway, a message over the 32 KB frame limit goes out as several frames. */
        private CompletableFuture<Void> sendTextFrames(String text) {
            Session s = session;
            if (text.length() <= MAX_FRAME_CHARS || utf8Length(text) <= MAX_FRAME_BYTES) {
                return write(callback -> s.sendText(text, callback));
            }
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            int start = 0;
            while (start < text.length()) {
                int end = Math.min(text.length(), start + MAX_FRAME_CHARS);
                if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--;
                }
                String part = text.substring(start, end);
                boolean last = end == text.length();
                done = done.thenCompose(ignored -> write(callback -> s.sendPartialText(part, last, callback)));
                start = end;
            }
            return done;
        }

        private CompletableFuture<Void> sendBinaryFrames(byte[] data) {
            Session s = session;
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            int start = 0;
            do {
                int end = Math.min(data.length, start + MAX_FRAME_BYTES);
                ByteBuffer part = ByteBuffer.wrap(data, start, end - start);
                boolean last = end == data.length;
                done = done.thenCompose(ignored -> write(callback -> s.sendPartialBinary(part, last, callback)));
                start = end;
            } while (start < data.length);
            return done;
        }

        private static CompletableFuture<Void> write(Consumer<Callback> send) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            try {
                send.accept(Callback.from(() -> done.complete(null), done::completeExceptionally));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
            return done;
        }

        void close(int code, String reason) {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.close(code, reason, Callback.NOOP);
            }
        }
    }

    private final String baseUrl;
    private final Clock clock;
    private final Map<String, Connection> open = new ConcurrentHashMap<>();
    private volatile Consumer<Connection> onDelete = c -> {};

    public LocalConnections(String baseUrl, Clock clock) {
        this.baseUrl = baseUrl;
        this.clock = clock;
    }

    /** The endpoint override for {@code ApiGatewayManagementApiClient} (in AWS {@code https://{apiId}.execute-api.{region}.amazonaws.com/{stage}}). */
    public String endpoint() {
        return baseUrl + PATH;
    }

    /** What DELETE does besides forgetting the connection: close it and run $disconnect. */
    void onDelete(Consumer<Connection> action) {
        onDelete = action;
    }

    /** A new connection id in API Gateway's style: 16 characters of base64, e.g. {@code L0SM9cOFvHcCIhw=}. */
    static String newConnectionId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        // URL-safe alphabet: the id travels in @connections paths unescaped by some clients.
        return Base64.getUrlEncoder().encodeToString(bytes);
    }

    void add(Connection connection) {
        open.put(connection.id(), connection);
    }

    Optional<Connection> remove(String id) {
        return Optional.ofNullable(open.remove(id));
    }

    public Optional<Connection> get(String id) {
        Connection c = open.get(id);
        return c == null || !c.isOpen() ? Optional.empty() : Optional.of(c);
    }

    public int count() {
        return open.size();
    }

    public Collection<Connection> all() {
        return List.copyOf(open.values());
    }

    void register(RoutesConfig routes) {
        String path = PATH + "/@connections/{connectionId}";
        routes.post(path, this::post);
        routes.get(path, this::getConnection);
        routes.delete(path, this::delete);
    }

    Map<String, String> describe() {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("POST " + PATH + "/@connections/{connectionId}", "send the body to a connection (ApiGatewayManagementApi "
                + "PostToConnection; functions get the endpoint as WEBSOCKET_ENDPOINT): 410 gone, 413 over 128 KB");
        endpoints.put("GET " + PATH + "/@connections/{connectionId}", "{connectedAt, identity: {sourceIp, userAgent}, lastActiveAt}");
        endpoints.put("DELETE " + PATH + "/@connections/{connectionId}", "close a connection; runs $disconnect");
        return endpoints;
    }

    private void post(Context ctx) {
        byte[] data = ctx.bodyAsBytes();
        if (data.length > MAX_MESSAGE_BYTES) {
            error(ctx, 413, "PayloadTooLargeException", "Message payload exceeds " + MAX_MESSAGE_BYTES + " bytes");
            return;
        }
        Optional<Connection> connection = get(ctx.pathParam("connectionId"));
        if (connection.isEmpty()) {
            gone(ctx);
            return;
        }
        try {
            connection.get().send(data).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ctx.status(200);
        } catch (ExecutionException | TimeoutException e) {
            // The client went away while we wrote: API Gateway answers Gone for a connection it cannot reach.
            gone(ctx);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gone(ctx);
        }
    }

    private void getConnection(Context ctx) {
        Optional<Connection> connection = get(ctx.pathParam("connectionId"));
        if (connection.isEmpty()) {
            gone(ctx);
            return;
        }
        Connection c = connection.get();
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("sourceIp", c.sourceIp());
        identity.put("userAgent", c.userAgent());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("connectedAt", DateTimeFormatter.ISO_INSTANT.format(c.connectedAt()));
        body.put("identity", identity);
        body.put("lastActiveAt", DateTimeFormatter.ISO_INSTANT.format(c.lastActiveAt()));
        LocalJson.write(ctx, 200, body);
    }

    private void delete(Context ctx) {
        Optional<Connection> connection = get(ctx.pathParam("connectionId")).flatMap(c -> remove(c.id()));
        if (connection.isEmpty()) {
            gone(ctx);
            return;
        }
        onDelete.accept(connection.get());
        ctx.status(204);
    }

    Instant now() {
        return clock.instant();
    }

    private static void gone(Context ctx) {
        error(ctx, 410, "GoneException", "The connection is no longer available");
    }

    private static void error(Context ctx, int status, String type, String message) {
        ctx.header("x-amzn-ErrorType", type);
        LocalJson.write(ctx, status, Map.of("message", message));
    }

    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The bytes as text if they are valid UTF-8. */
    static Optional<String> utf8(byte[] data) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
