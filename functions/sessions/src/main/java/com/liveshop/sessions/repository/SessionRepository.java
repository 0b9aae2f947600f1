package com.liveshop.sessions.repository;

import static com.liveshop.shared.dynamo.Attrs.key;
import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.optNum;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.sessions.SessionKeys;
import com.liveshop.shared.stats.ShowStatsRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Sessions, broadcasts, timeline and reminders in the Sessions table. Every status change is one conditional UpdateItem
 * whose condition encodes the rule (never backwards, never an older broadcast over a newer one), so duplicated or
 * reordered IVS events change nothing twice.
 */
public class SessionRepository {

    private final DynamoDbClient client;
    private final String table;
    private final ShowStatsRepository stats;

    public SessionRepository(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
        this.stats = new ShowStatsRepository(client, table, java.time.Clock.systemUTC());
    }

    /** The shows' sales stats, kept in this table by the checkout's stats function. */
    public ShowStatsRepository stats() {
        return stats;
    }

    // ------------------------------------------------------------------ create and read

    /** The session META and its channel mapping, in one transaction (both new). */
    public void create(Session s, String createdAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(SessionKeys.PK, s(SessionKeys.sessionPk(s.sessionId())));
        item.put(SessionKeys.SK, s(SessionKeys.META));
        item.put("sessionId", s(s.sessionId()));
        item.put("title", s(s.title()));
        if (s.description() != null) {
            item.put("description", s(s.description()));
        }
        item.put("startsAt", s(s.startsAt()));
        item.put("status", s(Session.SCHEDULED));
        item.put("channelArn", s(s.channelArn()));
        item.put("playbackUrl", s(s.playbackUrl()));
        item.put("ingestEndpoint", s(s.ingestEndpoint()));
        item.put(
                "lineup",
                AttributeValue.fromL(
                        s.lineup().stream().map(AttributeValue::fromS).toList()));
        item.put("createdAt", s(createdAt));
        item.put("reminderCount", n(0));
        item.put("gsi1pk", s(SessionKeys.ACTIVE));
        item.put("gsi1sk", s(s.startsAt() + "#" + s.sessionId()));
        Map<String, AttributeValue> channel = Map.of(
                SessionKeys.PK,
                s(SessionKeys.channelPk(s.channelArn())),
                SessionKeys.SK,
                s(SessionKeys.CHANNEL),
                "sessionId",
                s(s.sessionId()));
        client.transactWriteItems(t -> t.transactItems(
                TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(item)
                                .conditionExpression("attribute_not_exists(pk)")
                                .build())
                        .build(),
                TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(channel)
                                .conditionExpression("attribute_not_exists(pk)")
                                .build())
                        .build()));
    }

    public Optional<Session> find(String sessionId) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table)
                        .consistentRead(true)
                        .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META)))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toSession(item));
    }

    public Optional<String> sessionIdOfChannel(String channelArn) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table)
                        .consistentRead(true)
                        .key(key(SessionKeys.channelPk(channelArn), SessionKeys.CHANNEL)))
                .item();
        return item == null || item.isEmpty()
                ? Optional.empty()
                : Optional.of(item.get("sessionId").s());
    }

    /** Scheduled and live sessions by start time (the sparse byStart index), at most {@code limit}. */
    public List<Session> active(int limit) {
        QueryResponse response = client.query(q -> q.tableName(table)
                .indexName(SessionKeys.BY_START_INDEX)
                .keyConditionExpression("gsi1pk = :active")
                .expressionAttributeValues(Map.of(":active", s(SessionKeys.ACTIVE)))
                .limit(limit));
        return response.items().stream().map(SessionRepository::toSession).toList();
    }

    /** The timeline in offset order. */
    public List<Session.Highlight> timeline(String sessionId) {
        List<Session.Highlight> result = new ArrayList<>();
        for (Map<String, AttributeValue> item :
                queryPrefix(sessionId, SessionKeys.HIGHLIGHT_PREFIX, Integer.MAX_VALUE)) {
            result.add(new Session.Highlight(
                    str(item, "highlightId"),
                    str(item, "sku"),
                    str(item, "title"),
                    num(item, "priceCents"),
                    str(item, "currency"),
                    optNum(item, "dealPriceCents"),
                    str(item, "dealEndsAt"),
                    num(item, "offsetMs"),
                    str(item, "at")));
        }
        return result;
    }

    private List<Map<String, AttributeValue>> queryPrefix(String sessionId, String prefix, int limit) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            final Map<String, AttributeValue> from = start;
            QueryResponse page = client.query(q -> {
                q.tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(
                                Map.of(":pk", s(SessionKeys.sessionPk(sessionId)), ":prefix", s(prefix)));
                if (from != null) {
                    q.exclusiveStartKey(from);
                }
            });
            for (Map<String, AttributeValue> item : page.items()) {
                if (items.size() < limit) {
                    items.add(item);
                }
            }
            start = items.size() < limit
                            && page.hasLastEvaluatedKey()
                            && !page.lastEvaluatedKey().isEmpty()
                    ? page.lastEvaluatedKey()
                    : null;
        } while (start != null);
        return items;
    }

    // ------------------------------------------------------------------ reminders
    // One item per show and address: pk SESSION#<id>, sk REMINDER#<reminderId> (an HMAC of the address, ReminderLinks),
    // status PENDING until its confirmation link is followed, then CONFIRMED; the session's reminderCount counts the
    // CONFIRMED ones. Unsubscribing deletes the item (and the address with it).

    /** A reminder as the sender needs it. */
    public record Reminder(String reminderId, String email, String status) {
        public boolean confirmed() {
            return CONFIRMED.equals(status);
        }

        @Override
        public String toString() {
            return "Reminder[" + reminderId + ", " + status + "]";
        }
    }

    public static final String PENDING = "PENDING";
    public static final String CONFIRMED = "CONFIRMED";

    /** Outcome of following a confirmation link. */
    public enum ConfirmOutcome {
        CONFIRMED,
        ALREADY_CONFIRMED,
        UNKNOWN
    }

    /**
     * Records a sign-up as PENDING and says whether a confirmation should go out: yes for a new (or unsubscribed)
     * address and for a pending one whose last confirmation went out before {@code resendAfter}; no for a confirmed one
     * or a recent pending one. One conditional UpdateItem, so concurrent sign-ups send one confirmation.
     */
    public boolean requestReminder(
            String sessionId, String reminderId, String email, String now, String resendAfter, int maxConfirmations) {
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(reminderKey(sessionId, reminderId))
                    .updateExpression("SET email = :email, createdAt = if_not_exists(createdAt, :now), "
                            + "#status = if_not_exists(#status, :pending), confirmSentAt = :now, "
                            + "confirmsSent = if_not_exists(confirmsSent, :zero) + :one")
                    .conditionExpression("attribute_not_exists(pk) OR (#status = :pending AND confirmSentAt < :resend "
                            + "AND (attribute_not_exists(confirmsSent) OR confirmsSent < :max))")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":email",
                            s(email),
                            ":now",
                            s(now),
                            ":pending",
                            s(PENDING),
                            ":resend",
                            s(resendAfter),
                            ":zero",
                            n(0),
                            ":one",
                            n(1),
                            ":max",
                            n(maxConfirmations))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    public Optional<Reminder> reminder(String sessionId, String reminderId) {
        Map<String, AttributeValue> item = client.getItem(
                        g -> g.tableName(table).consistentRead(true).key(reminderKey(sessionId, reminderId)))
                .item();
        return item == null || item.isEmpty()
                ? Optional.empty()
                : Optional.of(new Reminder(reminderId, str(item, "email"), str(item, "status")));
    }

    /** PENDING → CONFIRMED and the session's count up by one, in one transaction; a second click changes nothing. */
    public ConfirmOutcome confirmReminder(String sessionId, String reminderId, String now) {
        try {
            client.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder()
                            .update(Update.builder()
                                    .tableName(table)
                                    .key(reminderKey(sessionId, reminderId))
                                    .updateExpression("SET #status = :confirmed, confirmedAt = :now")
                                    .conditionExpression("#status = :pending")
                                    .expressionAttributeNames(Map.of("#status", "status"))
                                    .expressionAttributeValues(
                                            Map.of(":confirmed", s(CONFIRMED), ":pending", s(PENDING), ":now", s(now)))
                                    .build())
                            .build(),
                    countReminders(sessionId, 1)));
            return ConfirmOutcome.CONFIRMED;
        } catch (TransactionCanceledException e) {
            return reminder(sessionId, reminderId)
                    .map(r -> r.confirmed() ? ConfirmOutcome.ALREADY_CONFIRMED : null)
                    .orElse(ConfirmOutcome.UNKNOWN);
        }
    }

    /**
     * Forgets the reminder and its address; a confirmed one is uncounted in the same transaction. Returns whether there
     * was one. Retried when the reminder is confirmed between the two attempts (a PENDING delete is conditional).
     */
    public boolean removeReminder(String sessionId, String reminderId) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                client.transactWriteItems(t -> t.transactItems(
                        TransactWriteItem.builder()
                                .delete(Delete.builder()
                                        .tableName(table)
                                        .key(reminderKey(sessionId, reminderId))
                                        .conditionExpression("#status = :confirmed")
                                        .expressionAttributeNames(Map.of("#status", "status"))
                                        .expressionAttributeValues(Map.of(":confirmed", s(CONFIRMED)))
                                        .build())
                                .build(),
                        countReminders(sessionId, -1)));
                return true;
            } catch (TransactionCanceledException confirmedOrGone) {
                try {
                    Map<String, AttributeValue> old = client.deleteItem(d -> d.tableName(table)
                                    .key(reminderKey(sessionId, reminderId))
                                    .conditionExpression("attribute_not_exists(pk) OR #status <> :confirmed")
                                    .expressionAttributeNames(Map.of("#status", "status"))
                                    .expressionAttributeValues(Map.of(":confirmed", s(CONFIRMED)))
                                    .returnValues(ReturnValue.ALL_OLD))
                            .attributes();
                    return old != null && !old.isEmpty();
                } catch (ConditionalCheckFailedException confirmedMeanwhile) {
                    // confirmed between the two writes: the transaction again
                }
            }
        }
        throw new IllegalStateException("Reminder " + reminderId + " kept changing while it was removed");
    }

    /**
     * Each id of the session's confirmed reminders that have not had their "We're live" email, in key order, as the
     * Query's pages arrive (the paginator reads the next page only when the previous one is consumed): a show's
     * reminders are never all in memory at once.
     */
    public void forEachUnsentConfirmedReminderId(String sessionId, java.util.function.Consumer<String> action) {
        client.queryPaginator(q -> q.tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .filterExpression("#status = :confirmed AND attribute_not_exists(liveSentAt)")
                        .projectionExpression("sk")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                s(SessionKeys.sessionPk(sessionId)),
                                ":prefix",
                                s(SessionKeys.REMINDER_PREFIX),
                                ":confirmed",
                                s(CONFIRMED))))
                .items()
                .forEach(item -> action.accept(str(item, "sk").substring(SessionKeys.REMINDER_PREFIX.length())));
    }

    /**
     * Claims a confirmed reminder's "We're live" email (sets liveSentAt unless set): only the claimant sends it, so a
     * redelivered or duplicated message emails nobody twice. Returns the reminder when claimed.
     */
    public Optional<Reminder> claimLiveEmail(String sessionId, String reminderId, String now) {
        try {
            Map<String, AttributeValue> item = client.updateItem(u -> u.tableName(table)
                            .key(reminderKey(sessionId, reminderId))
                            .updateExpression("SET liveSentAt = :now")
                            .conditionExpression("#status = :confirmed AND attribute_not_exists(liveSentAt)")
                            .expressionAttributeNames(Map.of("#status", "status"))
                            .expressionAttributeValues(Map.of(":now", s(now), ":confirmed", s(CONFIRMED)))
                            .returnValues(ReturnValue.ALL_NEW))
                    .attributes();
            return Optional.of(new Reminder(reminderId, str(item, "email"), CONFIRMED));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** Gives a claim back after SES did not take the email, so the retry sends it. */
    public void releaseLiveEmail(String sessionId, String reminderId) {
        client.updateItem(u -> u.tableName(table)
                .key(reminderKey(sessionId, reminderId))
                .updateExpression("REMOVE liveSentAt")
                .conditionExpression("attribute_exists(pk)"));
    }

    private Map<String, AttributeValue> reminderKey(String sessionId, String reminderId) {
        return key(SessionKeys.sessionPk(sessionId), SessionKeys.REMINDER_PREFIX + reminderId);
    }

    private TransactWriteItem countReminders(String sessionId, int delta) {
        return TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(table)
                        .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                        .updateExpression("ADD reminderCount :delta")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":delta", n(delta)))
                        .build())
                .build();
    }

    // ------------------------------------------------------------------ stream lifecycle

    /** Records a broadcast's start (first value kept); returns its end time when its end was seen first. */
    public Optional<Long> recordStreamStart(String sessionId, String streamId, long startedAtMs) {
        Map<String, AttributeValue> item = client.updateItem(u -> u.tableName(table)
                        .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.STREAM_PREFIX + streamId))
                        .updateExpression("SET startedAtMs = if_not_exists(startedAtMs, :t)")
                        .expressionAttributeValues(Map.of(":t", n(startedAtMs)))
                        .returnValues(ReturnValue.ALL_NEW))
                .attributes();
        return Optional.ofNullable(optNum(item, "endedAtMs"));
    }

    public void recordStreamEnd(String sessionId, String streamId, long endedAtMs) {
        client.updateItem(u -> u.tableName(table)
                .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.STREAM_PREFIX + streamId))
                .updateExpression("SET endedAtMs = if_not_exists(endedAtMs, :t)")
                .expressionAttributeValues(Map.of(":t", n(endedAtMs))));
    }

    /**
     * Makes {@code streamId} the session's current broadcast and the session LIVE, only if the session has not ended
     * and no broadcast that started later is current. Returns the status before, or empty when nothing changed
     * (duplicate, older broadcast, ended session).
     */
    public Optional<String> markLive(String sessionId, String streamId, long startedAtMs) {
        try {
            Map<String, AttributeValue> old = client.updateItem(u -> u.tableName(table)
                            .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                            .updateExpression("SET #status = :live, streamId = :s, streamStartedAtMs = :t, "
                                    + "liveAt = if_not_exists(liveAt, :iso)")
                            .conditionExpression("attribute_exists(pk) AND #status <> :ended"
                                    + " AND (attribute_not_exists(streamStartedAtMs) OR streamStartedAtMs < :t)")
                            .expressionAttributeNames(Map.of("#status", "status"))
                            .expressionAttributeValues(Map.of(
                                    ":live",
                                    s(Session.LIVE),
                                    ":s",
                                    s(streamId),
                                    ":t",
                                    n(startedAtMs),
                                    ":iso",
                                    s(Instant.ofEpochMilli(startedAtMs).toString()),
                                    ":ended",
                                    s(Session.ENDED)))
                            .returnValues(ReturnValue.UPDATED_OLD))
                    .attributes();
            return Optional.of(old.containsKey("status") ? old.get("status").s() : Session.SCHEDULED);
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /**
     * Ends the session because broadcast {@code streamId} ended, unless the session already ended or another broadcast
     * is current. True when it changed.
     */
    public boolean markEndedByStream(String sessionId, String streamId, long endedAtMs) {
        return end(
                sessionId,
                endedAtMs,
                " AND (attribute_not_exists(streamId) OR streamId = :s)",
                Map.of(":s", s(streamId)));
    }

    /** Ends the session whatever its broadcasts (the host asked); true when it changed. */
    public boolean markEnded(String sessionId, long endedAtMs) {
        return end(sessionId, endedAtMs, "", Map.of());
    }

    private boolean end(
            String sessionId, long endedAtMs, String extraCondition, Map<String, AttributeValue> extraValues) {
        Map<String, AttributeValue> values = new HashMap<>(extraValues);
        values.put(":ended", s(Session.ENDED));
        values.put(":iso", s(Instant.ofEpochMilli(endedAtMs).toString()));
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                    .updateExpression("SET #status = :ended, endedAt = :iso REMOVE gsi1pk, gsi1sk")
                    .conditionExpression("attribute_exists(pk) AND #status <> :ended" + extraCondition)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Sets the replay from a recording, unless a recording that ended later is already the replay. */
    public boolean setReplay(String sessionId, Session.Replay replay, long recordedAtMs) {
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                    .updateExpression("SET replay = :r, replayAtMs = :t")
                    .conditionExpression(
                            "attribute_exists(pk) AND (attribute_not_exists(replayAtMs) OR replayAtMs < :t)")
                    .expressionAttributeValues(Map.of(
                            ":t",
                            n(recordedAtMs),
                            ":r",
                            AttributeValue.fromM(
                                    Map.of("url", s(replay.url()), "durationMs", n(replay.durationMs()))))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ viewer counts

    /** A LIVE session and its IVS channel. */
    public record LiveChannel(String sessionId, String channelArn) {}

    /** What META says about the last viewers frame: the count published and when (the lease), null before the first. */
    public record ViewersPublished(Long count, Long atMs) {}

    /**
     * Every LIVE session with its channel: the sparse byStart index holds only scheduled and live sessions (one small
     * partition, a Query, never a Scan), filtered to LIVE; the SDK paginator follows LastEvaluatedKey.
     */
    public List<LiveChannel> liveChannels() {
        QueryRequest request = QueryRequest.builder()
                .tableName(table)
                .indexName(SessionKeys.BY_START_INDEX)
                .keyConditionExpression("gsi1pk = :active")
                .filterExpression("#status = :live")
                .projectionExpression("sessionId, channelArn")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":active", s(SessionKeys.ACTIVE), ":live", s(Session.LIVE)))
                .build();
        List<LiveChannel> out = new ArrayList<>();
        client.queryPaginator(request)
                .items()
                .forEach(item -> out.add(new LiveChannel(str(item, "sessionId"), str(item, "channelArn"))));
        return out;
    }

    /**
     * Stores IVS's viewer count on META (what GET /sessions/{id} answers) and returns the viewers-frame lease as it
     * stands, so the caller only tries the lease when it can win. Empty when the session is gone. The show's peak (its
     * stats) rises with it.
     */
    public Optional<ViewersPublished> storeViewerCount(String sessionId, long count) {
        try {
            Map<String, AttributeValue> item = client.updateItem(u -> u.tableName(table)
                            .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                            .updateExpression("SET viewerCount = :c")
                            .conditionExpression("attribute_exists(pk)")
                            .expressionAttributeValues(Map.of(":c", n(count)))
                            .returnValues(ReturnValue.ALL_NEW))
                    .attributes();
            stats.recordViewers(sessionId, count);
            return Optional.of(
                    new ViewersPublished(optNum(item, "viewersPublishedCount"), optNum(item, "viewersPublishedAtMs")));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /**
     * The right to publish {@code count} to the show's channel: granted to one caller only when the count differs from
     * the last one published and the last publish is at least {@code minIntervalMs} before {@code nowMs}. One
     * conditional UpdateItem, so concurrent pollers (an invocation that overlaps the next) publish once.
     */
    public boolean leaseViewersPublish(String sessionId, long count, long nowMs, long minIntervalMs) {
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                    .updateExpression("SET viewersPublishedCount = :c, viewersPublishedAtMs = :now")
                    .conditionExpression("attribute_exists(pk)"
                            + " AND (attribute_not_exists(viewersPublishedCount) OR viewersPublishedCount <> :c)"
                            + " AND (attribute_not_exists(viewersPublishedAtMs) OR viewersPublishedAtMs <= :due)")
                    .expressionAttributeValues(
                            Map.of(":c", n(count), ":now", n(nowMs), ":due", n(nowMs - minIntervalMs))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Forgets the published count of a lease whose publish failed, so the count is published again once the interval
     * has passed; only while the lease taken at {@code leasedAtMs} is still the current one.
     */
    public void releaseViewersPublish(String sessionId, long leasedAtMs) {
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                    .updateExpression("REMOVE viewersPublishedCount")
                    .conditionExpression("viewersPublishedAtMs = :t")
                    .expressionAttributeValues(Map.of(":t", n(leasedAtMs))));
        } catch (ConditionalCheckFailedException e) {
            // A later lease is current: it decides.
        }
    }

    // ------------------------------------------------------------------ highlights

    /** Puts the highlight on the timeline and makes it the current one, in one transaction. */
    public void recordHighlight(String sessionId, Session.Highlight h) {
        Map<String, AttributeValue> item = new HashMap<>(
                key(SessionKeys.sessionPk(sessionId), SessionKeys.highlightSk(h.offsetMs(), h.highlightId())));
        item.put("highlightId", s(h.highlightId()));
        item.put("sku", s(h.sku()));
        item.put("title", s(h.title()));
        item.put("priceCents", n(h.priceCents()));
        item.put("currency", s(h.currency()));
        item.put("offsetMs", n(h.offsetMs()));
        item.put("at", s(h.at()));
        if (h.dealPriceCents() != null) {
            item.put("dealPriceCents", n(h.dealPriceCents()));
            item.put("dealEndsAt", s(h.dealEndsAt()));
        }
        client.transactWriteItems(t -> t.transactItems(
                TransactWriteItem.builder()
                        .put(Put.builder().tableName(table).item(item).build())
                        .build(),
                TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName(table)
                                .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                                .updateExpression("SET currentHighlight = :h")
                                .conditionExpression("attribute_exists(pk)")
                                .expressionAttributeValues(Map.of(":h", s(Json.write(h))))
                                .build())
                        .build()));
    }

    // ------------------------------------------------------------------ mapping

    static Session toSession(Map<String, AttributeValue> item) {
        Session.Highlight current = null;
        String currentJson = str(item, "currentHighlight");
        if (currentJson != null) {
            try {
                current = Json.MAPPER.readValue(currentJson, Session.Highlight.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Unreadable currentHighlight on session " + str(item, "sessionId"), e);
            }
        }
        Session.Replay replay = null;
        AttributeValue r = item.get("replay");
        if (r != null && r.hasM()) {
            replay = new Session.Replay(
                    r.m().get("url").s(), Long.parseLong(r.m().get("durationMs").n()));
        }
        List<String> lineup = item.containsKey("lineup")
                ? item.get("lineup").l().stream().map(AttributeValue::s).toList()
                : List.of();
        return new Session(
                str(item, "sessionId"),
                str(item, "title"),
                str(item, "description"),
                str(item, "startsAt"),
                str(item, "status"),
                str(item, "channelArn"),
                str(item, "playbackUrl"),
                str(item, "ingestEndpoint"),
                lineup,
                str(item, "createdAt"),
                str(item, "liveAt"),
                str(item, "endedAt"),
                str(item, "streamId"),
                optNum(item, "streamStartedAtMs"),
                current,
                replay,
                num(item, "reminderCount"),
                pinned(item),
                num(item, "viewerCount"),
                item.containsKey(SessionKeys.BUY_KEYWORD)
                        ? str(item, SessionKeys.BUY_KEYWORD)
                        : SessionKeys.DEFAULT_BUY_KEYWORD);
    }

    private static Session.PinnedMessage pinned(Map<String, AttributeValue> item) {
        String json = str(item, "pinnedMessage");
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, Session.PinnedMessage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable pinnedMessage on session " + str(item, "sessionId"), e);
        }
    }
}
