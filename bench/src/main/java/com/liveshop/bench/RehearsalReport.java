package com.liveshop.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.liveshop.shared.json.Json;
import dev.samlocal.LocalUsage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a rehearsal measured: report.json (this record, as JSON) and report.html (the same figures as inline SVG charts,
 * nothing from a CDN). {@code perViewerPerMinute} comes from the local stack's usage counters (absent against a
 * deployed stack); {@code modelPerViewerPerMinute} from {@link ViewerCadence} for the same show.
 */
public record RehearsalReport(
        Parameters parameters,
        String sessionId,
        double showMinutes,
        long requests,
        long fiveXx,
        double deliveredPercent,
        long framesDue,
        long framesDelivered,
        long holds,
        long orders,
        long paid,
        Map<String, StockCheck> stock,
        Map<String, FrameFigures> frames,
        Map<String, Long> errors,
        long[] audiencePerSecond,
        long[] framesPerSecond,
        long[] holdsPerMinute,
        long[] ordersPerMinute,
        Map<String, Double> perViewerPerMinute,
        Map<String, Double> modelPerViewerPerMinute,
        Map<String, Map<String, Long>> usage,
        Edge cdn,
        Map<String, Double> deliveriesPerViewerPerMinute,
        ChatFigures chat) {

    /**
     * The CDN's share (local runs with {@code --cdn on}): public reads the edge answered and those it sent to the API.
     * {@code perViewerPerMinute} counts both, as what the viewers asked; {@code usage} has what reached the stack.
     */
    public record Edge(long hits, long misses) {
        public double hitPercent() {
            return hits + misses == 0 ? 0 : 100.0 * hits / (hits + misses);
        }
    }

    /** The services of {@code perViewerPerMinute}, in the order the capacity table uses. */
    public static final List<String> SERVICES = List.of(
            "apiGateway",
            "lambda",
            "appSyncInbound",
            "appSyncOutbound",
            "appSyncConnections",
            "ivsPutMetadata",
            "ivsGetStream",
            "eventBridgePutEvents",
            "cloudFront",
            "dynamoDb");

    public record Parameters(
            int viewers,
            double minutes,
            double chatRate,
            double buyRate,
            double payShare,
            int lineup,
            String target,
            long seed) {}

    /** One lineup sku after the show: available + held + sold must equal initial, and sold ≤ initial. */
    public record StockCheck(long initial, long available, long held, long sold) {
        public boolean balanced() {
            return available >= 0 && held >= 0 && available + held + sold == initial && sold <= initial;
        }

        /** Units sold beyond the initial stock, plus any units the ledger does not account for. */
        public long oversold() {
            return Math.max(0, sold - initial) + Math.abs(available + held + sold - initial);
        }
    }

    /**
     * Per frame type: distinct frames, deliveries due (viewers subscribed before the frame's cause), delivered, and the
     * delivery latency (receive − send of the request that caused it); null where no request correlates.
     */
    public record FrameFigures(
            long distinct, long due, long delivered, Double p50Ms, Double p99Ms, long latencySamples) {}

    /**
     * The chat: POSTs sent, accepted (202) and refused by status and code (429s are the show's limits), accepted per
     * second of the show, an accepted POST's own time (sent → 202), and per accepted message the time from its POST to
     * the last subscribed viewer due it.
     */
    public record ChatFigures(
            long posts,
            long accepted,
            Map<String, Long> refused,
            double acceptedPerSecond,
            double answerP50Ms,
            double answerP99Ms,
            long messages,
            Double p50ToLastMs,
            Double p99ToLastMs) {}

    /**
     * AppSync deliveries per viewer per minute, all types: the usage counters' {@code appSyncOutbound} on the local
     * stack, else the sum of what the viewers received ({@code deliveriesPerViewerPerMinute}).
     */
    public double appSyncDeliveriesPerViewerMinute() {
        if (perViewerPerMinute != null && perViewerPerMinute.get("appSyncOutbound") != null) {
            return perViewerPerMinute.get("appSyncOutbound");
        }
        return deliveriesPerViewerPerMinute.values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
    }

    public long oversold() {
        return stock.values().stream().mapToLong(StockCheck::oversold).sum();
    }

    /**
     * The one line to read: AppSync deliveries per viewer-minute, delivered=…%, the chat's p99 from POST to the last
     * subscriber, oversold=0|N, 5xx=N, chat messages accepted of sent (429s apart), and the rest.
     */
    public String summary() {
        long refused429 = chat.refused().entrySet().stream()
                .filter(e -> e.getKey().startsWith("429"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        return String.format(
                        Locale.ROOT,
                        "rehearsal: viewers=%d minutes=%.1f deliveriesPerViewerMinute=%.1f delivered=%.2f%% "
                                + "chatP99=%s oversold=%d 5xx=%d chat=%d/%d (%.1f/s, 429=%d) "
                                + "holds=%d orders=%d paid=%d requests=%d errors=%d",
                        parameters.viewers(),
                        showMinutes,
                        appSyncDeliveriesPerViewerMinute(),
                        deliveredPercent,
                        chat.p99ToLastMs() == null ? "-" : String.format(Locale.ROOT, "%.0fms", chat.p99ToLastMs()),
                        oversold(),
                        fiveXx,
                        chat.accepted(),
                        chat.posts(),
                        chat.acceptedPerSecond(),
                        refused429,
                        holds,
                        orders,
                        paid,
                        requests,
                        errors.values().stream().mapToLong(Long::longValue).sum())
                + (cdn == null ? " cdn=off" : String.format(Locale.ROOT, " cdnHits=%.1f%%", cdn.hitPercent()));
    }

    /** The usage counters' growth between two snapshots, per service and key. */
    static Map<String, Map<String, Long>> delta(LocalUsage before, LocalUsage after) {
        Map<String, Map<String, Long>> d = new LinkedHashMap<>();
        d.put("apiGatewayRequests", minus(after.apiGatewayRequests(), before.apiGatewayRequests()));
        d.put("lambdaInvocations", minus(after.lambdaInvocations(), before.lambdaInvocations()));
        Map<String, Long> appSync = new LinkedHashMap<>();
        appSync.put(
                "publishRequests",
                after.appSyncEvents().publishRequests() - before.appSyncEvents().publishRequests());
        appSync.put(
                "eventsPublished",
                after.appSyncEvents().eventsPublished() - before.appSyncEvents().eventsPublished());
        appSync.put(
                "messagesDelivered",
                after.appSyncEvents().messagesDelivered()
                        - before.appSyncEvents().messagesDelivered());
        appSync.put(
                "connectionsOpened",
                after.appSyncEvents().connectionsOpened()
                        - before.appSyncEvents().connectionsOpened());
        appSync.put("peakConnections", (long) after.appSyncEvents().peakConnections());
        appSync.put(
                "subscribeRequests",
                after.appSyncEvents().subscribeRequests()
                        - before.appSyncEvents().subscribeRequests());
        d.put("appSyncEvents", appSync);
        d.put("ivsRequests", minus(after.ivsRequests(), before.ivsRequests()));
        d.put(
                "eventBridge",
                Map.of(
                        "putEventsRequests",
                        after.eventBridge().putEventsRequests()
                                - before.eventBridge().putEventsRequests(),
                        "entries",
                        after.eventBridge().entries() - before.eventBridge().entries()));
        d.put("dynamoDbRequests", minus(after.dynamoDbRequests(), before.dynamoDbRequests()));
        d.put("cloudFrontEligible", minus(after.cloudFrontEligible(), before.cloudFrontEligible()));
        return d;
    }

    static Map<String, Double> perViewerPerMinute(LocalUsage before, LocalUsage after, int viewers, double minutes) {
        Map<String, Map<String, Long>> d = delta(before, after);
        double per = viewers * minutes;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("apiGateway", sum(d.get("apiGatewayRequests")) / per);
        m.put("lambda", sum(d.get("lambdaInvocations")) / per);
        m.put("appSyncInbound", d.get("appSyncEvents").get("eventsPublished") / per);
        m.put("appSyncOutbound", d.get("appSyncEvents").get("messagesDelivered") / per);
        m.put("appSyncConnections", d.get("appSyncEvents").get("connectionsOpened") / per);
        m.put("ivsPutMetadata", d.get("ivsRequests").getOrDefault("PutMetadata", 0L) / per);
        m.put("ivsGetStream", d.get("ivsRequests").getOrDefault("GetStream", 0L) / per);
        // Entries: an upper bound on PutEvents requests (the outbox may batch), what the 10,000/s quota is checked
        // with.
        m.put("eventBridgePutEvents", d.get("eventBridge").get("entries") / per);
        m.put("cloudFront", sum(d.get("cloudFrontEligible")) / per);
        m.put("dynamoDb", sum(d.get("dynamoDbRequests")) / per);
        return m;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n != 0) {
                out.put(k, n);
            }
        });
        return out;
    }

    private static double sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * This show's cost at list prices, from the same per-viewer rates (report.json "cost", report.html's cost section).
     */
    @JsonProperty("cost")
    public ShowCost.Bill cost() {
        return ShowCost.of(this);
    }

    /** Writes report.json and report.html into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("report.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this));
        Files.writeString(dir.resolve("report.html"), html(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ HTML

    String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Rehearsal report</title>"
                        + "<style>")
                .append("body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}"
                        + "table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + "th:first-child,td:first-child{text-align:left}")
                .append("svg{background:#fafafa;border:1px solid #ddd;margin:4px 0}</style></head><body>");
        h.append("<h1>Rehearsal report</h1><p><code>").append(esc(summary())).append("</code></p>");
        h.append("<p>Show ")
                .append(esc(sessionId))
                .append(", target ")
                .append(esc(parameters.target()))
                .append(", chat ")
                .append(parameters.chatRate())
                .append(" msg/s, buy rate ")
                .append(parameters.buyRate())
                .append(", seed ")
                .append(parameters.seed())
                .append(".</p>");
        h.append(
                cdn == null
                        ? "<p>No CDN: every request went to the API.</p>"
                        : "<p>CDN (the template's CloudFront rules, one edge): "
                                + cdn.hits() + " public reads answered at the edge, " + cdn.misses()
                                + " sent to the API ("
                                + String.format(Locale.ROOT, "%.1f", cdn.hitPercent()) + " % hits).</p>");
        h.append("<h2>Audience (subscribed viewers)</h2>").append(line(audiencePerSecond, "s", "#2a6"));
        h.append("<h2>Frames received per second</h2>").append(line(framesPerSecond, "s", "#26a"));
        h.append("<h2>Delivery latency per frame type</h2><p>Receive time − the time the bench sent "
                + "the request that caused the "
                + "frame, once per viewer (chat: each message of a chatBatch, by its nonce; "
                + "highlight: the highlight request; stock: "
                + "the first hold since the previous stock frame). "
                + "Types without a correlating request (viewers, status) have no latency.</p>"
                + "<table><tr><th>type</th><th>distinct</th>"
                + "<th>due</th><th>delivered</th><th>p50 ms</th><th>p99 ms</th></tr>");
        frames.forEach((type, f) -> h.append("<tr><td>")
                .append(esc(type))
                .append("</td><td>")
                .append(f.distinct())
                .append("</td><td>")
                .append(f.due())
                .append("</td><td>")
                .append(f.delivered())
                .append("</td><td>")
                .append(f.p50Ms() == null ? "—" : f.p50Ms())
                .append("</td><td>")
                .append(f.p99Ms() == null ? "—" : f.p99Ms())
                .append("</td></tr>"));
        h.append("</table>");
        Map<String, Double> p99 = new LinkedHashMap<>();
        frames.forEach((type, f) -> {
            if (f.p99Ms() != null) {
                p99.put(type + " p50", f.p50Ms());
                p99.put(type + " p99", f.p99Ms());
            }
        });
        h.append(bars(p99, "ms"));
        h.append("<h2>AppSync deliveries per viewer per minute, by frame type</h2><p>Frames the subscribed "
                + "viewers received "
                + "over the show (duplicates included: each delivery is billed) / viewers / minutes. "
                + "Total counted by the stack: "
                + (perViewerPerMinute == null
                        ? "— (no usage counters)"
                        : fmt(perViewerPerMinute.get("appSyncOutbound")))
                + ".</p><table><tr><th>frame type</th><th>per viewer-minute</th></tr>");
        deliveriesPerViewerPerMinute.forEach((type, v) -> h.append("<tr><td>")
                .append(esc(type))
                .append("</td><td>")
                .append(fmt(v))
                .append("</td></tr>"));
        h.append("</table><h2>Chat</h2><p>")
                .append(chat.posts())
                .append(" messages sent, ")
                .append(chat.accepted())
                .append(" accepted (")
                .append(String.format(Locale.ROOT, "%.1f", chat.acceptedPerSecond()))
                .append(" per second), refused: ")
                .append(chat.refused().isEmpty() ? "none" : esc(chat.refused().toString()))
                .append(". The POST's answer (202): p50 ")
                .append(chat.answerP50Ms())
                .append(" ms, p99 ")
                .append(chat.answerP99Ms())
                .append(" ms. From POST to the last subscriber, over ")
                .append(chat.messages())
                .append(" messages: p50 ")
                .append(chat.p50ToLastMs() == null ? "—" : chat.p50ToLastMs() + " ms")
                .append(", p99 ")
                .append(chat.p99ToLastMs() == null ? "—" : chat.p99ToLastMs() + " ms")
                .append(".</p>");
        h.append("<h2>Holds and orders per minute</h2>");
        Map<String, Double> perMinute = new LinkedHashMap<>();
        for (int i = 0; i < holdsPerMinute.length; i++) {
            perMinute.put("min " + (i + 1) + " holds", (double) holdsPerMinute[i]);
            perMinute.put("min " + (i + 1) + " orders", (double) ordersPerMinute[i]);
        }
        h.append(bars(perMinute, ""));
        h.append("<h2>Errors by code</h2>");
        Map<String, Double> errs = new LinkedHashMap<>();
        errors.forEach((k, v) -> errs.put(k, (double) v));
        h.append(errs.isEmpty() ? "<p>None.</p>" : bars(errs, ""));
        h.append("<h2>Stock after the show</h2><table><tr><th>sku</th><th>initial</th>"
                + "<th>available</th><th>held</th><th>sold</th>" + "<th>balanced</th></tr>");
        stock.forEach((sku, s) -> h.append("<tr><td>")
                .append(esc(sku))
                .append("</td><td>")
                .append(s.initial())
                .append("</td><td>")
                .append(s.available())
                .append("</td><td>")
                .append(s.held())
                .append("</td><td>")
                .append(s.sold())
                .append("</td><td>")
                .append(s.balanced() ? "yes" : "<b>NO</b>")
                .append("</td></tr>"));
        h.append("</table><h2>Requests per viewer per minute, per AWS service</h2>"
                + "<table><tr><th>service</th><th>measured</th>" + "<th>model</th></tr>");
        for (String s : SERVICES) {
            Double m = perViewerPerMinute == null ? null : perViewerPerMinute.get(s);
            Double model = modelPerViewerPerMinute.get(s);
            h.append("<tr><td>")
                    .append(s)
                    .append("</td><td>")
                    .append(m == null ? "—" : fmt(m))
                    .append("</td><td>")
                    .append(model == null ? "—" : fmt(model))
                    .append("</td></tr>");
        }
        h.append("</table>").append(ShowCost.html(cost())).append("</body></html>\n");
        return h.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.4f", v);
    }

    private static String line(long[] values, String unit, String colour) {
        int w = 900;
        int hgt = 160;
        long max = 1;
        for (long v : values) {
            max = Math.max(max, v);
        }
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            double x = 40 + (w - 50.0) * i / Math.max(1, values.length - 1);
            double y = hgt - 20 - (hgt - 30.0) * values[i] / max;
            p.append(i == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
        }
        return "<svg width=\"" + w + "\" height=\"" + hgt + "\" role=\"img\"><path d=\"" + p
                + "\" fill=\"none\" stroke=\"" + colour
                + "\" stroke-width=\"2\"/><text x=\"2\" y=\"14\" font-size=\"11\">" + max + "</text><text x=\"2\" y=\""
                + (hgt - 8)
                + "\" font-size=\"11\">0</text><text x=\"" + (w - 60) + "\" y=\"" + (hgt - 4) + "\" font-size=\"11\">"
                + values.length
                + " " + unit + "</text></svg>";
    }

    private static String bars(Map<String, Double> values, String unit) {
        if (values.isEmpty()) {
            return "";
        }
        double max =
                values.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        int row = 20;
        StringBuilder s =
                new StringBuilder("<svg width=\"900\" height=\"" + (values.size() * row + 10) + "\" role=\"img\">");
        int i = 0;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            double width = max <= 0 ? 0 : 600 * e.getValue() / max;
            int y = 5 + i * row;
            s.append(String.format(
                    Locale.ROOT,
                    "<text x=\"4\" y=\"%d\" font-size=\"12\">%s</text><rect x=\"220\" y=\"%d\" width=\"%.1f\" "
                            + "height=\"14\" fill=\"#c63\"/><text x=\"%.1f\" y=\"%d\" font-size=\"12\">%s %s</text>",
                    y + 12,
                    esc(e.getKey()),
                    y,
                    width,
                    225 + width,
                    y + 12,
                    fmt(e.getValue()),
                    unit));
            i++;
        }
        return s.append("</svg>").toString();
    }

    private static String esc(String s) {
        return s == null
                ? ""
                : s.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }
}
