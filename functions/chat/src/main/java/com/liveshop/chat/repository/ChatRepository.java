package com.liveshop.chat.repository;

import static com.liveshop.shared.dynamo.Attrs.key;
import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.shared.json.Json;
import com.liveshop.shared.ratelimit.RateWindows;
import com.liveshop.shared.realtime.ChatMessage;
import com.liveshop.shared.sessions.SessionKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Chat messages, tickets, rate windows and a session's moderation state and chat settings (its META item). Every limit
 * is one conditional write, so it holds across all Lambda environments at once.
 */
public class ChatRepository {

    /**
     * This many messages per second per show (and slow mode off) until a host changes it
     * (CHAT_DEFAULT_MESSAGES_PER_SECOND).
     */
    public static final int DEFAULT_MESSAGES_PER_SECOND = 20;

    private final DynamoDbClient client;
    private final String table;
    private final RateWindows windows;

    public ChatRepository(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
        this.windows = new RateWindows(client, table);
    }

    public Optional<SessionState> session(String sessionId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table)
                        .consistentRead(true)
                        .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                        .projectionExpression(
                                "sessionId, #status, blocklist, bannedNames, bannedTickets, bannedClients, "
                                        + "chatMessagesPerSecond, chatSlowModeSeconds, " + SessionKeys.BUY_KEYWORD
                                        + ", currentHighlight")
                        .expressionAttributeNames(Map.of("#status", "status")))
                .item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        List<String> blocklist = item.containsKey("blocklist")
                ? item.get("blocklist").l().stream().map(AttributeValue::s).toList()
                : List.of();
        return Optional.of(new SessionState(
                sessionId,
                str(item, "status"),
                blocklist,
                stringSet(item, "bannedNames"),
                stringSet(item, "bannedTickets"),
                stringSet(item, "bannedClients"),
                item.containsKey("chatMessagesPerSecond") ? intOr(item, "chatMessagesPerSecond", 0) : null,
                intOr(item, "chatSlowModeSeconds", 0),
                item.containsKey(SessionKeys.BUY_KEYWORD)
                        ? str(item, SessionKeys.BUY_KEYWORD)
                        : SessionKeys.DEFAULT_BUY_KEYWORD,
                "LIVE".equals(str(item, "status")) && item.containsKey("currentHighlight")
                        ? blankToNull(featuredSku(str(item, "currentHighlight")))
                        : null));
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static Set<String> stringSet(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? Set.copyOf(item.get(name).ss()) : Set.of();
    }

    private static int intOr(Map<String, AttributeValue> item, String name, int fallback) {
        return item.containsKey(name) ? Integer.parseInt(item.get(name).n()) : fallback;
    }

    /** A live session and the sku it features right now. */
    public record FeaturedSku(String sessionId, String sku) {}

    /** Live sessions that feature a product now, from the sparse byStart index (one small partition). */
    public List<FeaturedSku> liveFeaturedSkus() {
        List<FeaturedSku> out = new ArrayList<>();
        client.queryPaginator(q -> q.tableName(table)
                        .indexName("byStart")
                        .keyConditionExpression("gsi1pk = :active")
                        .filterExpression("#status = :live AND attribute_exists(currentHighlight)")
                        .projectionExpression("sessionId, currentHighlight")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":active", s("ACTIVE"), ":live", s("LIVE"))))
                .items()
                .forEach(item -> {
                    String sku = featuredSku(str(item, "currentHighlight"));
                    if (!sku.isEmpty()) {
                        out.add(new FeaturedSku(str(item, "sessionId"), sku));
                    }
                });
        return out;
    }

    private static String featuredSku(String currentHighlightJson) {
        try {
            return Json.MAPPER.readTree(currentHighlightJson).path("sku").asText("");
        } catch (java.io.IOException unreadable) {
            return "";
        }
    }

    /**
     * Claims the right to push {@code available} of {@code sku} to the session: at most once per {@code minIntervalMs}
     * per session and sku, and never the same figure twice in a row. A conditional update on the session item, so every
     * Lambda environment shares it.
     */
    public boolean leaseStockPush(String sessionId, String sku, long available, long nowMs, long minIntervalMs) {
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                    .updateExpression("SET stockPushedSku = :sku, stockPushedAtMs = :now, stockPushedAvailable = :a")
                    .conditionExpression(
                            "attribute_exists(pk) AND (attribute_not_exists(stockPushedSku) OR stockPushedSku <> :sku"
                                    + " OR (stockPushedAtMs <= :before AND stockPushedAvailable <> :a))")
                    .expressionAttributeValues(Map.of(
                            ":sku",
                            s(sku),
                            ":now",
                            n(nowMs),
                            ":before",
                            n(nowMs - minIntervalMs),
                            ":a",
                            n(available))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ rate windows

    /**
     * Counts one more in the window item {@code pk} if it holds fewer than {@code limit} (shared {@link RateWindows}).
     */
    public boolean tryCount(String pk, int limit, long ttlEpochSeconds) {
        return windows.tryCount(pk, limit, ttlEpochSeconds);
    }

    /**
     * Counts one more in the window item {@code pk} if it holds fewer than {@code limit}: the new count, or 0 (nothing
     * written) when the window is full.
     */
    public long countIn(String pk, int limit, long ttlEpochSeconds) {
        try {
            return Long.parseLong(client.updateItem(u -> u.tableName(table)
                            .key(key(pk, ChatKeys.LIMIT))
                            .updateExpression("ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)")
                            .conditionExpression("attribute_not_exists(#n) OR #n < :limit")
                            .expressionAttributeNames(Map.of("#n", "n", "#ttl", "ttl"))
                            .expressionAttributeValues(
                                    Map.of(":one", n(1), ":limit", n(limit), ":ttl", n(ttlEpochSeconds)))
                            .returnValues(ReturnValue.UPDATED_NEW))
                    .attributes()
                    .get("n")
                    .n());
        } catch (ConditionalCheckFailedException e) {
            return 0;
        }
    }

    /** Creates the marker item {@code pk}; true if this call created it (false: it was there). */
    public boolean mark(String pk, long ttlEpochSeconds) {
        try {
            client.putItem(p -> p.tableName(table)
                    .item(Map.of("pk", s(pk), "sk", s(ChatKeys.LIMIT), "ttl", n(ttlEpochSeconds)))
                    .conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** The counts of the window items {@code pks} (0 for a missing one), in one eventually consistent batch read. */
    public long maxCount(List<String> pks) {
        var keys = pks.stream().map(pk -> key(pk, ChatKeys.LIMIT)).toList();
        var items = client.batchGetItem(b -> b.requestItems(Map.of(
                        table,
                        software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder()
                                .keys(keys)
                                .projectionExpression("#n")
                                .expressionAttributeNames(Map.of("#n", "n"))
                                .build())))
                .responses()
                .getOrDefault(table, List.of());
        return items.stream()
                .filter(i -> i.containsKey("n"))
                .mapToLong(i -> Long.parseLong(i.get("n").n()))
                .max()
                .orElse(0);
    }

    /**
     * Slow mode: records a message at {@code nowMs} on item {@code pk} if the last one was at least {@code minGapMs}
     * before; otherwise writes nothing and returns the last one's time.
     */
    public OptionalLong tooSoonAfter(String pk, long nowMs, long minGapMs, long ttlEpochSeconds) {
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(pk, ChatKeys.LIMIT))
                    .updateExpression("SET lastAtMs = :now, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(lastAtMs) OR lastAtMs <= :before")
                    .expressionAttributeNames(Map.of("#ttl", "ttl"))
                    .expressionAttributeValues(
                            Map.of(":now", n(nowMs), ":before", n(nowMs - minGapMs), ":ttl", n(ttlEpochSeconds)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return OptionalLong.empty();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.item();
            return OptionalLong.of(
                    old != null && old.containsKey("lastAtMs")
                            ? Long.parseLong(old.get("lastAtMs").n())
                            : nowMs);
        }
    }

    // ------------------------------------------------------------------ tickets

    /** An issued ticket: its name, and the fingerprint of the address that obtained it. */
    public record StoredTicket(String name, String client) {}

    /**
     * Records an issued ticket's name and client fingerprint (for a ban by ticket id); it expires with the ticket, plus
     * a day.
     */
    public void putTicket(
            String sessionId, String ticketId, String name, String fingerprint, String issuedAt, long ttlEpochSeconds) {
        client.putItem(p -> p.tableName(table)
                .item(Map.of(
                        "pk",
                        s(SessionKeys.sessionPk(sessionId)),
                        "sk",
                        s(ChatKeys.ticketSk(ticketId)),
                        "ticketId",
                        s(ticketId),
                        "name",
                        s(name),
                        "client",
                        s(fingerprint),
                        "issuedAt",
                        s(issuedAt),
                        "ttl",
                        n(ttlEpochSeconds))));
    }

    /** The ticket, if it was issued in this session. */
    public Optional<StoredTicket> ticket(String sessionId, String ticketId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table)
                        .consistentRead(true)
                        .key(key(SessionKeys.sessionPk(sessionId), ChatKeys.ticketSk(ticketId))))
                .item();
        return item == null || item.isEmpty()
                ? Optional.empty()
                : Optional.of(new StoredTicket(str(item, "name"), str(item, "client")));
    }

    // ------------------------------------------------------------------ messages

    public void putMessage(String sessionId, ChatMessage m, long ttlEpochSeconds) {
        Map<String, AttributeValue> item =
                new HashMap<>(key(SessionKeys.sessionPk(sessionId), ChatKeys.messageSk(m.messageId())));
        item.put("messageId", s(m.messageId()));
        item.put("name", s(m.name()));
        item.put("role", s(m.role()));
        item.put("text", s(m.text()));
        item.put("at", s(m.at()));
        if (m.ticketId() != null) {
            item.put("ticketId", s(m.ticketId()));
        }
        item.put("ttl", n(ttlEpochSeconds));
        client.putItem(p -> p.tableName(table).item(item));
    }

    /** The session's latest {@code limit} messages, oldest first (one Query, newest first, reversed). */
    public List<ChatMessage> recentMessages(String sessionId, int limit) {
        List<Map<String, AttributeValue>> items = client.query(q -> q.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :msg)")
                        .expressionAttributeValues(
                                Map.of(":pk", s(SessionKeys.sessionPk(sessionId)), ":msg", s(ChatKeys.MSG_PREFIX)))
                        .scanIndexForward(false)
                        .limit(limit))
                .items();
        List<ChatMessage> out =
                new ArrayList<>(items.stream().map(ChatRepository::toMessage).toList());
        Collections.reverse(out);
        return out;
    }

    public Optional<ChatMessage> findMessage(String sessionId, String messageId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table)
                        .consistentRead(true)
                        .key(key(SessionKeys.sessionPk(sessionId), ChatKeys.messageSk(messageId))))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toMessage(item));
    }

    /** Deletes the message; false when there was none. Unpins it when it was the pinned one. */
    public boolean deleteMessage(String sessionId, String messageId) {
        Map<String, AttributeValue> old = client.deleteItem(d -> d.tableName(table)
                        .key(key(SessionKeys.sessionPk(sessionId), ChatKeys.messageSk(messageId)))
                        .returnValues(ReturnValue.ALL_OLD))
                .attributes();
        if (old == null || old.isEmpty()) {
            return false;
        }
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                    .updateExpression("REMOVE pinnedMessage, pinnedMessageId")
                    .conditionExpression("pinnedMessageId = :id")
                    .expressionAttributeValues(Map.of(":id", s(messageId))));
        } catch (ConditionalCheckFailedException notPinned) {
            // the usual case
        }
        return true;
    }

    // ------------------------------------------------------------------ moderation state and settings

    /** Replaces the blocklist (lower-case words); false when the session does not exist. */
    public boolean setBlocklist(String sessionId, List<String> words) {
        return updateMeta(
                sessionId,
                "SET blocklist = :w",
                Map.of(
                        ":w",
                        AttributeValue.fromL(
                                words.stream().map(AttributeValue::fromS).toList())));
    }

    /** Bans a name by its look-alike keys; false when the session does not exist. */
    public boolean banNames(String sessionId, List<String> keys) {
        return updateMeta(sessionId, "ADD bannedNames :n", Map.of(":n", AttributeValue.fromSs(keys)));
    }

    /**
     * Bans a ticket and the client (address fingerprint) that obtained it; false when the session does not exist. A
     * ticket recorded before tickets carried their client has none: only the ticket is banned.
     */
    public boolean banTicket(String sessionId, String ticketId, String fingerprint) {
        if (fingerprint == null || fingerprint.isEmpty()) {
            return updateMeta(
                    sessionId, "ADD bannedTickets :t", Map.of(":t", AttributeValue.fromSs(List.of(ticketId))));
        }
        return updateMeta(
                sessionId,
                "ADD bannedTickets :t, bannedClients :c",
                Map.of(
                        ":t",
                        AttributeValue.fromSs(List.of(ticketId)),
                        ":c",
                        AttributeValue.fromSs(List.of(fingerprint))));
    }

    /** Sets the chat settings given (null: unchanged); at least one is given. */
    public boolean setChatSettings(
            String sessionId, Integer messagesPerSecond, Integer slowModeSeconds, String buyKeyword) {
        List<String> sets = new ArrayList<>();
        Map<String, AttributeValue> values = new HashMap<>();
        if (messagesPerSecond != null) {
            sets.add("chatMessagesPerSecond = :mps");
            values.put(":mps", n(messagesPerSecond));
        }
        if (slowModeSeconds != null) {
            sets.add("chatSlowModeSeconds = :slow");
            values.put(":slow", n(slowModeSeconds));
        }
        if (buyKeyword != null) {
            sets.add(SessionKeys.BUY_KEYWORD + " = :keyword");
            values.put(":keyword", s(buyKeyword));
        }
        return updateMeta(sessionId, "SET " + String.join(", ", sets), values);
    }

    /** Makes the message the pinned one (a JSON copy on META, shown by GET /sessions/{id}). */
    public boolean pin(String sessionId, ChatMessage m, String pinnedAt) {
        Map<String, Object> pinned = new java.util.LinkedHashMap<>();
        pinned.put("messageId", m.messageId());
        pinned.put("name", m.name());
        pinned.put("role", m.role());
        pinned.put("text", m.text());
        pinned.put("at", m.at());
        pinned.put("pinnedAt", pinnedAt);
        return updateMeta(
                sessionId,
                "SET pinnedMessage = :p, pinnedMessageId = :id",
                Map.of(":p", s(Json.write(pinned)), ":id", s(m.messageId())));
    }

    private boolean updateMeta(String sessionId, String expression, Map<String, AttributeValue> values) {
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                    .updateExpression(expression)
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    static ChatMessage toMessage(Map<String, AttributeValue> item) {
        return new ChatMessage(
                str(item, "messageId"),
                str(item, "name"),
                str(item, "role"),
                str(item, "text"),
                str(item, "at"),
                item.containsKey("ticketId") ? str(item, "ticketId") : null);
    }

    /** Distinct, order kept. */
    public static List<String> distinct(List<String> words) {
        return List.copyOf(new LinkedHashSet<>(words));
    }
}
