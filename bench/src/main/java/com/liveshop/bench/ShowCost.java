package com.liveshop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The expected AWS bill of one show, per service, from the per-viewer usage (a rehearsal's measured rates or the
 * {@link ViewerCadence} model, keys of {@link RehearsalReport#SERVICES}) and the list prices of docs/capacity.md
 * ({@link Prices}). docs/capacity.md "What a show costs" states the arithmetic; every assumption is a field of
 * {@link Assumptions} (a flag of {@code bench.jar capacity}) or a constant below.
 */
final class ShowCost {

    private ShowCost() {}

    /**
     * The show: audience, length in minutes, chat messages per second (show-wide), buyers' share, payers' share of
     * buyers.
     */
    record Show(int viewers, double minutes, double chatRate, double buyRate, double payShare) {}

    /**
     * What the usage counters do not say. {@code channelType}: the IVS channel type (the sessions function creates
     * STANDARD channels); {@code resolution}: what viewers watch (sd, hd, fullhd; a STANDARD channel's top rendition is
     * 1080p, so fullhd is the upper bound); Lambda's duration, memory and architecture (template.yaml Globals: arm64,
     * 1024 MB); bytes of an API response through CloudFront; bytes of one chat message inside a chatBatch frame; order
     * emails per order (none today) and the share of viewers who get a "we're live" reminder email.
     */
    record Assumptions(
            String channelType,
            String resolution,
            double lambdaMs,
            int lambdaMemoryMb,
            String lambdaArch,
            double bytesPerRequest,
            double chatMessageBytes,
            double emailsPerOrder,
            double reminderShare) {

        static Assumptions defaults() {
            return new Assumptions("standard", "fullhd", 100, 1024, "arm64", 2048, 250, 0, 1);
        }

        Assumptions {
            if (!List.of("standard", "basic").contains(channelType)
                    || !List.of("sd", "hd", "fullhd").contains(resolution)
                    || !List.of("arm64", "x86").contains(lambdaArch)) {
                throw new IllegalArgumentException(
                        "--channel-type standard|basic, --resolution sd|hd|fullhd, --lambda-arch arm64|x86");
            }
        }

        /** The capacity command's flags over the defaults. */
        static Assumptions from(Map<String, String> o, double lambdaMs) {
            Assumptions d = defaults();
            return new Assumptions(
                    o.getOrDefault("channel-type", d.channelType()).toLowerCase(Locale.ROOT),
                    o.getOrDefault("resolution", d.resolution()).toLowerCase(Locale.ROOT),
                    lambdaMs,
                    Integer.parseInt(o.getOrDefault("lambda-memory-mb", String.valueOf(d.lambdaMemoryMb()))),
                    o.getOrDefault("lambda-arch", d.lambdaArch()).toLowerCase(Locale.ROOT),
                    Double.parseDouble(o.getOrDefault("bytes-per-request", String.valueOf(d.bytesPerRequest()))),
                    Double.parseDouble(o.getOrDefault("chat-message-bytes", String.valueOf(d.chatMessageBytes()))),
                    Double.parseDouble(o.getOrDefault("emails-per-order", String.valueOf(d.emailsPerOrder()))),
                    Double.parseDouble(o.getOrDefault("reminder-share", String.valueOf(d.reminderShare()))));
        }
    }

    /** AppSync Events meters a message in 5 KB units: a delivery of 5.1 KB is two operations. */
    static final double APPSYNC_UNIT_BYTES = 5 * 1024;
    /** The chatBatch envelope around its messages: {"type":"chatBatch","messages":[…]} plus the event's own framing. */
    static final double CHAT_BATCH_ENVELOPE_BYTES = 100;
    /**
     * Per viewer: the WebSocket connect and the /shows/{id} subscribe, one operation each (keep-alives not counted).
     */
    static final double APPSYNC_OPERATIONS_PER_VIEWER = 2;
    /** The viewer page's own files through CloudFront on join (watch.html and its scripts and styles). */
    static final double PAGE_REQUESTS_PER_VIEWER = 10;
    /** Their bytes: the sum of web's viewer files (~81 KB), rounded up. */
    static final double PAGE_BYTES_PER_VIEWER = 100 * 1024;
    /** CloudFront bills data out per GB of 2^30 bytes. */
    static final double GB = 1024.0 * 1024 * 1024;
    /**
     * The model has no DynamoDB counter: requests per function invocation behind the CDN, and their read share, as a
     * rough estimate (a rehearsal measures both; reads cost 1 RRU each, writes {@value #WRU_PER_WRITE} WRU each).
     */
    static final double MODEL_DYNAMO_REQUESTS_PER_INVOCATION = 2;

    static final double MODEL_DYNAMO_READ_SHARE = 0.5;
    /** A write request's units: most are single-item conditional updates (1 WRU); transactions cost 2 per item. */
    static final double WRU_PER_WRITE = 2;

    /** Every price the arithmetic uses; {@link Prices#require} fails on a table that lacks one. */
    static final List<String> PRICES = List.of(
            "ivs.input.standard",
            "ivs.input.basic",
            "ivs.output.sd",
            "ivs.output.hd",
            "ivs.output.fullhd",
            "appsync.events.operation",
            "appsync.events.connectionMinute",
            "lambda.request",
            "lambda.arm64.gbSecond",
            "lambda.x86.gbSecond",
            "apigateway.http.request",
            "cloudfront.https.request",
            "cloudfront.dataOut",
            "dynamodb.ondemand.read",
            "dynamodb.ondemand.write",
            "ses.email",
            "eventbridge.customEvent");

    /** One line of the bill: the service, what was counted, and its cost in USD. */
    public record Line(String service, double quantity, String unit, double usd) {}

    /** The bill: its lines, the total, the cost per 1,000 viewer-hours and the most expensive line. */
    public record Bill(
            int viewers,
            double minutes,
            double chatRate,
            String source,
            List<Line> lines,
            double totalUsd,
            double per1000ViewerHoursUsd,
            String mostExpensive) {

        /** The one figure to read. */
        public String summary() {
            Line top = lines.stream()
                    .filter(l -> l.service().equals(mostExpensive))
                    .findFirst()
                    .orElseThrow();
            return String.format(
                    Locale.ROOT,
                    "cost: $%,.2f per 1,000 viewer-hours (show total $%,.2f for %,d viewers × %.0f min); "
                            + "most expensive: %s ($%,.2f, %.0f%%)",
                    per1000ViewerHoursUsd,
                    totalUsd,
                    viewers,
                    minutes,
                    mostExpensive,
                    top.usd(),
                    totalUsd == 0 ? 0 : 100 * top.usd() / totalUsd);
        }
    }

    /**
     * The bill of {@code show} from per-viewer rates at its audience ({@code r}: per viewer per minute, keys of
     * {@link RehearsalReport#SERVICES}; the rehearsal's per-show rates already scaled by {@link Capacity#atAudience}).
     * {@code dynamoMix}: the measured shares of DynamoDB requests that are reads and writes (null: the model's).
     */
    static Bill bill(Show show, Map<String, Double> r, String source, DynamoMix dynamoMix, Assumptions a, Prices p) {
        p.require(PRICES);
        double viewerMinutes = show.viewers() * show.minutes();
        double viewerHours = viewerMinutes / 60;
        List<Line> lines = new ArrayList<>();

        lines.add(new Line(
                "IVS input (" + a.channelType() + " channel)",
                show.minutes() / 60,
                "channel-hours",
                show.minutes() / 60 * p.perUnit("ivs.input." + a.channelType())));
        lines.add(new Line(
                "IVS output (" + a.resolution() + ", North America)",
                viewerHours,
                "viewer-hours",
                viewerHours * p.perUnit("ivs.output." + a.resolution())));

        double outbound = rate(r, "appSyncOutbound");
        double operations = viewerMinutes * (rate(r, "appSyncInbound") + outbound + extraChatUnits(show, outbound, a))
                + show.viewers() * APPSYNC_OPERATIONS_PER_VIEWER;
        lines.add(new Line(
                "AppSync Events operations",
                operations,
                "operations",
                operations * p.perUnit("appsync.events.operation")));
        lines.add(new Line(
                "AppSync Events connection minutes",
                viewerMinutes,
                "connection-minutes",
                viewerMinutes * p.perUnit("appsync.events.connectionMinute")));

        // Public GETs are answered at the edge (as the capacity table's CDN rows): the API and functions see the rest.
        double behindCdn = Math.max(0, rate(r, "apiGateway") - rate(r, "cloudFront"));
        double invocations = viewerMinutes * Math.max(0, rate(r, "lambda") - rate(r, "cloudFront"));
        double gbSeconds = invocations * a.lambdaMs() / 1000 * a.lambdaMemoryMb() / 1024.0;
        lines.add(new Line(
                "Lambda",
                invocations,
                "invocations",
                invocations * p.perUnit("lambda.request")
                        + gbSeconds * p.perUnit("lambda." + a.lambdaArch() + ".gbSecond")));
        double apiRequests = viewerMinutes * behindCdn;
        lines.add(new Line(
                "API Gateway (HTTP API)", apiRequests, "requests", apiRequests * p.perUnit("apigateway.http.request")));

        // Every request of the page goes through the distribution (pages and API behaviours alike).
        double cdnRequests = viewerMinutes * rate(r, "apiGateway") + show.viewers() * PAGE_REQUESTS_PER_VIEWER;
        double cdnBytes =
                viewerMinutes * rate(r, "apiGateway") * a.bytesPerRequest() + show.viewers() * PAGE_BYTES_PER_VIEWER;
        lines.add(new Line(
                "CloudFront",
                cdnRequests,
                "requests",
                cdnRequests * p.perUnit("cloudfront.https.request") + cdnBytes / GB * p.perUnit("cloudfront.dataOut")));

        double dynamoRequests = viewerMinutes
                * (r.containsKey("dynamoDb")
                        ? r.get("dynamoDb")
                        : Math.max(0, rate(r, "lambda") - rate(r, "cloudFront"))
                                * MODEL_DYNAMO_REQUESTS_PER_INVOCATION);
        DynamoMix mix =
                dynamoMix != null ? dynamoMix : new DynamoMix(MODEL_DYNAMO_READ_SHARE, 1 - MODEL_DYNAMO_READ_SHARE);
        double billable = dynamoRequests * (mix.readShare() + mix.writeShare());
        lines.add(new Line(
                "DynamoDB (on demand)",
                billable,
                "requests",
                dynamoRequests * mix.readShare() * p.perUnit("dynamodb.ondemand.read")
                        + dynamoRequests * mix.writeShare() * WRU_PER_WRITE * p.perUnit("dynamodb.ondemand.write")));

        double emails = show.viewers() * (a.reminderShare() + show.buyRate() * a.emailsPerOrder());
        lines.add(new Line("SES", emails, "emails", emails * p.perUnit("ses.email")));
        double events = viewerMinutes * rate(r, "eventBridgePutEvents");
        lines.add(new Line("EventBridge", events, "custom events", events * p.perUnit("eventbridge.customEvent")));

        double total = lines.stream().mapToDouble(Line::usd).sum();
        Line top = lines.stream()
                .max(java.util.Comparator.comparingDouble(Line::usd))
                .orElseThrow();
        return new Bill(
                show.viewers(),
                show.minutes(),
                show.chatRate(),
                source,
                lines,
                total,
                viewerHours == 0 ? 0 : total / viewerHours * 1000,
                top.service());
    }

    /**
     * A rehearsal's show at list prices: its audience, length and chat rate, its measured rates (the model's against a
     * deployed stack, where the local counters are not available), the default assumptions.
     */
    static Bill of(RehearsalReport report) {
        RehearsalReport.Parameters p = report.parameters();
        boolean measured = report.perViewerPerMinute() != null;
        Map<String, Long> byOperation =
                report.usage() == null ? null : report.usage().get("dynamoDbRequests");
        return bill(
                new Show(p.viewers(), report.showMinutes(), p.chatRate(), p.buyRate(), p.payShare()),
                measured ? report.perViewerPerMinute() : report.modelPerViewerPerMinute(),
                measured ? "measured" : "model",
                measured ? DynamoMix.of(byOperation) : null,
                Assumptions.defaults(),
                Prices.bundled());
    }

    /**
     * Chat frames bigger than one 5 KB unit cost more than one operation per delivery. A chatBatch frame carries the
     * messages of one stream poll: about chatRate / {@link ViewerCadence#CHAT_FRAMES_PER_SECOND_MAX} of them at a high
     * rate (a busy poll's batch; at a low rate most frames carry one message). Returns the extra units per viewer per
     * minute (0 while a batch stays under 5 KB).
     */
    static double extraChatUnits(Show show, double outboundPerViewerMinute, Assumptions a) {
        if (show.chatRate() <= 0) {
            return 0;
        }
        double framesPerSecond = Math.min(show.chatRate(), ViewerCadence.CHAT_FRAMES_PER_SECOND_MAX);
        double bytes = CHAT_BATCH_ENVELOPE_BYTES
                + Math.max(1, show.chatRate() / ViewerCadence.CHAT_FRAMES_PER_SECOND_MAX) * a.chatMessageBytes();
        double units = Math.ceil(bytes / APPSYNC_UNIT_BYTES);
        return Math.min(outboundPerViewerMinute, framesPerSecond * 60) * (units - 1);
    }

    private static double rate(Map<String, Double> r, String key) {
        Double v = r.get(key);
        return v == null ? 0 : v;
    }

    /**
     * The billable shares of a rehearsal's DynamoDB requests, from its counters by operation
     * ({@code usage.dynamoDbRequests}): reads and writes; the rest are the stream pollers' DescribeStream,
     * GetShardIterator and GetRecords, free when Lambda reads a stream. Null without counters (the model's estimate
     * applies).
     */
    record DynamoMix(double readShare, double writeShare) {

        static final java.util.Set<String> READS =
                java.util.Set.of("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems");
        static final java.util.Set<String> WRITES =
                java.util.Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");

        static DynamoMix of(Map<String, Long> byOperation) {
            if (byOperation == null || byOperation.isEmpty()) {
                return null;
            }
            long all = byOperation.values().stream().mapToLong(Long::longValue).sum();
            long reads = byOperation.entrySet().stream()
                    .filter(e -> READS.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            long writes = byOperation.entrySet().stream()
                    .filter(e -> WRITES.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            return all == 0 ? null : new DynamoMix((double) reads / all, (double) writes / all);
        }
    }

    /** The bills of several audiences side by side: one row per service, one column per audience. */
    static String render(List<Bill> bills) {
        StringBuilder s = new StringBuilder();
        Bill first = bills.get(0);
        s.append(String.format(
                Locale.ROOT,
                "%nCost of one show (%s rates; %.0f min, %s chat msgs/s; "
                        + "us-east-1 list prices from docs/capacity.md):%n",
                first.source(),
                first.minutes(),
                fmt(first.chatRate())));
        s.append(String.format(Locale.ROOT, "%-40s", "service"));
        bills.forEach(b ->
                s.append(String.format(Locale.ROOT, " %16s", String.format(Locale.ROOT, "%,d viewers", b.viewers()))));
        s.append(String.format(Locale.ROOT, "  %s%n", "usage at the largest audience"));
        for (int i = 0; i < first.lines().size(); i++) {
            Line l = first.lines().get(i);
            s.append(String.format(Locale.ROOT, "%-40s", l.service()));
            for (Bill b : bills) {
                s.append(String.format(
                        Locale.ROOT,
                        " %16s",
                        String.format(Locale.ROOT, "$%,.2f", b.lines().get(i).usd())));
            }
            Line last = bills.get(bills.size() - 1).lines().get(i);
            s.append(String.format(
                    Locale.ROOT,
                    "  %s %s%n",
                    String.format(Locale.ROOT, last.quantity() >= 100 ? "%,.0f" : "%,.2f", last.quantity()),
                    last.unit()));
        }
        s.append(String.format(Locale.ROOT, "%-40s", "total"));
        bills.forEach(
                b -> s.append(String.format(Locale.ROOT, " %16s", String.format(Locale.ROOT, "$%,.2f", b.totalUsd()))));
        s.append(String.format(Locale.ROOT, "%n%-40s", "per 1,000 viewer-hours"));
        bills.forEach(b -> s.append(
                String.format(Locale.ROOT, " %16s", String.format(Locale.ROOT, "$%,.2f", b.per1000ViewerHoursUsd()))));
        s.append('\n');
        for (Bill b : bills) {
            s.append(String.format(Locale.ROOT, "%,d viewers: %s%n", b.viewers(), b.summary()));
        }
        return s.toString();
    }

    /** The cost section of report.html: same lines, no scripts or links. */
    static String html(Bill b) {
        StringBuilder h = new StringBuilder("<h2>Cost of this show (us-east-1 list prices)</h2><p><b>")
                .append(esc(b.summary()))
                .append("</b></p><table><tr><th>service</th><th>usage</th><th>USD</th></tr>");
        for (Line l : b.lines()) {
            h.append("<tr><td>")
                    .append(esc(l.service()))
                    .append("</td><td>")
                    .append(String.format(
                            Locale.ROOT, l.quantity() >= 100 ? "%,.0f %s" : "%,.2f %s", l.quantity(), esc(l.unit())))
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,.4f", l.usd()))
                    .append("</td></tr>");
        }
        return h.append("</table><p>Prices, sources and assumptions: docs/capacity.md (Prices; What a show costs).</p>")
                .toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.valueOf(v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
