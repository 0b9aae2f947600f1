package com.liveshop.shared.stats;

import static com.liveshop.shared.dynamo.Attrs.key;
import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.shared.sessions.SessionKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Per-show sales aggregates in the Sessions table (keys in {@link SessionKeys}): the show's totals, one item per
 * product and one per highlight.
 *
 * <p>Counting is exactly once per fact, however often the stream delivers it: each fact ({@link Fact#key()}, e.g. a
 * hold's cart, sku and placement) is a marker item written with {@code attribute_not_exists} in the same transaction as
 * the counters it adds to. A fact already counted cancels its transaction; it is dropped and the rest is tried again.
 * Facts of a batch are summed per counter item first, so a busy show's partition takes one update per item per
 * transaction, not one per hold; markers have partitions of their own.
 */
public final class ShowStatsRepository {

    public enum Kind {
        HOLD,
        ORDER_PLACED,
        ORDER_PAID
    }

    /** Units and revenue of one order line (0 for a hold's revenue), with its origin in the show. */
    public record Line(String sku, long units, long revenueCents, ShowOrigin origin) {}

    /** One countable fact of one show: a hold placed, or an order (its lines of this show) placed or paid. */
    public record Fact(String key, Kind kind, String sessionId, String currency, List<Line> lines) {
        public Fact {
            lines = List.copyOf(lines);
        }
    }

    /** Markers outlive the stream's 24 h retention, so a redelivery always finds them. */
    private static final long MARKER_TTL_SECONDS = 3 * 24 * 3600L;
    /** DynamoDB's limit per transaction. */
    private static final int MAX_TX_ITEMS = 100;

    private static final int MAX_ATTEMPTS = 6;

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    public ShowStatsRepository(DynamoDbClient client, String table, Clock clock) {
        this.client = client;
        this.table = table;
        this.clock = clock;
    }

    /** Counts the facts not counted before; returns how many were new. Throws when DynamoDB keeps refusing. */
    public int apply(List<Fact> facts) {
        Map<String, Fact> unique = new LinkedHashMap<>();
        facts.forEach(f -> unique.putIfAbsent(f.key(), f));
        List<Fact> pending = new ArrayList<>(unique.values());
        int counted = 0;
        while (!pending.isEmpty()) {
            List<Fact> chunk = nextChunk(pending);
            counted += applyChunk(chunk);
            pending.subList(0, chunk.size()).clear();
        }
        return counted;
    }

    /** As many leading facts as fit one transaction with their markers and the counter items they add to. */
    private static List<Fact> nextChunk(List<Fact> pending) {
        int n = 1;
        while (n < pending.size() && n + 1 + sum(pending.subList(0, n + 1)).size() <= MAX_TX_ITEMS) {
            n++;
        }
        return pending.subList(0, n);
    }

    private int applyChunk(List<Fact> chunk) {
        List<Fact> pending = new ArrayList<>(chunk);
        for (int attempt = 0; attempt < MAX_ATTEMPTS && !pending.isEmpty(); attempt++) {
            List<TransactWriteItem> items = new ArrayList<>();
            long ttl = clock.instant().getEpochSecond() + MARKER_TTL_SECONDS;
            for (Fact fact : pending) {
                Map<String, AttributeValue> marker =
                        new LinkedHashMap<>(key(SessionKeys.statsEventPk(fact.key()), SessionKeys.STATS_EVENT));
                marker.put("sessionId", s(fact.sessionId()));
                marker.put("ttl", n(ttl));
                items.add(TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(marker)
                                .conditionExpression("attribute_not_exists(pk)")
                                .build())
                        .build());
            }
            sum(pending).forEach((k, counter) -> items.add(counter.update(table)));
            try {
                client.transactWriteItems(t -> t.transactItems(items));
                return pending.size();
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                List<Fact> left = new ArrayList<>();
                for (int i = 0; i < pending.size(); i++) {
                    boolean counted = reasons != null
                            && i < reasons.size()
                            && "ConditionalCheckFailed".equals(reasons.get(i).code());
                    if (!counted) {
                        left.add(pending.get(i));
                    }
                }
                if (left.size() == pending.size()) {
                    pause(attempt); // a conflict with a concurrent writer (or throttling): same facts again
                }
                pending = left;
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(
                    "Stats of " + pending.size() + " facts not written after " + MAX_ATTEMPTS + " attempts");
        }
        return 0;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(20L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** One counter item's additions, summed over the facts of a transaction. */
    private static final class Counter {
        final String pk;
        final String sk;
        final Map<String, Long> adds = new LinkedHashMap<>();
        final Map<String, AttributeValue> firstValues = new LinkedHashMap<>();

        Counter(String pk, String sk) {
            this.pk = pk;
            this.sk = sk;
        }

        void add(String attribute, long amount) {
            adds.merge(attribute, amount, Long::sum);
        }

        void first(String attribute, AttributeValue value) {
            firstValues.putIfAbsent(attribute, value);
        }

        TransactWriteItem update(String table) {
            List<String> sets = new ArrayList<>();
            List<String> addParts = new ArrayList<>();
            Map<String, String> names = new LinkedHashMap<>();
            Map<String, AttributeValue> values = new LinkedHashMap<>();
            int i = 0;
            for (Map.Entry<String, AttributeValue> e : firstValues.entrySet()) {
                names.put("#f" + i, e.getKey());
                values.put(":f" + i, e.getValue());
                sets.add("#f" + i + " = if_not_exists(#f" + i + ", :f" + i + ")");
                i++;
            }
            i = 0;
            for (Map.Entry<String, Long> e : adds.entrySet()) {
                names.put("#a" + i, e.getKey());
                values.put(":a" + i, n(e.getValue()));
                addParts.add("#a" + i + " :a" + i);
                i++;
            }
            String expression = (sets.isEmpty() ? "" : "SET " + String.join(", ", sets) + " ")
                    + (addParts.isEmpty() ? "" : "ADD " + String.join(", ", addParts));
            return TransactWriteItem.builder()
                    .update(Update.builder()
                            .tableName(table)
                            .key(key(pk, sk))
                            .updateExpression(expression.trim())
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .build())
                    .build();
        }
    }

    private static Map<String, Counter> sum(List<Fact> facts) {
        Map<String, Counter> counters = new LinkedHashMap<>();
        for (Fact fact : facts) {
            String pk = SessionKeys.sessionPk(fact.sessionId());
            Counter show =
                    counters.computeIfAbsent(pk + "|" + SessionKeys.STATS, k -> new Counter(pk, SessionKeys.STATS));
            show.first("sessionId", s(fact.sessionId()));
            if (fact.currency() != null) {
                show.first("currency", s(fact.currency()));
            }
            long units = fact.lines().stream().mapToLong(Line::units).sum();
            long revenue = fact.lines().stream().mapToLong(Line::revenueCents).sum();
            switch (fact.kind()) {
                case HOLD -> show.add("holds", 1);
                case ORDER_PLACED -> show.add("orders", 1);
                case ORDER_PAID -> {
                    show.add("paidOrders", 1);
                    show.add("units", units);
                    show.add("revenueCents", revenue);
                }
            }
            // An order counts once per product and per highlight, however many of its lines share them.
            Set<String> seen = new HashSet<>();
            for (Line line : fact.lines()) {
                String skuSk = SessionKeys.STATS_SKU_PREFIX + line.sku();
                Counter product = counters.computeIfAbsent(pk + "|" + skuSk, k -> new Counter(pk, skuSk));
                product.first("sku", s(line.sku()));
                count(product, fact.kind(), line, seen.add(skuSk));
                if (line.origin() != null && line.origin().hasHighlight()) {
                    ShowOrigin o = line.origin();
                    String hlSk = SessionKeys.STATS_HIGHLIGHT_PREFIX + o.highlightId();
                    Counter highlight = counters.computeIfAbsent(pk + "|" + hlSk, k -> new Counter(pk, hlSk));
                    highlight.first("highlightId", s(o.highlightId()));
                    highlight.first("sku", s(o.highlightSku()));
                    highlight.first("offsetMs", n(o.highlightOffsetMs() == null ? 0 : o.highlightOffsetMs()));
                    count(highlight, fact.kind(), line, seen.add(hlSk));
                }
            }
        }
        return counters;
    }

    private static void count(Counter counter, Kind kind, Line line, boolean firstLineOfItem) {
        switch (kind) {
            case HOLD -> counter.add("holds", firstLineOfItem ? 1 : 0);
            case ORDER_PLACED -> counter.add("orders", firstLineOfItem ? 1 : 0);
            case ORDER_PAID -> {
                counter.add("units", line.units());
                counter.add("revenueCents", line.revenueCents());
            }
        }
    }

    /** Raises the show's peak viewer count to {@code viewers} if that is higher (one conditional write). */
    public void recordViewers(String sessionId, long viewers) {
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.STATS))
                    .updateExpression("SET peakViewers = :v, sessionId = if_not_exists(sessionId, :id)")
                    .conditionExpression("attribute_not_exists(peakViewers) OR peakViewers < :v")
                    .expressionAttributeValues(Map.of(":v", n(viewers), ":id", s(sessionId))));
        } catch (ConditionalCheckFailedException e) {
            // The peak is already at least this high.
        }
    }

    /** The show's stats (zeros before anything was counted); one Query on the show's partition. */
    public ShowStats read(String sessionId) {
        String pk = SessionKeys.sessionPk(sessionId);
        Map<String, AttributeValue> totals = Map.of();
        List<ShowStats.ProductStats> products = new ArrayList<>();
        List<ShowStats.HighlightStats> highlights = new ArrayList<>();
        var pages = client.queryPaginator(q -> q.tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :stats)")
                .expressionAttributeValues(Map.of(":pk", s(pk), ":stats", s(SessionKeys.STATS))));
        for (Map<String, AttributeValue> item : pages.items()) {
            String sk = str(item, "sk");
            if (SessionKeys.STATS.equals(sk)) {
                totals = item;
            } else if (sk.startsWith(SessionKeys.STATS_SKU_PREFIX)) {
                products.add(new ShowStats.ProductStats(
                        str(item, "sku"),
                        num(item, "holds"),
                        num(item, "orders"),
                        num(item, "units"),
                        num(item, "revenueCents")));
            } else if (sk.startsWith(SessionKeys.STATS_HIGHLIGHT_PREFIX)) {
                highlights.add(new ShowStats.HighlightStats(
                        str(item, "highlightId"),
                        str(item, "sku"),
                        num(item, "offsetMs"),
                        num(item, "holds"),
                        num(item, "orders"),
                        num(item, "revenueCents")));
            }
        }
        products.sort(Comparator.comparingLong(ShowStats.ProductStats::revenueCents)
                .reversed()
                .thenComparing(ShowStats.ProductStats::sku));
        highlights.sort(Comparator.comparingLong(ShowStats.HighlightStats::offsetMs)
                .thenComparing(ShowStats.HighlightStats::highlightId));
        return new ShowStats(
                sessionId,
                num(totals, "peakViewers"),
                num(totals, "holds"),
                num(totals, "orders"),
                num(totals, "paidOrders"),
                num(totals, "units"),
                num(totals, "revenueCents"),
                str(totals, "currency"),
                List.copyOf(products),
                List.copyOf(highlights));
    }
}
