package com.liveshop.local.appsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import dev.samlocal.appsync.LocalAppSyncEvents;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber as a page is one: one real-time connection (JDK WebSocket, the AppSync Events protocol) with one
 * subscription, handing out the events of its channel as JSON. API-key auth by default; {@link #withToken} for the
 * hosts namespace (its AWS_LAMBDA authorizer takes the host's token as {@code Authorization}).
 */
public final class ChannelSubscriber implements AutoCloseable {

    private final EventsClient client;
    private final List<JsonNode> seen = new ArrayList<>();
    /** Chat messages of chatBatch frames received but not yet handed out by {@link #nextChat}. */
    private final java.util.ArrayDeque<JsonNode> chat = new java.util.ArrayDeque<>();

    private ChannelSubscriber(EventsClient client) {
        this.client = client;
    }

    public static ChannelSubscriber withApiKey(LocalAppSyncEvents events, String channel) throws InterruptedException {
        return open(events, channel, Map.of("host", host(events), "x-api-key", events.apiKey()));
    }

    public static ChannelSubscriber withToken(LocalAppSyncEvents events, String channel, String token)
            throws InterruptedException {
        return open(events, channel, Map.of("host", host(events), "Authorization", token));
    }

    private static String host(LocalAppSyncEvents events) {
        return URI.create(events.httpEndpoint()).getAuthority();
    }

    private static ChannelSubscriber open(LocalAppSyncEvents events, String channel, Map<String, String> auth)
            throws InterruptedException {
        EventsClient client = EventsClient.connect(events.realtimeEndpoint(), auth);
        client.send(Map.of("type", "connection_init"));
        client.await("connection_ack");
        client.send(Map.of(
                "type", "subscribe", "id", UUID.randomUUID().toString(), "channel", channel, "authorization", auth));
        JsonNode answer = client.awaitAny("subscribe_success", "subscribe_error");
        if (!answer.path("type").asText().equals("subscribe_success")) {
            client.close();
            throw new IllegalStateException("Subscription to " + channel + " refused: " + answer);
        }
        return new ChannelSubscriber(client);
    }

    /** The next event whose {@code type} is {@code type}, skipping others; fails after 10 s. */
    public JsonNode next(String type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode m = client.received.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && m.path("type").asText().equals("data")) {
                JsonNode event = Json.MAPPER.readTree(m.path("event").asText());
                seen.add(event);
                if (event.path("type").asText().equals(type)) {
                    return event;
                }
            }
        }
        throw new AssertionError("No " + type + " event within 10 s; saw " + seen);
    }

    /**
     * The next chat message, out of the {@code chatBatch} frames in the order they arrive (as received: a retried batch
     * can repeat a message, which a page drops by {@code messageId}); fails after 10 s without a frame.
     */
    public JsonNode nextChat() throws Exception {
        while (chat.isEmpty()) {
            next("chatBatch").path("messages").forEach(chat::add);
        }
        return chat.poll();
    }

    /** The chat messages of {@code events}' chatBatch frames, in order. */
    public static List<JsonNode> chatIn(List<JsonNode> events) {
        List<JsonNode> messages = new ArrayList<>();
        events.stream()
                .filter(e -> e.path("type").asText().equals("chatBatch"))
                .forEach(e -> e.path("messages").forEach(messages::add));
        return messages;
    }

    /** Every event that arrives within {@code millis}. */
    public List<JsonNode> drain(long millis) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            JsonNode m = client.received.poll(20, TimeUnit.MILLISECONDS);
            if (m != null && m.path("type").asText().equals("data")) {
                out.add(Json.MAPPER.readTree(m.path("event").asText()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
    }
}
