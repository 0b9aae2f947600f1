package com.liveshop.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one viewer's page asks of the stack, and when: the constants of web/viewer.js and chat.js (keep them in step),
 * used by both the rehearsal's simulated viewers and the capacity model, so the model predicts what the simulation
 * does.
 */
public final class ViewerCadence {

    private ViewerCadence() {}

    /** viewer.js scheduleSessionRefresh: GET /sessions/{id} every ~15 s while /shows/{id} is subscribed. */
    public static final long SESSION_POLL_PUSHED_MS = 15_000;
    /** … and every ~3 s without the subscription. */
    public static final long SESSION_POLL_UNPUSHED_MS = 3_000;
    /** Both jittered uniformly by ±20 % (0.8–1.2 ×), so a crowd that joined together does not poll together. */
    public static final double SESSION_POLL_JITTER = 0.2;
    /** viewer.js feature(): the featured product's stock timer ticks every 2 s… */
    public static final long STOCK_TICK_MS = 2_000;
    /** …and polls GET /products/{sku} on every 5th tick (10 s) while pushed, every tick (2 s) otherwise. */
    public static final int STOCK_TICKS_PER_POLL_PUSHED = 5;
    /** chat.js: GET /sessions/{id}/messages?limit=50 once when the chat opens. */
    public static final int HISTORY_LIMIT = 50;
    /** On join: GET /sessions/{id}, GET /carts/{cartId} (refreshCart) and the chat history. */
    public static final int JOIN_REQUESTS = 3;
    /** viewer.js showOrder(): the first GET /orders/{id} 1.5 s after the order is placed. */
    public static final long ORDER_POLL_MS = 1_500;
    /**
     * One purchase on the page: POST /carts/{id}/items, then GET /carts/{id}, GET /products/{sku} and GET
     * /sessions/{id} (addToCart), POST /orders, GET /carts/{new id} and the first GET /orders/{id}.
     */
    public static final int BUY_REQUESTS = 7;
    /** A payment adds the provider's webhook call (POST /payments/webhook) and one more GET /orders/{id}. */
    public static final int PAY_REQUESTS = 2;
    /** Of the buy requests, the public GETs a CDN could answer: GET /products/{sku} and GET /sessions/{id}. */
    public static final int BUY_PUBLIC_GETS = 2;
    /**
     * chatBatch frames per show per second at most: Lambda polls a stream shard 4 times a second (the local poller
     * every 250 ms) and the chat stream function publishes one frame per poll that found messages, with
     * ChatBatchWindowSeconds 0 (the default); a window of 1 s makes it ~1.
     */
    public static final double CHAT_FRAMES_PER_SECOND_MAX = 4;
    /** The viewer-count function: one GetStream per live show per 15 s round. */
    public static final double GET_STREAM_PER_SHOW_PER_MINUTE = 4;

    /**
     * A rehearsal's or a show's shape. {@code payShare}: of the buyers, those who pay (the rest abandon the order).
     * {@code joinsIncluded}: the viewers' join requests fall within the counted minutes (a show); a rehearsal counts
     * from the moment its audience is in, so its joins are not.
     */
    public record Show(
            int viewers,
            double minutes,
            double chatPerSecond,
            double buyRate,
            int lineup,
            double payShare,
            boolean joinsIncluded) {

        public Show(int viewers, double minutes, double chatPerSecond, double buyRate, int lineup, double payShare) {
            this(viewers, minutes, chatPerSecond, buyRate, lineup, payShare, true);
        }

        /** The script: the host features lineup product i (0-based) at this offset from the start of the show. */
        public long highlightAtMs(int i) {
            return FIRST_HIGHLIGHT_MS + i * slotMs();
        }

        /** A product's time on screen; the show's first and last 2 s are left free. */
        public long slotMs() {
            return Math.max(1_000, (long) ((minutes * 60_000 - 2 * FIRST_HIGHLIGHT_MS) / lineup));
        }

        /**
         * GET /products/{sku} per viewer over the show: one read when a product is featured, then one per 10 s (pushed)
         * until the next product is featured or the show ends.
         */
        double stockPollsPerViewer() {
            long pollMs = STOCK_TICK_MS * STOCK_TICKS_PER_POLL_PUSHED;
            double polls = 0;
            for (int i = 0; i < lineup; i++) {
                long end = i + 1 < lineup ? highlightAtMs(i + 1) : (long) (minutes * 60_000);
                polls += 1 + Math.floor((end - highlightAtMs(i)) / (double) pollMs);
            }
            return polls;
        }

        double buyersPerViewerPerMinute() {
            return buyRate / minutes;
        }

        /**
         * Messages per viewer per minute, and distinct chatters (one ticket each) over the show, per viewer per minute.
         */
        double chatPerViewerPerMinute() {
            return chatPerSecond * 60 / viewers;
        }

        double ticketsPerViewerPerMinute() {
            double messages = chatPerSecond * 60 * minutes;
            return (1 - Math.exp(-messages / viewers)) / minutes;
        }

        /**
         * chatBatch frames per second: the chat stream function publishes one frame per stream poll that found
         * messages. With messages arriving at random (Poisson, as the rehearsal sends them) a poll finds one with
         * probability 1 − e^(−rate/polls), so frames/s = polls × that: ≈ the chat rate when it is low, never above
         * {@link #CHAT_FRAMES_PER_SECOND_MAX} (and never above min(chatRate, 4), the bound docs/capacity.md quotes).
         */
        double chatFramesPerSecond() {
            return CHAT_FRAMES_PER_SECOND_MAX * (1 - Math.exp(-chatPerSecond / CHAT_FRAMES_PER_SECOND_MAX));
        }

        /** Stock frames per second: a change at most once a second on the featured sku, ≈ holds/s when fewer. */
        double stockFramesPerSecond() {
            double holdsPerSecond = viewers * buyRate / (minutes * 60);
            return Math.min(1, holdsPerSecond);
        }
    }

    /**
     * The model: requests (or messages) per viewer per minute, per AWS service, for {@code show}. Keys match
     * {@link RehearsalReport#SERVICES}. Frames are published once per show and delivered once per viewer; chat arrives
     * in chatBatch frames (one per stream poll, one chat stream invocation each).
     */
    public static Map<String, Double> perViewerPerMinute(Show s) {
        double join = s.joinsIncluded() ? JOIN_REQUESTS / s.minutes() : 0;
        double sessionPolls = 60_000.0 / SESSION_POLL_PUSHED_MS;
        double stockPolls = s.stockPollsPerViewer() / s.minutes();
        double buys = s.buyersPerViewerPerMinute() * (BUY_REQUESTS + s.payShare() * PAY_REQUESTS);
        double chat = s.chatPerViewerPerMinute() + s.ticketsPerViewerPerMinute();
        double api = join + sessionPolls + stockPolls + buys + chat;
        double publicGets = join * (JOIN_REQUESTS - 1) / JOIN_REQUESTS
                + sessionPolls
                + stockPolls
                + s.buyersPerViewerPerMinute() * BUY_PUBLIC_GETS;
        double framesPerMinute =
                s.chatFramesPerSecond() * 60 + s.lineup() / s.minutes() + s.stockFramesPerSecond() * 60;
        double holdsPerViewerPerMinute = s.buyersPerViewerPerMinute();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("apiGateway", api);
        // Every route is a function; plus the stream-fed ones per hold (stock signal) and per order change (outbox).
        m.put(
                "lambda",
                api
                        + holdsPerViewerPerMinute * (LAMBDA_PER_HOLD + s.payShare() * LAMBDA_PER_PAYMENT)
                        + (s.lineup() * LAMBDA_PER_HIGHLIGHT / s.minutes()
                                        + SCHEDULED_PER_MINUTE
                                        + s.chatFramesPerSecond() * 60)
                                / s.viewers());
        m.put("appSyncInbound", framesPerMinute / s.viewers());
        m.put("appSyncOutbound", framesPerMinute);
        m.put("appSyncConnections", s.joinsIncluded() ? 1 / s.minutes() : 0);
        m.put("ivsPutMetadata", s.lineup() / s.minutes() / s.viewers());
        m.put("ivsGetStream", GET_STREAM_PER_SHOW_PER_MINUTE / s.viewers());
        // Entries (an upper bound on PutEvents requests, which may batch): the order outbox's placed and paid events.
        m.put("eventBridgePutEvents", holdsPerViewerPerMinute * (1 + s.payShare()));
        m.put("cloudFront", publicGets);
        return m;
    }

    /**
     * Invocations besides the routes' own: the stock signal (catalog stream) on a hold's and its order's stock change,
     * the order outbox (reservations stream) per order and per payment, the audience signal (an EventBridge rule) per
     * highlight, and the two every-minute schedules (hold expiry sweep, viewer count).
     */
    static final double LAMBDA_PER_HOLD = 2;

    static final double LAMBDA_PER_PAYMENT = 1;
    static final double LAMBDA_PER_HIGHLIGHT = 1;
    static final double SCHEDULED_PER_MINUTE = 2;
    /** The rehearsal's script: the first product is featured 2 s into the show. */
    public static final long FIRST_HIGHLIGHT_MS = 2_000;
}
