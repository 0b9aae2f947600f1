package com.liveshop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongBiFunction;

/**
 * What the rehearsal's viewers received on {@code /shows/{id}}, two ways:
 *
 * <ul>
 *   <li>AppSync deliveries: every frame a viewer's socket got, by frame type ({@code chatBatch}, {@code viewers},
 *       {@code stock}, …), duplicates included (each is billed), while the counting window is open;
 *   <li>what the viewers saw: each distinct frame, or each chat message unpacked from a {@code chatBatch}, once per
 *       viewer (a retried stream batch publishes its messages again: the page dedupes by {@code messageId}, so does
 *       this), with who was due it, who got it and when, and when the last of them got it.
 * </ul>
 */
final class FrameLedger {

    /** One distinct frame or chat message: when its cause was sent (0: unknown), first seen, who got it. */
    static final class Frame {
        final String type;
        final long causeNanos;
        final long firstSeenNanos;
        private final BitSet viewers = new BitSet();
        private long received;
        private long lastDueReceiptNanos;

        Frame(String type, long causeNanos, long firstSeenNanos) {
            this.type = type;
            this.causeNanos = causeNanos;
            this.firstSeenNanos = firstSeenNanos;
        }

        /** Viewers subscribed before this instant were due this frame. */
        long dueFrom() {
            return causeNanos != 0 ? causeNanos : firstSeenNanos - TimeUnit.SECONDS.toNanos(1);
        }

        /** True the first time {@code viewer} gets it. */
        synchronized boolean receive(int viewer, boolean due, long now) {
            if (viewers.get(viewer)) {
                return false;
            }
            viewers.set(viewer);
            if (due) {
                received++;
                lastDueReceiptNanos = Math.max(lastDueReceiptNanos, now);
            }
            return true;
        }

        synchronized long received() {
            return received;
        }

        synchronized long lastDueReceiptNanos() {
            return lastDueReceiptNanos;
        }
    }

    /** Per type of what the viewers saw (chat: messages), and the chat's time from POST to the last due viewer. */
    record Figures(
            long expected,
            long delivered,
            Map<String, RehearsalReport.FrameFigures> byType,
            Double chatToLastP50Ms,
            Double chatToLastP99Ms,
            long chatToLastSamples) {}

    private final ToLongBiFunction<String, JsonNode> cause;
    private final Map<String, Frame> frames = new ConcurrentHashMap<>();
    private final Map<String, Rehearsal.Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> deliveries = new ConcurrentHashMap<>();
    private volatile boolean counting;

    /**
     * {@code cause}: when the request behind a frame (type, frame; a chat message for {@code chat}) was sent, 0 if
     * none.
     */
    FrameLedger(ToLongBiFunction<String, JsonNode> cause) {
        this.cause = cause;
    }

    /** Opens or closes the window in which deliveries are counted (the usage counters' window). */
    void counting(boolean on) {
        counting = on;
    }

    /**
     * One event text received by {@code viewer} (subscribed since {@code subscribedAtNanos}); the parsed frame, or null
     * if it was not JSON.
     */
    JsonNode received(int viewer, long subscribedAtNanos, String eventText, long now) {
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(eventText);
        } catch (Exception e) {
            return null;
        }
        String type = event.path("type").asText("?");
        if (counting) {
            deliveries.computeIfAbsent(type, t -> new LongAdder()).increment();
        }
        if (type.equals("chatBatch")) {
            for (JsonNode message : event.path("messages")) {
                seen(
                        viewer,
                        subscribedAtNanos,
                        "chat",
                        "chat:" + message.path("messageId").asText(),
                        message,
                        now);
            }
            return event;
        }
        String key = switch (type) {
            case "highlight" ->
                "highlight:"
                        + event.path("highlightId").asText(event.path("sku").asText());
            case "stock" ->
                "stock:" + event.path("sku").asText() + ":"
                        + event.path("available").asText();
            default -> type + ":" + eventText;
        };
        seen(viewer, subscribedAtNanos, type, key, event, now);
        return event;
    }

    private void seen(int viewer, long subscribedAtNanos, String type, String key, JsonNode frame, long now) {
        Frame f = frames.computeIfAbsent(key, k -> new Frame(type, cause.applyAsLong(type, frame), now));
        if (f.receive(viewer, subscribedAtNanos < f.dueFrom(), now) && f.causeNanos != 0) {
            latency.computeIfAbsent(type, t -> new Rehearsal.Histogram()).record(now - f.causeNanos);
        }
    }

    /** Deliveries counted in the window, by frame type, per viewer per minute. */
    Map<String, Double> deliveriesPerViewerPerMinute(int viewers, double minutes) {
        Map<String, Double> out = new TreeMap<>();
        deliveries.forEach((type, n) -> out.put(type, n.sum() / (double) viewers / minutes));
        return out;
    }

    /** {@code subscribedAt}: every viewer's subscription instant, sorted (Long.MAX_VALUE: never subscribed). */
    Figures figures(long[] subscribedAt) {
        long expected = 0;
        long delivered = 0;
        Map<String, long[]> byType = new TreeMap<>();
        Rehearsal.Histogram toLast = new Rehearsal.Histogram();
        for (Frame f : frames.values()) {
            int due = upperBound(subscribedAt, f.dueFrom());
            long got = Math.min(due, f.received());
            expected += due;
            delivered += got;
            long[] t = byType.computeIfAbsent(f.type, k -> new long[3]);
            t[0]++;
            t[1] += due;
            t[2] += got;
            if (f.type.equals("chat") && f.causeNanos != 0 && got > 0) {
                toLast.record(f.lastDueReceiptNanos() - f.causeNanos);
            }
        }
        Map<String, RehearsalReport.FrameFigures> figures = new LinkedHashMap<>();
        byType.forEach((type, t) -> {
            Rehearsal.Histogram h = latency.get(type);
            figures.put(
                    type,
                    new RehearsalReport.FrameFigures(
                            t[0],
                            t[1],
                            t[2],
                            h == null ? null : h.percentile(50),
                            h == null ? null : h.percentile(99),
                            h == null ? 0 : h.count()));
        });
        boolean chat = toLast.count() > 0;
        return new Figures(
                expected,
                delivered,
                figures,
                chat ? toLast.percentile(50) : null,
                chat ? toLast.percentile(99) : null,
                toLast.count());
    }

    /** How many of the sorted values are below {@code limit}. */
    static int upperBound(long[] sorted, long limit) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < limit) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
