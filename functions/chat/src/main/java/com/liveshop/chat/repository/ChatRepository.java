package com.liveshop.chat.repository;

import static com.liveshop.shared.dynamo.Attrs.key;
import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.shared.json.Json;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/** Chat messages and a session's moderation state (blocklist, banned names, pinned message) on its META item. */
public class ChatRepository {

    private final DynamoDbClient client;
    private final String table;

    public ChatRepository(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    public Optional<SessionState> session(String sessionId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table).consistentRead(true)
                .key(key(ChatKeys.sessionPk(sessionId), ChatKeys.META))
                .projectionExpression("sessionId, #status, viewerCount, blocklist, bannedNames")
                .expressionAttributeNames(Map.of("#status", "status"))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        List<String> blocklist = item.containsKey("blocklist") ? item.get("blocklist").l().stream().map(AttributeValue::s).toList() : List.of();
        Set<String> banned = item.containsKey("bannedNames") ? Set.copyOf(item.get("bannedNames").ss()) : Set.of();
        return Optional.of(new SessionState(sessionId, str(item, "status"), num(item, "viewerCount"), blocklist, banned));
    }

    /** A live session's viewer count and the last count pushed to its connections (null: none yet). */
    public record ViewerCounts(String sessionId, long viewerCount, Long pushedCount) {}

    /**
     * Live sessions' counts, from the sparse byStart index (scheduled and live sessions only: one small
     * partition, never a Scan).
     */
    public List<ViewerCounts> liveViewerCounts() {
        List<ViewerCounts> out = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            final Map<String, AttributeValue> from = start;
            var page = client.query(q -> {
                q.tableName(table).indexName("byStart").keyConditionExpression("gsi1pk = :active")
                        .filterExpression("#status = :live")
                        .projectionExpression("sessionId, viewerCount, viewersPushedCount")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":active", s("ACTIVE"), ":live", s("LIVE")));
                if (from != null) {
                    q.exclusiveStartKey(from);
                }
            });
            for (Map<String, AttributeValue> item : page.items()) {
                out.add(new ViewerCounts(str(item, "sessionId"), num(item, "viewerCount"),
                        item.containsKey("viewersPushedCount") ? num(item, "viewersPushedCount") : null));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    /** A live session and the sku it features right now. */
    public record FeaturedSku(String sessionId, String sku) {}

    /** Live sessions that feature a product now, from the sparse byStart index (one small partition). */
    public List<FeaturedSku> liveFeaturedSkus() {
        List<FeaturedSku> out = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            final Map<String, AttributeValue> from = start;
            var page = client.query(q -> {
                q.tableName(table).indexName("byStart").keyConditionExpression("gsi1pk = :active")
                        .filterExpression("#status = :live AND attribute_exists(currentHighlight)")
                        .projectionExpression("sessionId, currentHighlight")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":active", s("ACTIVE"), ":live", s("LIVE")));
                if (from != null) {
                    q.exclusiveStartKey(from);
                }
            });
            for (Map<String, AttributeValue> item : page.items()) {
                String sku = featuredSku(str(item, "currentHighlight"));
                if (!sku.isEmpty()) {
                    out.add(new FeaturedSku(str(item, "sessionId"), sku));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
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
     * Claims the right to push {@code available} of {@code sku} to the session: at most once per
     * {@code minIntervalMs} per session and sku, and never the same figure twice in a row. A conditional update
     * on the session item, so every Lambda environment shares it.
     */
    public boolean leaseStockPush(String sessionId, String sku, long available, long nowMs, long minIntervalMs) {
        try {
            client.updateItem(u -> u.tableName(table).key(key(ChatKeys.sessionPk(sessionId), ChatKeys.META))
                    .updateExpression("SET stockPushedSku = :sku, stockPushedAtMs = :now, stockPushedAvailable = :a")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(stockPushedSku) OR stockPushedSku <> :sku"
                            + " OR (stockPushedAtMs <= :before AND stockPushedAvailable <> :a))")
                    .expressionAttributeValues(Map.of(":sku", s(sku), ":now", n(nowMs), ":before", n(nowMs - minIntervalMs),
                            ":a", n(available))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ messages

    public void putMessage(String sessionId, Message m, String connectionId, long ttlEpochSeconds) {
        Map<String, AttributeValue> item = new HashMap<>(key(ChatKeys.sessionPk(sessionId), ChatKeys.messageSk(m.messageId())));
        item.put("messageId", s(m.messageId()));
        item.put("name", s(m.name()));
        item.put("role", s(m.role()));
        item.put("text", s(m.text()));
        item.put("at", s(m.at()));
        item.put("connectionId", s(connectionId));
        item.put("ttl", n(ttlEpochSeconds));
        client.putItem(p -> p.tableName(table).item(item));
    }

    public Optional<Message> findMessage(String sessionId, String messageId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table).consistentRead(true)
                .key(key(ChatKeys.sessionPk(sessionId), ChatKeys.messageSk(messageId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toMessage(item));
    }

    /** Deletes the message; false when there was none. Unpins it when it was the pinned one. */
    public boolean deleteMessage(String sessionId, String messageId) {
        Map<String, AttributeValue> old = client.deleteItem(d -> d.tableName(table)
                .key(key(ChatKeys.sessionPk(sessionId), ChatKeys.messageSk(messageId)))
                .returnValues(ReturnValue.ALL_OLD)).attributes();
        if (old == null || old.isEmpty()) {
            return false;
        }
        try {
            client.updateItem(u -> u.tableName(table).key(key(ChatKeys.sessionPk(sessionId), ChatKeys.META))
                    .updateExpression("REMOVE pinnedMessage, pinnedMessageId")
                    .conditionExpression("pinnedMessageId = :id")
                    .expressionAttributeValues(Map.of(":id", s(messageId))));
        } catch (ConditionalCheckFailedException notPinned) {
            // the usual case
        }
        return true;
    }

    // ------------------------------------------------------------------ moderation state

    /** Replaces the blocklist (lower-case words); false when the session does not exist. */
    public boolean setBlocklist(String sessionId, List<String> words) {
        return updateMeta(sessionId, "SET blocklist = :w", Map.of(":w", AttributeValue.fromL(words.stream().map(AttributeValue::fromS).toList())));
    }

    /** Adds a (normalized) name to the session's banned names; false when the session does not exist. */
    public boolean ban(String sessionId, String name) {
        return updateMeta(sessionId, "ADD bannedNames :n", Map.of(":n", AttributeValue.fromSs(List.of(ChatNames.normalize(name)))));
    }

    /** Makes the message the pinned one (a JSON copy on META, shown by GET /sessions/{id}). */
    public boolean pin(String sessionId, Message m, String pinnedAt) {
        Map<String, Object> pinned = new java.util.LinkedHashMap<>();
        pinned.put("messageId", m.messageId());
        pinned.put("name", m.name());
        pinned.put("role", m.role());
        pinned.put("text", m.text());
        pinned.put("at", m.at());
        pinned.put("pinnedAt", pinnedAt);
        return updateMeta(sessionId, "SET pinnedMessage = :p, pinnedMessageId = :id",
                Map.of(":p", s(Json.write(pinned)), ":id", s(m.messageId())));
    }

    private boolean updateMeta(String sessionId, String expression, Map<String, AttributeValue> values) {
        try {
            client.updateItem(u -> u.tableName(table).key(key(ChatKeys.sessionPk(sessionId), ChatKeys.META))
                    .updateExpression(expression)
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    static Message toMessage(Map<String, AttributeValue> item) {
        return new Message(str(item, "messageId"), str(item, "name"), str(item, "role"), str(item, "text"), str(item, "at"));
    }

    /** Distinct, order kept. */
    public static List<String> distinct(List<String> words) {
        return List.copyOf(new LinkedHashSet<>(words));
    }
}
