package com.liveshop.chat.repository;

import static com.liveshop.shared.dynamo.Attrs.key;
import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * WebSocket connections of sessions and the session's viewer count. The count moves only with an item that
 * was really written or really deleted (conditional put, delete with ALL_OLD), each an atomic ADD on META, so it
 * stays right under concurrent connects, disconnects, 410 clean-ups and bans, and a second $disconnect of the
 * same connection changes nothing.
 */
public class ConnectionRepository {

    /** Outcome of counting one message against the connection's rate window. */
    public sealed interface RateOutcome {
        record Allowed(Connection connection) implements RateOutcome {}
        record Limited() implements RateOutcome {}
        record NotConnected() implements RateOutcome {}
    }

    /** A removed connection and the session's viewer count after it (null when the count did not move). */
    public record Removal(Connection connection, Long viewerCount) {}

    private static final int MAX_RATE_ATTEMPTS = 3;

    private final DynamoDbClient client;
    private final String table;

    public ConnectionRepository(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /** Stores the connection and its lookup item and counts a viewer; returns the viewer count after it. */
    public long add(Connection c, long ttlEpochSeconds) {
        Map<String, AttributeValue> item = new HashMap<>(key(ChatKeys.sessionPk(c.sessionId()), ChatKeys.connectionSk(c.connectionId())));
        item.put("connectionId", s(c.connectionId()));
        item.put("sessionId", s(c.sessionId()));
        item.put("name", s(c.name()));
        item.put("nameKey", s(ChatNames.normalize(c.name())));
        item.put("role", s(c.role()));
        item.put("connectedAt", s(c.connectedAt()));
        item.put("ttl", n(ttlEpochSeconds));
        Map<String, AttributeValue> lookup = new HashMap<>(key(ChatKeys.connectionLookupPk(c.connectionId()), ChatKeys.CONN));
        lookup.put("sessionId", s(c.sessionId()));
        lookup.put("ttl", n(ttlEpochSeconds));
        client.putItem(p -> p.tableName(table).item(lookup));
        try {
            client.putItem(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException e) {
            return viewerCount(c.sessionId()); // a retried $connect: counted already
        }
        return c.host() ? viewerCount(c.sessionId()) : addViewers(c.sessionId(), 1);
    }

    /** The session of a connection (from its lookup item), if it is still connected. */
    public Optional<String> sessionOf(String connectionId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table)
                .key(key(ChatKeys.connectionLookupPk(connectionId), ChatKeys.CONN))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(str(item, "sessionId"));
    }

    public Optional<Connection> find(String sessionId, String connectionId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table).consistentRead(true)
                .key(key(ChatKeys.sessionPk(sessionId), ChatKeys.connectionSk(connectionId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toConnection(item));
    }

    /**
     * Removes a connection (disconnect, 410, ban). Only the call whose delete removed the item uncounts the
     * viewer: repeating it, or two at once, uncount once.
     */
    public Optional<Removal> remove(String sessionId, String connectionId) {
        Map<String, AttributeValue> old;
        try {
            // Conditional, not just ALL_OLD: of two deletes at once exactly one passes the condition.
            old = client.deleteItem(d -> d.tableName(table)
                    .key(key(ChatKeys.sessionPk(sessionId), ChatKeys.connectionSk(connectionId)))
                    .conditionExpression("attribute_exists(pk)")
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
        } catch (ConditionalCheckFailedException alreadyRemoved) {
            old = null;
        }
        client.deleteItem(d -> d.tableName(table).key(key(ChatKeys.connectionLookupPk(connectionId), ChatKeys.CONN)));
        if (old == null || old.isEmpty()) {
            return Optional.empty();
        }
        Connection c = toConnection(old);
        Long count = c.host() ? null : addViewers(sessionId, -1);
        return Optional.of(new Removal(c, count));
    }

    /** Every connection of the session, one Query page at a time (never a Scan). */
    public void forEachPage(String sessionId, Consumer<List<Connection>> page) {
        Map<String, AttributeValue> start = null;
        do {
            final Map<String, AttributeValue> from = start;
            QueryResponse response = client.query(q -> {
                q.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .projectionExpression("connectionId, sessionId, #name, #role, connectedAt")
                        .expressionAttributeNames(Map.of("#name", "name", "#role", "role"))
                        .expressionAttributeValues(Map.of(":pk", s(ChatKeys.sessionPk(sessionId)), ":prefix", s(ChatKeys.CONN_PREFIX)));
                if (from != null) {
                    q.exclusiveStartKey(from);
                }
            });
            if (!response.items().isEmpty()) {
                page.accept(response.items().stream().map(ConnectionRepository::toConnection).toList());
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /**
     * Counts one message in the connection's fixed window {@code windowId} (e.g. epoch seconds / 10): at most
     * {@code max} per window. Conditional updates only, so parallel messages of one connection cannot overshoot.
     */
    public RateOutcome countMessage(String sessionId, String connectionId, long windowId, int max) {
        Map<String, AttributeValue> k = key(ChatKeys.sessionPk(sessionId), ChatKeys.connectionSk(connectionId));
        for (int attempt = 0; attempt < MAX_RATE_ATTEMPTS; attempt++) {
            try {
                Map<String, AttributeValue> now = client.updateItem(u -> u.tableName(table).key(k)
                        .updateExpression("SET msgCount = msgCount + :one")
                        .conditionExpression("attribute_exists(pk) AND msgWindow = :w AND msgCount < :max")
                        .expressionAttributeValues(Map.of(":one", n(1), ":w", n(windowId), ":max", n(max)))
                        .returnValues(ReturnValue.ALL_NEW)).attributes();
                return new RateOutcome.Allowed(toConnection(now));
            } catch (ConditionalCheckFailedException sameWindowFull) {
                // Not in this window yet, or the window is full, or gone: try opening the window.
            }
            try {
                Map<String, AttributeValue> now = client.updateItem(u -> u.tableName(table).key(k)
                        .updateExpression("SET msgWindow = :w, msgCount = :one")
                        .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(msgWindow) OR msgWindow < :w)")
                        .expressionAttributeValues(Map.of(":one", n(1), ":w", n(windowId)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                        .returnValues(ReturnValue.ALL_NEW)).attributes();
                return new RateOutcome.Allowed(toConnection(now));
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> old = e.item();
                if (old == null || old.isEmpty()) {
                    return new RateOutcome.NotConnected();
                }
                if (num(old, "msgWindow") == windowId && num(old, "msgCount") >= max) {
                    return new RateOutcome.Limited();
                }
                // Another message of this connection opened the window between our two updates: count again.
            }
        }
        return new RateOutcome.Limited();
    }

    public long viewerCount(String sessionId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table).consistentRead(true)
                .key(key(ChatKeys.sessionPk(sessionId), ChatKeys.META)).projectionExpression("viewerCount")).item();
        return num(item, "viewerCount");
    }

    /**
     * Takes the session's "viewers push" lease: true (and the lease moves to now / {@code count}) when the last
     * push is at least {@code minIntervalMs} old and pushed another count.
     */
    public boolean leaseViewersPush(String sessionId, long count, long nowMs, long minIntervalMs) {
        try {
            client.updateItem(u -> u.tableName(table).key(key(ChatKeys.sessionPk(sessionId), ChatKeys.META))
                    .updateExpression("SET viewersPushedAtMs = :now, viewersPushedCount = :c")
                    .conditionExpression("attribute_exists(pk)"
                            + " AND (attribute_not_exists(viewersPushedAtMs) OR viewersPushedAtMs <= :before)"
                            + " AND (attribute_not_exists(viewersPushedCount) OR viewersPushedCount <> :c)")
                    .expressionAttributeValues(Map.of(":now", n(nowMs), ":before", n(nowMs - minIntervalMs), ":c", n(count))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private long addViewers(String sessionId, int delta) {
        try {
            Map<String, AttributeValue> now = client.updateItem(u -> u.tableName(table)
                    .key(key(ChatKeys.sessionPk(sessionId), ChatKeys.META))
                    .updateExpression("ADD viewerCount :d")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":d", n(delta)))
                    .returnValues(ReturnValue.UPDATED_NEW)).attributes();
            return num(now, "viewerCount");
        } catch (ConditionalCheckFailedException sessionGone) {
            return 0;
        }
    }

    static Connection toConnection(Map<String, AttributeValue> item) {
        return new Connection(str(item, "sessionId"), str(item, "connectionId"), str(item, "name"), str(item, "role"),
                str(item, "connectedAt"));
    }
}
