package com.liveshop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * {@code bench.jar capacity}: per AWS quota, the per-viewer rate it used (measured by a rehearsal's report.json, or the
 * {@link ViewerCadence} model), the load at each audience size as % of the default quota, the first quota that binds
 * and the increase to request. docs/capacity.md gives each quota's source.
 */
final class Capacity {

    /** Assumptions a quota needs besides the rates (documented in docs/capacity.md). */
    record Assumptions(
            double showMinutes,
            double chatRate,
            double buyRate,
            double payShare,
            int lineup,
            double lambdaMs,
            double joinSeconds,
            double holdPeak,
            int stockBuckets) {}

    /**
     * One quota: its default, how load is computed from the per-viewer rates at N viewers, and how to raise it.
     * {@code cdn}: the row assumes public GETs are answered by CloudFront (true), by the API (false), or does not
     * depend on it (null).
     */
    record Quota(
            String name,
            double defaultValue,
            String unit,
            String service,
            boolean adjustable,
            String raise,
            Boolean cdn) {}

    /**
     * One row of the table; {@code bindsAt}: the audience at which the load reaches the default quota (null: never).
     */
    record Row(
            Quota quota,
            double perViewerPerMinute,
            String source,
            double[] loads,
            double[] percents,
            String increase,
            Long bindsAt) {}

    static final List<Quota> QUOTAS = List.of(
            new Quota(
                    "API Gateway account throttle, no CDN",
                    10_000,
                    "req/s",
                    "apiGateway",
                    true,
                    "Service Quotas L-8A5B8E43",
                    false),
            new Quota(
                    "API Gateway account throttle, public GETs on CloudFront",
                    10_000,
                    "req/s",
                    "apiGatewayBehindCdn",
                    true,
                    "Service Quotas L-8A5B8E43",
                    true),
            new Quota(
                    "Lambda concurrent executions, no CDN",
                    1_000,
                    "concurrent",
                    "lambdaConcurrency",
                    true,
                    "Service Quotas L-B99A9384",
                    false),
            new Quota(
                    "Lambda concurrent executions, public GETs on CloudFront",
                    1_000,
                    "concurrent",
                    "lambdaConcurrencyBehindCdn",
                    true,
                    "Service Quotas L-B99A9384",
                    true),
            new Quota(
                    "Lambda scaling rate per function, no CDN",
                    1_000,
                    "envs/10 s",
                    "lambdaRamp",
                    false,
                    "not adjustable: a longer join window, or provisioned concurrency before the show",
                    false),
            new Quota(
                    "Lambda scaling rate per function, public GETs on CloudFront",
                    1_000,
                    "envs/10 s",
                    "lambdaRampBehindCdn",
                    false,
                    "not adjustable: a longer join window, or provisioned concurrency before the show",
                    true),
            new Quota(
                    "AppSync Events inbound events",
                    10_000,
                    "events/s",
                    "appSyncInbound",
                    true,
                    "Service Quotas (AppSync)",
                    null),
            new Quota(
                    "AppSync Events outbound deliveries",
                    1_000_000,
                    "msgs/s",
                    "appSyncOutbound",
                    true,
                    "Service Quotas (AppSync); or ChatBatchWindowSeconds 1 (≤ 1 chat frame/s)",
                    null),
            new Quota(
                    "AppSync Events connection rate",
                    2_000,
                    "conn/s",
                    "appSyncConnections",
                    true,
                    "Service Quotas (AppSync)",
                    null),
            new Quota(
                    "DynamoDB per-partition writes, hot SKU bucket",
                    1_000,
                    "WCU/s",
                    "dynamoDbHotSku",
                    false,
                    "not a quota: more stock buckets (stockShards) for the hot SKU",
                    null),
            new Quota(
                    "IVS PutMetadata per channel",
                    5,
                    "req/s",
                    "ivsPutMetadata",
                    false,
                    "not adjustable: batch cues",
                    null),
            new Quota(
                    "IVS PutMetadata per account",
                    155,
                    "req/s",
                    "ivsPutMetadataAccount",
                    false,
                    "not adjustable",
                    null),
            new Quota(
                    "IVS GetStream",
                    5,
                    "req/s",
                    "ivsGetStream",
                    false,
                    "not adjustable: the viewer-count function paces itself",
                    null),
            new Quota(
                    "EventBridge PutEvents (us-east-1)",
                    10_000,
                    "req/s",
                    "eventBridgePutEvents",
                    true,
                    "Service Quotas (EventBridge)",
                    null),
            new Quota(
                    "CloudFront requests per distribution",
                    250_000,
                    "req/s",
                    "cloudFront",
                    true,
                    "Service Quotas (CloudFront)",
                    null));

    private Capacity() {}

    /**
     * The table. {@code rates.apply(n)}: requests per viewer per minute per service at n viewers
     * ({@link RehearsalReport#SERVICES} keys); {@code source}: "measured" or "model".
     */
    static List<Row> table(IntFunction<Map<String, Double>> rates, String source, int[] audiences, Assumptions a) {
        List<Row> rows = new ArrayList<>();
        for (Quota q : QUOTAS) {
            double[] loads = new double[audiences.length];
            double[] percents = new double[audiences.length];
            double perViewer = 0;
            for (int i = 0; i < audiences.length; i++) {
                int n = audiences[i];
                Map<String, Double> r = rates.apply(n);
                perViewer = perViewerRate(q, r);
                loads[i] = load(q, r, n, a);
                percents[i] = 100 * loads[i] / q.defaultValue();
            }
            double worst = loads[loads.length - 1];
            Long bindsAt = bindsAt(q, rates, a, audiences[audiences.length - 1]);
            String increase = worst <= q.defaultValue()
                    ? "—"
                    : q.adjustable()
                            ? String.format(Locale.ROOT, "to %s %s (%s)", round(worst * 1.25), q.unit(), q.raise())
                            : q.raise();
            rows.add(new Row(
                    q,
                    perViewer,
                    q.service().equals("dynamoDbHotSku") || q.service().startsWith("lambda")
                            ? source + " + assumptions"
                            : source,
                    loads,
                    percents,
                    increase,
                    bindsAt));
        }
        return rows;
    }

    /**
     * The smallest audience (to 3 significant digits) whose load reaches the quota, searched up to 100 × max; null if
     * none.
     */
    static Long bindsAt(Quota q, IntFunction<Map<String, Double>> rates, Assumptions a, int max) {
        long hi = 100L * max;
        if (load(q, rates.apply((int) Math.min(Integer.MAX_VALUE, hi)), (int) Math.min(Integer.MAX_VALUE, hi), a)
                < q.defaultValue()) {
            return null;
        }
        long lo = 1;
        while (hi - lo > Math.max(1, lo / 1000)) {
            long mid = (lo + hi) / 2;
            if (load(q, rates.apply((int) mid), (int) mid, a) >= q.defaultValue()) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    private static double perViewerRate(Quota q, Map<String, Double> r) {
        return switch (q.service()) {
            case "apiGatewayBehindCdn" -> Math.max(0, r.get("apiGateway") - r.get("cloudFront"));
            case "lambdaConcurrency", "lambdaRamp" -> r.get("lambda");
            case "lambdaConcurrencyBehindCdn", "lambdaRampBehindCdn" ->
                Math.max(0, r.get("lambda") - r.get("cloudFront"));
            case "ivsPutMetadataAccount" -> r.get("ivsPutMetadata");
            case "dynamoDbHotSku" -> 0;
            default -> r.getOrDefault(q.service(), 0.0);
        };
    }

    /** The quota's load at n viewers, in the quota's unit. */
    static double load(Quota q, Map<String, Double> r, int n, Assumptions a) {
        double perSecond = perViewerRate(q, r) * n / 60;
        return switch (q.service()) {
            case "lambdaConcurrency", "lambdaConcurrencyBehindCdn" -> perSecond * a.lambdaMs() / 1000;
            // The concurrency above has to be reached while the audience arrives (joinSeconds): per 10 s of it.
            case "lambdaRamp", "lambdaRampBehindCdn" ->
                perSecond * a.lambdaMs() / 1000 / Math.max(1, a.joinSeconds() / 10);
            case "appSyncConnections" -> n / a.joinSeconds();
            // A hold and its order each write the bucket item in a transaction (2 WCU each); buyers crowd the first
            // moments of a product's slot (holdPeak × the show's average hold rate).
            case "dynamoDbHotSku" -> n * a.buyRate() / (a.showMinutes() * 60) * a.holdPeak() * 4 / a.stockBuckets();
            default -> perSecond;
        };
    }

    /**
     * The first quota that binds as the audience grows: the smallest {@code bindsAt}, among rows that do not depend on
     * the CDN or match {@code cdn}; null if none binds.
     */
    static Row firstBinding(List<Row> rows, boolean cdn) {
        Row first = null;
        for (Row r : rows) {
            if (r.bindsAt() != null
                    && (r.quota().cdn() == null || r.quota().cdn() == cdn)
                    && (first == null || r.bindsAt() < first.bindsAt())) {
                first = r;
            }
        }
        return first;
    }

    static String render(List<Row> rows, int[] audiences) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-56s %18s %10s %-20s", "quota", "default", "/viewer/min", "source"));
        for (int n : audiences) {
            s.append(String.format(Locale.ROOT, " %11s", String.format(Locale.ROOT, "%,d", n)));
        }
        s.append(
                String.format(Locale.ROOT, " %12s  %s%n", "binds at", "increase to request (at the largest audience)"));
        for (Row r : rows) {
            s.append(String.format(
                    Locale.ROOT,
                    "%-56s %18s %10.4f %-20s",
                    r.quota().name(),
                    round(r.quota().defaultValue()) + " " + r.quota().unit(),
                    r.perViewerPerMinute(),
                    r.source()));
            for (double p : r.percents()) {
                s.append(String.format(Locale.ROOT, " %10.1f%%", p));
            }
            s.append(String.format(
                    Locale.ROOT,
                    " %12s  %s%n",
                    r.bindsAt() == null ? "—" : String.format(Locale.ROOT, "%,d", r.bindsAt()),
                    r.increase()));
        }
        for (boolean cdn : new boolean[] {false, true}) {
            Row first = firstBinding(rows, cdn);
            String setup = cdn ? "with public GETs on CloudFront" : "without a CDN";
            s.append(
                    first == null
                            ? "No quota binds " + setup + ".\n"
                            : String.format(
                                    Locale.ROOT,
                                    "First quota to bind %s: %s, at %,d viewers (%.0f%% of %s %s at %,d); "
                                            + "increase: %s%n",
                                    setup,
                                    first.quota().name(),
                                    first.bindsAt(),
                                    first.percents()[first.percents().length - 1],
                                    round(first.quota().defaultValue()),
                                    first.quota().unit(),
                                    audiences[audiences.length - 1],
                                    first.increase()));
        }
        return s.toString();
    }

    private static String round(double v) {
        if (v >= 1000) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(v)) - 1);
            return String.format(Locale.ROOT, "%,d", (long) (Math.ceil(v / magnitude) * magnitude));
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.0f" : "%.2f", v);
    }

    /**
     * Services whose rate belongs to the show, not to its viewers: the frames a show publishes, its cues, its
     * viewer-count calls. A rehearsal measures them per viewer of its own audience; at n viewers the show still makes
     * as many.
     */
    static final java.util.Set<String> PER_SHOW = java.util.Set.of("appSyncInbound", "ivsPutMetadata", "ivsGetStream");

    /**
     * Measured per-viewer rates of a rehearsal of {@code rehearsed} viewers, as they are at {@code n} viewers;
     * {@code chat}: the part of a service's measured rate that the show's chat made (per viewer-minute of the
     * rehearsal). The chat rate is show-wide, so that part keeps the rehearsal's rate per show, like PER_SHOW.
     */
    static Map<String, Double> atAudience(
            Map<String, Double> measured, Map<String, Double> chat, int rehearsed, int n) {
        Map<String, Double> r = new LinkedHashMap<>(measured);
        PER_SHOW.forEach(service -> r.computeIfPresent(service, (k, v) -> v * rehearsed / n));
        chat.forEach((service, part) -> r.computeIfPresent(service, (k, v) -> v - part + part * rehearsed / n));
        return r;
    }

    /**
     * The chat's part of a rehearsal's measured rates, per viewer-minute, from its usage counters: the message POSTs
     * (API Gateway), ChatSendFunction's and ChatBatchFunction's invocations (Lambda), and DynamoDB in proportion to
     * those invocations (the counters do not say which function made a DynamoDB request). Chat tickets stay per viewer:
     * one per chatter.
     */
    static Map<String, Double> chatPart(JsonNode usage, Map<String, Double> measured, double viewerMinutes) {
        Map<String, Double> part = new LinkedHashMap<>();
        if (!usage.isObject() || viewerMinutes <= 0) {
            return part;
        }
        double posts = usage.path("apiGatewayRequests")
                .path("POST /sessions/{sessionId}/messages")
                .asDouble(0);
        double chatInvocations = 0;
        double invocations = 0;
        for (var e : usage.path("lambdaInvocations").properties()) {
            invocations += e.getValue().asDouble();
            if (e.getKey().equals("ChatSendFunction") || e.getKey().equals("ChatBatchFunction")) {
                chatInvocations += e.getValue().asDouble();
            }
        }
        part.put("apiGateway", posts / viewerMinutes);
        part.put("lambda", chatInvocations / viewerMinutes);
        if (invocations > 0 && measured.containsKey("dynamoDb")) {
            part.put("dynamoDb", measured.get("dynamoDb") * chatInvocations / invocations);
        }
        return part;
    }

    /**
     * The command: {@code --from report.json} for measured rates, else the model with --chat-rate/--buy-rate; then the
     * cost of one show at each audience ({@link ShowCost}, prices from docs/capacity.md, {@code --price NAME=VALUE}).
     */
    static String run(Map<String, String> o) throws Exception {
        int[] audiences = Arrays.stream(
                        o.getOrDefault("viewers", "10000,100000,1000000").split(","))
                .map(String::strip)
                .mapToInt(Integer::parseInt)
                .toArray();
        double chatRate = Double.parseDouble(o.getOrDefault("chat-rate", "5"));
        double buyRate = Double.parseDouble(o.getOrDefault("buy-rate", "0.1"));
        double payShare = Double.parseDouble(o.getOrDefault("pay-share", "0.8"));
        int lineup = Integer.parseInt(o.getOrDefault("lineup", "6"));
        double minutes = Double.parseDouble(o.getOrDefault("minutes", "60"));
        IntFunction<Map<String, Double>> rates;
        String source;
        String warning = "";
        ShowCost.DynamoMix dynamoMix = null;
        // Prices first: a wrong --price fails before any figure is printed.
        Prices prices = Prices.bundled().with(Prices.overrides(o.get("price"))).require(ShowCost.PRICES);
        if (o.containsKey("from")) {
            JsonNode report = Json.MAPPER.readTree(Files.readString(Path.of(o.get("from"))));
            JsonNode measured = report.path("perViewerPerMinute");
            if (!measured.isObject()) {
                throw new IllegalArgumentException(
                        o.get("from") + " has no perViewerPerMinute (a rehearsal against a deployed stack): "
                                + "run capacity without --from for the model");
            }
            Map<String, Double> m = new LinkedHashMap<>();
            measured.properties().forEach(e -> m.put(e.getKey(), e.getValue().asDouble()));
            JsonNode p = report.path("parameters");
            buyRate = o.containsKey("buy-rate") ? buyRate : p.path("buyRate").asDouble(buyRate);
            chatRate =
                    o.containsKey("chat-rate") ? chatRate : p.path("chatRate").asDouble(chatRate);
            Map<String, Long> byOperation = new LinkedHashMap<>();
            report.path("usage")
                    .path("dynamoDbRequests")
                    .properties()
                    .forEach(e -> byOperation.put(e.getKey(), e.getValue().asLong()));
            dynamoMix = ShowCost.DynamoMix.of(byOperation);
            int rehearsed = Math.max(1, p.path("viewers").asInt(1));
            Map<String, Double> chat = chatPart(
                    report.path("usage"),
                    m,
                    rehearsed * report.path("showMinutes").asDouble(0));
            rates = n -> atAudience(m, chat, rehearsed, n);
            source = "measured";
            long notSent = report.path("errors").path("NOT_SENT").asLong(0);
            if (notSent > 0 || report.path("fiveXx").asLong(0) > 0) {
                warning = String.format(
                        Locale.ROOT,
                        "Warning: the rehearsal was saturated (%d requests not sent, %d answers 5xx): its "
                                + "measured rates are below what the pages ask; compare with the model "
                                + "(capacity without --from).%n",
                        notSent,
                        report.path("fiveXx").asLong(0));
            }
        } else {
            double c = chatRate;
            double b = buyRate;
            rates = n -> ViewerCadence.perViewerPerMinute(new ViewerCadence.Show(n, minutes, c, b, lineup, payShare));
            source = "model";
        }
        Assumptions a = new Assumptions(
                minutes,
                chatRate,
                buyRate,
                payShare,
                lineup,
                Double.parseDouble(o.getOrDefault("lambda-ms", "100")),
                Double.parseDouble(o.getOrDefault("join-seconds", "60")),
                Double.parseDouble(o.getOrDefault("hold-peak", "10")),
                Integer.parseInt(o.getOrDefault("stock-buckets", "1")));
        int[] reminders = o.containsKey("reminders")
                ? Arrays.stream(o.get("reminders").split(","))
                        .map(String::strip)
                        .mapToInt(Integer::parseInt)
                        .toArray()
                : audiences;
        ShowCost.Assumptions costAssumptions = ShowCost.Assumptions.from(o, a.lambdaMs());
        List<ShowCost.Bill> bills = new ArrayList<>();
        for (int n : audiences) {
            bills.add(ShowCost.bill(
                    new ShowCost.Show(n, minutes, chatRate, buyRate, payShare),
                    rates.apply(n),
                    source,
                    dynamoMix,
                    costAssumptions,
                    prices));
        }
        return warning
                + render(table(rates, source, audiences, a), audiences)
                + reminders(reminders, Double.parseDouble(o.getOrDefault("ses-rate", "14")))
                + ShowCost.render(bills);
    }

    /** The SES default a production account starts with, in emails per second (template SesMaxSendRate). */
    static final double DEFAULT_SES_RATE = 14;
    /** How soon after going live the "we're live" emails should all be out: the first minutes are what they fill. */
    static final double REMINDER_TARGET_MINUTES = 10;

    /** Minutes to send {@code emails} "we're live" emails at {@code sesRate} per second (the senders stay under it). */
    static double reminderMinutes(long emails, double sesRate) {
        return emails / sesRate / 60;
    }

    /**
     * The reminders row: minutes to send N "we're live" emails at SesMaxSendRate, and the SES increase that would send
     * them within {@value #REMINDER_TARGET_MINUTES} minutes (a sending-rate increase, and a 24-hour sending quota of at
     * least N).
     */
    static String reminders(int[] counts, double sesRate) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "%nReminder emails (\"we're live\", one per confirmed address) at SesMaxSendRate %s/s:%n",
                round(sesRate)));
        s.append(String.format(
                Locale.ROOT, "%12s %14s %18s  %s%n", "addresses", "minutes", "rate for 10 min", "increase to request"));
        for (int n : counts) {
            double minutes = reminderMinutes(n, sesRate);
            double needed = Math.ceil(n / (REMINDER_TARGET_MINUTES * 60));
            String increase = minutes <= REMINDER_TARGET_MINUTES
                    ? "—"
                    : String.format(
                            Locale.ROOT,
                            "SES maximum send rate to %s/s and a 24-hour sending quota of at least %,d "
                                    + "(SES console: Request a sending " + "limit increase; then set SesMaxSendRate)",
                            round(needed),
                            n);
            s.append(String.format(
                    Locale.ROOT,
                    "%,12d %14s %16s/s  %s%n",
                    n,
                    String.format(Locale.ROOT, "%,.0f", Math.ceil(minutes)),
                    round(needed),
                    increase));
        }
        return s.toString();
    }
}
