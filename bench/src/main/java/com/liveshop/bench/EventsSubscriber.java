package com.liveshop.bench;

import com.liveshop.shared.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One AppSync Events real-time subscriber with the real protocol: WebSocket with the {@code aws-appsync-event-ws}
 * subprotocol and the base64url auth header, {@code connection_init}, {@code subscribe} with the API key, then every
 * {@code data} message's event (a JSON string) to {@code onEvent}. The JDK client; no thread of its own.
 */
final class EventsSubscriber implements WebSocket.Listener {

    static final String SUBPROTOCOL = "aws-appsync-event-ws";

    private final String channel;
    private final Map<String, String> auth;
    private final Runnable onSubscribed;
    private final Consumer<String> onEvent;
    private final Consumer<String> onError;
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;

    private EventsSubscriber(
            String channel,
            Map<String, String> auth,
            Runnable onSubscribed,
            Consumer<String> onEvent,
            Consumer<String> onError) {
        this.channel = channel;
        this.auth = auth;
        this.onSubscribed = onSubscribed;
        this.onEvent = onEvent;
        this.onError = onError;
    }

    /** Connects to {@code realtimeUrl} (wss://…/event/realtime) for {@code channel}, authorized by API key. */
    static CompletableFuture<EventsSubscriber> open(
            HttpClient http,
            String realtimeUrl,
            String httpUrl,
            String apiKey,
            String channel,
            Runnable onSubscribed,
            Consumer<String> onEvent,
            Consumer<String> onError) {
        return open(http, realtimeUrl, httpUrl, apiKey, channel, null, onSubscribed, onEvent, onError);
    }

    /**
     * As above, but the subscribe carries {@code lambdaToken} for the namespace's Lambda authorizer (a buyer's
     * {@code /carts/{cartId}} with its cart id); the connection still opens with the API key. Null: the API key.
     */
    static CompletableFuture<EventsSubscriber> open(
            HttpClient http,
            String realtimeUrl,
            String httpUrl,
            String apiKey,
            String channel,
            String lambdaToken,
            Runnable onSubscribed,
            Consumer<String> onEvent,
            Consumer<String> onError) {
        Map<String, String> auth = Map.of("host", URI.create(httpUrl).getAuthority(), "x-api-key", apiKey);
        String header = "header-"
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(Json.write(auth).getBytes(StandardCharsets.UTF_8));
        Map<String, String> subscribeAuth = lambdaToken == null
                ? auth
                : Map.of("host", URI.create(httpUrl).getAuthority(), "Authorization", lambdaToken);
        EventsSubscriber s = new EventsSubscriber(channel, subscribeAuth, onSubscribed, onEvent, onError);
        return http.newWebSocketBuilder()
                .subprotocols(SUBPROTOCOL, header)
                .buildAsync(URI.create(realtimeUrl), s)
                .thenApply(ws -> s);
    }

    void close() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    @Override
    public void onOpen(WebSocket ws) {
        socket = ws;
        lastMessage = "open";
        send(ws, "{\"type\":\"connection_init\"}");
        ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            handle(ws, text);
        }
        ws.request(1);
        return null;
    }

    /**
     * The JDK WebSocket refuses a send while the previous one is pending (the refusal is only in the returned future):
     * the server's connection_ack can arrive before connection_init's send has completed, and a subscribe sent then was
     * silently lost. Sends are chained instead.
     */
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    private synchronized void send(WebSocket ws, String text) {
        sending = sending.handle((done, failed) -> null)
                .thenCompose(x -> ws.sendText(text, true))
                .whenComplete((done, failed) -> {
                    if (failed != null) {
                        onError.accept("WS_SEND");
                    }
                });
    }

    /** The last protocol message this subscriber got ("open" before any): where a stalled one stopped. */
    volatile String lastMessage = "connecting";

    private void handle(WebSocket ws, String text) {
        try {
            var message = Json.MAPPER.readTree(text);
            lastMessage = message.path("type").asText("");
            switch (message.path("type").asText("")) {
                case "connection_ack" ->
                    send(
                            ws,
                            Json.write(Map.of(
                                    "type",
                                    "subscribe",
                                    "id",
                                    UUID.randomUUID().toString(),
                                    "channel",
                                    channel,
                                    "authorization",
                                    auth)));
                case "subscribe_success" -> onSubscribed.run();
                case "data" -> onEvent.accept(message.path("event").asText());
                case "ka" -> {}
                default -> onError.accept("WS " + message.path("type").asText("?"));
            }
        } catch (Exception e) {
            onError.accept("WS_PARSE");
        }
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        onError.accept("WS_ERROR");
    }
}
