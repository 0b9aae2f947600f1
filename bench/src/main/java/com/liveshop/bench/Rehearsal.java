package com.liveshop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalStack;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.Channels;
import dev.samlocal.LocalUsage;
import dev.samlocal.Options;
import dev.samlocal.ivs.SimulatedViewers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code bench.jar rehearse}: a scripted show with N simulated viewers (docs/benchmarks.md). The host creates the show,
 * goes live and features each lineup product in turn at a deal price; viewers subscribe to {@code /shows/{id}} over the
 * real AppSync Events protocol and poll at the pages' cadence ({@link ViewerCadence}); a share buys (hold → order → pay
 * or abandon) and the chat runs at the given rate. One JVM: the JDK HttpClient (async), a small scheduler, and by
 * default the local stack itself.
 */
final class Rehearsal {

    /** The command line. {@code target} null: a local stack of our own on free ports. */
    /**
     * {@code cdn}: public reads go through an {@link EdgeCache} as through CloudFront (local runs; {@code --cdn off}:
     * straight to the API).
     */
    record Config(
            int viewers,
            double minutes,
            double chatRate,
            double buyRate,
            double payShare,
            int lineup,
            String target,
            String hostToken,
            String eventsHttp,
            String eventsApiKey,
            Path out,
            long seed,
            boolean cdn) {

        static Config parse(Map<String, String> o) {
            String target = o.get("target");
            if (target != null
                    && (o.get("host-token") == null
                            || o.get("events-http") == null
                            || o.get("events-api-key") == null)) {
                throw new IllegalArgumentException(
                        "--target needs --host-token, --events-http (the Events API's HTTP endpoint, "
                                + "https://…/event) and --events-api-key");
            }
            Config c = new Config(
                    Integer.parseInt(o.getOrDefault("viewers", "2000")),
                    Double.parseDouble(o.getOrDefault("minutes", "3")),
                    Double.parseDouble(o.getOrDefault("chat-rate", "5")),
                    Double.parseDouble(o.getOrDefault("buy-rate", "0.1")),
                    Double.parseDouble(o.getOrDefault("pay-share", "0.8")),
                    Integer.parseInt(o.getOrDefault("lineup", "6")),
                    target,
                    o.get("host-token"),
                    o.get("events-http"),
                    o.get("events-api-key"),
                    Path.of(o.getOrDefault("out", "target/rehearsal")),
                    Long.parseLong(o.getOrDefault("seed", "42")),
                    !"off".equals(o.getOrDefault("cdn", "on")));
            if (c.viewers < 1 || c.minutes <= 0 || c.chatRate < 0 || c.buyRate < 0 || c.buyRate > 1 || c.lineup < 1) {
                throw new IllegalArgumentException(
                        "--viewers ≥ 1, --minutes > 0, --chat-rate ≥ 0, --buy-rate 0..1, --lineup ≥ 1");
            }
            if (c.chatRate > c.viewers * 1000.0 / CHAT_GAP_MS) {
                throw new IllegalArgumentException("--chat-rate " + c.chatRate + " needs at least "
                        + (long) Math.ceil(c.chatRate * CHAT_GAP_MS / 1000.0)
                        + " viewers (each speaks at most once per " + CHAT_GAP_MS + " ms)");
            }
            return c;
        }

        ViewerCadence.Show show() {
            return new ViewerCadence.Show(
                    viewers, minutes, chatRate, buyRate, lineup, target == null ? payShare : 0, false);
        }
    }

    /** A latency histogram in 1 ms buckets up to a minute; lock-free. */
    static final class Histogram {
        private final AtomicLongArray buckets = new AtomicLongArray(60_001);
        private final LongAdder count = new LongAdder();

        void record(long nanos) {
            buckets.incrementAndGet((int) Math.max(0, Math.min(60_000, nanos / 1_000_000)));
            count.increment();
        }

        long count() {
            return count.sum();
        }

        double percentile(double p) {
            long total = count.sum();
            if (total == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(total * p / 100.0);
            long seen = 0;
            for (int i = 0; i < buckets.length(); i++) {
                seen += buckets.get(i);
                if (seen >= rank) {
                    return i;
                }
            }
            return 60_000;
        }
    }

    private final Config config;
    private final HttpClient http;
    /** The CDN's caching of public reads (local runs with --cdn on); null: every request reaches the API. */
    private final EdgeCache edge;

    private final ScheduledExecutorService timers;
    private final ExecutorService io;
    private final Random random;
    private String base;
    private String hostToken;
    private String sessionId;
    private final List<String> skus = new ArrayList<>();
    private final Map<String, Long> initialStock = new LinkedHashMap<>();
    private volatile String featuredSku;
    static final int MAX_DOORS_SECONDS = 120;
    static final long SUBSCRIBE_TIMEOUT_MS = 15_000;
    private long tDoors;
    private volatile long t0;
    private int seconds;

    // figures
    private AtomicLongArray connectedAt;
    private AtomicLongArray framesAt;
    private AtomicLongArray holdsAt;
    private AtomicLongArray ordersAt;
    private final AtomicInteger connected = new AtomicInteger();
    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder holds = new LongAdder();
    private final LongAdder orders = new LongAdder();
    private final LongAdder paid = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder fiveXx = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final FrameLedger ledger = new FrameLedger(this::cause);
    /** Chat POSTs sent, accepted (202) and refused by status and code (429 RATE_LIMITED, 429 SLOW_MODE, …). */
    private final LongAdder chatPosts = new LongAdder();

    private final LongAdder chatAccepted = new LongAdder();
    private final Map<String, LongAdder> chatRefused = new ConcurrentHashMap<>();
    /** An accepted POST's own time (sent → 202): the part of the chat's latency before the stream. */
    private final Histogram chatAnswer = new Histogram();

    private final Map<String, Long> chatSent = new ConcurrentHashMap<>();
    private final Map<String, Long> highlightSent = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> stockPendingSince = new ConcurrentHashMap<>();
    private final List<Viewer> viewers = new ArrayList<>();
    private volatile boolean running = true;

    private Rehearsal(Config config) {
        this.config = config;
        this.io = Executors.newFixedThreadPool(2, daemon("rehearsal-http"));
        this.http = HttpClient.newBuilder()
                .executor(io)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        this.timers = Executors.newScheduledThreadPool(2, daemon("rehearsal-timer"));
        this.random = new Random(config.seed);
        this.edge = config.target == null && config.cdn ? new EdgeCache() : null;
    }

    static RehearsalReport run(Config config, Path template) throws Exception {
        Rehearsal r = new Rehearsal(config);
        if (config.target == null) {
            // Every simulated viewer comes from 127.0.0.1: the per-address chat ticket limits (30/min, 10 per show) are
            // raised for this stack only, as if each viewer had an address of their own.
            Options options = new Options("127.0.0.1", 0, 0, false, true, Optional.of(template))
                    .withParameter("ChatTicketsPerIpPerMinute", "10000")
                    .withParameter("ChatTicketsPerClientPerShow", "10000");
            try (LocalStack stack = LocalStack.start(options)) {
                System.out.println("rehearse: " + stack.readyLine());
                return r.play(
                        stack.url(),
                        stack.jwt().hostToken(),
                        stack.events().httpEndpoint(),
                        stack.events().realtimeEndpoint(),
                        stack.events().apiKey(),
                        stack);
            } finally {
                r.shutdown();
            }
        }
        try {
            String realtime =
                    config.eventsHttp.replaceFirst("^https://", "wss://").replace("appsync-api", "appsync-realtime-api")
                            + (config.eventsHttp.endsWith("/realtime") ? "" : "/realtime");
            return r.play(
                    config.target.replaceAll("/+$", ""),
                    config.hostToken,
                    config.eventsHttp,
                    realtime,
                    config.eventsApiKey,
                    null);
        } finally {
            r.shutdown();
        }
    }

    private void shutdown() {
        running = false;
        viewers.forEach(Viewer::leave);
        timers.shutdownNow();
        io.shutdownNow();
    }

    private RehearsalReport play(
            String base, String hostToken, String eventsHttp, String realtime, String apiKey, LocalStack stack)
            throws Exception {
        this.base = base;
        this.hostToken = hostToken;
        String run = UUID.randomUUID().toString().substring(0, 8);
        long perProduct = Math.max(5, (long) Math.ceil(config.viewers * config.buyRate / config.lineup * 0.8));
        for (int i = 0; i < config.lineup; i++) {
            String sku = "rehearsal-" + run + "-" + (i + 1);
            HttpResponse<String> put = admin(
                    "PUT",
                    "/products/" + sku,
                    Json.write(Map.of(
                            "title",
                            "Rehearsal product " + (i + 1),
                            "priceCents",
                            2900 + 1000 * i,
                            "currency",
                            "USD",
                            "stock",
                            perProduct)));
            require(put, 201, 200);
            skus.add(sku);
            initialStock.put(sku, perProduct);
        }
        HttpResponse<String> created = admin(
                "POST",
                "/sessions",
                Json.write(Map.of(
                        "title",
                        "Rehearsal " + run,
                        "startsAt",
                        Instant.now().plusSeconds(60).toString(),
                        "lineup",
                        skus)));
        require(created, 201);
        JsonNode session = Json.MAPPER.readTree(created.body());
        sessionId = session.get("sessionId").asText();
        if (stack != null) {
            require(
                    send(
                                    "POST",
                                    "/_local/ivs/broadcast",
                                    Json.write(Map.of(
                                            "channelArn",
                                            session.get("channelArn").asText(),
                                            "action",
                                            "start")),
                                    Map.of())
                            .get(),
                    200,
                    201,
                    202,
                    204);
        } else {
            System.out.printf(
                    "rehearse: show %s created; start the broadcast now (GET %s/sessions/%s/ingest with the host token "
                            + "gives the RTMPS URL and stream key); waiting up to 10 min for LIVE%n",
                    sessionId, base, sessionId);
        }
        awaitLive(stack != null ? 60 : 600);
        if (config.chatRate > 0) {
            require(
                    admin(
                            "PUT",
                            "/sessions/" + sessionId + "/chat-settings",
                            Json.write(Map.of("messagesPerSecond", chatBudget(config.chatRate)))),
                    200);
        }

        seconds = (int) Math.round(config.minutes * 60);
        connectedAt = new AtomicLongArray(seconds + MAX_DOORS_SECONDS + 30);
        framesAt = new AtomicLongArray(connectedAt.length());
        holdsAt = new AtomicLongArray(connectedAt.length());
        ordersAt = new AtomicLongArray(connectedAt.length());
        tDoors = System.nanoTime();
        String channel = Channels.show(sessionId);
        ScheduledFuture<?> sampler = timers.scheduleAtFixedRate(
                () -> {
                    int s = second();
                    if (s < connectedAt.length()) {
                        connectedAt.set(s, connected.get());
                    }
                },
                0,
                1,
                TimeUnit.SECONDS);
        ScheduledFuture<?> progress = timers.scheduleAtFixedRate(this::progress, 5, 5, TimeUnit.SECONDS);

        // Doors open: the audience arrives over up to 20 s (10 ms per viewer: a crowd, not one instant) and the show
        // starts once it is in (at most MAX_DOORS_SECONDS). The counted window is the show itself, the same window
        // the model describes.
        long rampMs = Math.min(20_000, Math.max(2_000, config.viewers * 10L));
        ViewerCadence.Show script = config.show();
        double buyWindowStart = ViewerCadence.FIRST_HIGHLIGHT_MS + 1_000;
        double buyWindowEnd = Math.max(buyWindowStart + 1, seconds * 1000.0 - 12_000);
        // Exactly round(viewers × buy rate) buyers, drawn with the seed; each buys at a seeded moment of the show.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < config.viewers; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        java.util.Set<Integer> buyers =
                new java.util.HashSet<>(order.subList(0, (int) Math.round(config.viewers * config.buyRate)));
        for (int i = 0; i < config.viewers; i++) {
            Viewer v = new Viewer(i, new Random(random.nextLong()));
            viewers.add(v);
            if (buyers.contains(i)) {
                // From the run's generator: per-viewer generators of neighbouring seeds start almost alike.
                v.buyAtMs = (long) (buyWindowStart + random.nextDouble() * (buyWindowEnd - buyWindowStart));
                v.pays = config.target == null && random.nextDouble() < config.payShare;
            }
            timers.schedule(
                    () -> v.join(eventsHttp, realtime, apiKey, channel),
                    rampMs * i / config.viewers,
                    TimeUnit.MILLISECONDS);
        }
        long doorsEnd = tDoors + TimeUnit.SECONDS.toNanos(MAX_DOORS_SECONDS);
        while ((connected.get() < config.viewers || System.nanoTime() - tDoors < TimeUnit.MILLISECONDS.toNanos(rampMs))
                && System.nanoTime() < doorsEnd) {
            Thread.sleep(100);
        }
        Thread.sleep(1_000); // the last joiners' first requests
        System.out.printf(
                "rehearse: doors open %.1f s, %d/%d viewers in; the show starts%n",
                (System.nanoTime() - tDoors) / 1e9, connected.get(), config.viewers);
        ledger.counting(true);
        LocalUsage before = stack == null ? null : stack.usage();
        long[] edgeBefore = edge == null ? null : new long[] {edge.hits(), edge.misses()};
        t0 = System.nanoTime();
        viewers.forEach(Viewer::startShow);
        for (int i = 0; i < skus.size(); i++) {
            String sku = skus.get(i);
            timers.schedule(() -> highlight(sku), script.highlightAtMs(i), TimeUnit.MILLISECONDS);
        }
        if (config.chatRate > 0) {
            scheduleChat();
        }
        Thread.sleep(seconds * 1000L);
        running = false;
        long tEnd = System.nanoTime();
        Thread.sleep(3_000); // in-flight requests and the last frames
        drainAtEnd();
        progress.cancel(false);
        sampler.cancel(false);
        LocalUsage after = stack == null ? null : stack.usage();
        ledger.counting(false);
        RehearsalReport.Edge edgeFigures = edge == null
                ? null
                : new RehearsalReport.Edge(edge.hits() - edgeBefore[0], edge.misses() - edgeBefore[1]);
        double showMinutes = (tEnd - t0) / 60e9;
        Map<String, RehearsalReport.StockCheck> stock = checkStock();
        viewers.forEach(Viewer::leave);
        admin("POST", "/sessions/" + sessionId + "/end", null);
        return report(before, after, edgeFigures, showMinutes, stock);
    }

    /** Seconds since the doors opened (the time axis of the charts). */
    private int second() {
        return (int) ((System.nanoTime() - tDoors) / 1_000_000_000L);
    }

    private void awaitLive(int timeoutSeconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < end) {
            HttpResponse<String> s =
                    send("GET", "/sessions/" + sessionId, null, Map.of()).get();
            if (s.statusCode() == 200
                    && Json.MAPPER.readTree(s.body()).path("status").asText().equals("LIVE")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("The show did not go LIVE within " + timeoutSeconds + " s");
    }

    // ------------------------------------------------------------------ the host

    private void highlight(String sku) {
        if (!running) {
            return;
        }
        featuredSku = sku;
        long price = 2900 + 1000L * skus.indexOf(sku);
        highlightSent.put(sku, System.nanoTime());
        adminAsync(
                "POST",
                "/sessions/" + sessionId + "/highlights",
                Json.write(Map.of("sku", sku, "dealPriceCents", price * 7 / 10)));
    }

    // ------------------------------------------------------------------ chat

    /**
     * The least time between two messages of one simulated viewer: the per-ticket rate (5 per 10 s) and the fair share
     * (1 message per second per client once hundreds chat) are per-person limits, and the show-wide rate comes from
     * many people, so a chatter speaks at most 4 times in 10 s and never twice in a second. --chat-rate is then
     * reachable up to viewers / 2.5 s.
     */
    static final long CHAT_GAP_MS = 2_500;
    /** A first-time chatter's message goes this long after the page asked for its ticket (its first keystroke). */
    static final long TYPING_MS = 3_000;

    /**
     * The show's chat budget for --chat-rate, set as its host would (PUT /sessions/{id}/chat-settings): twice the mean
     * rate (Poisson arrivals at 50/s pass 100 in a second with a probability of about 1e-9), at least the default 20
     * and at most the route's 100.
     */
    static int chatBudget(double chatRate) {
        return (int) Math.min(100, Math.max(20, Math.ceil(2 * chatRate)));
    }

    private void scheduleChat() {
        // Poisson arrivals at --chat-rate messages/s over the whole audience.
        double gapMs = -Math.log(1 - random.nextDouble()) * 1000 / config.chatRate;
        timers.schedule(
                () -> {
                    if (!running) {
                        return;
                    }
                    // A viewer who is watching (subscribed) says something; nobody chats before anyone watches. One who
                    // spoke
                    // in the last CHAT_GAP_MS does not: a person, not a script, within the per-person limits.
                    long now = System.nanoTime();
                    for (int tries = 0; tries < 20; tries++) {
                        Viewer v = viewers.get(random.nextInt(viewers.size()));
                        if (v.subscribed && now - v.lastChatNanos >= TimeUnit.MILLISECONDS.toNanos(CHAT_GAP_MS)) {
                            v.lastChatNanos = now;
                            v.chat(0);
                            break;
                        }
                    }
                    scheduleChat();
                },
                (long) gapMs,
                TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ frames

    void received(Viewer v, String eventText) {
        long now = System.nanoTime();
        framesReceived.increment();
        int s = second();
        if (s >= 0 && s < framesAt.length()) {
            framesAt.incrementAndGet(s);
        }
        JsonNode event = ledger.received(v.index, v.subscribedAtNanos, eventText, now);
        if (event == null) {
            error("FRAME_NOT_JSON");
        } else if (event.path("type").asText().equals("highlight")) {
            v.featured(event.path("sku").asText());
        }
    }

    /**
     * When the request that caused this frame (for {@code chat}: one message of a {@code chatBatch}) was sent; 0 when
     * no request of ours correlates (viewers, status).
     */
    private long cause(String type, JsonNode event) {
        return switch (type) {
            case "chat" -> {
                String text = event.path("text").asText("");
                int at = text.indexOf("nonce=");
                Long sent = at < 0 ? null : chatSent.get(text.substring(at + 6).strip());
                yield sent == null ? 0 : sent;
            }
            case "highlight" -> highlightSent.getOrDefault(event.path("sku").asText(), 0L);
            case "stock" -> {
                AtomicLong pending = stockPendingSince.get(event.path("sku").asText());
                yield pending == null ? 0 : pending.getAndSet(0);
            }
            default -> 0;
        };
    }

    // ------------------------------------------------------------------ one simulated viewer

    final class Viewer {
        final int index;
        final Random rng;
        String cartId = UUID.randomUUID().toString();
        volatile boolean subscribed;
        volatile long subscribedAtNanos = Long.MAX_VALUE;
        /** When the chat script last picked this viewer to speak (its timer thread only). */
        volatile long lastChatNanos = Long.MIN_VALUE / 2;

        long buyAtMs = -1;
        boolean pays;
        volatile String ticket;
        private volatile EventsSubscriber subscriber;
        private volatile ScheduledFuture<?> stockTimer;
        private volatile String featured;
        private final AtomicInteger ticks = new AtomicInteger();
        private final java.util.concurrent.atomic.AtomicBoolean ticketRequested =
                new java.util.concurrent.atomic.AtomicBoolean();

        /** This viewer's own address, so per-address limits see one viewer each, as behind CloudFront. */
        final String address;

        Viewer(int index, Random rng) {
            this.index = index;
            this.rng = rng;
            this.address = SimulatedViewers.address(index);
        }

        void join(String eventsHttp, String realtime, String apiKey, String channel) {
            if (!running) {
                return;
            }
            get("/sessions/" + sessionId).thenAccept(r -> {
                if (r != null && r.statusCode() == 200) {
                    try {
                        JsonNode current = Json.MAPPER.readTree(r.body()).path("currentHighlight");
                        if (current.has("sku")) {
                            featured(current.get("sku").asText());
                        }
                    } catch (Exception e) {
                        error("SESSION_NOT_JSON");
                    }
                }
            });
            get("/carts/" + cartId);
            get("/sessions/" + sessionId + "/messages?limit=" + ViewerCadence.HISTORY_LIMIT);
            connect(eventsHttp, realtime, apiKey, channel);
            scheduleSessionPoll();
        }

        /**
         * Opens the subscription; one not acknowledged within {@link #SUBSCRIBE_TIMEOUT_MS} is dropped and opened
         * again, as the Amplify client does (counted as WS_RECONNECT).
         */
        private void connect(String eventsHttp, String realtime, String apiKey, String channel) {
            if (!running) {
                return;
            }
            EventsSubscriber.open(
                            http,
                            realtime,
                            eventsHttp,
                            apiKey,
                            channel,
                            () -> {
                                if (!subscribed) {
                                    subscribedAtNanos = System.nanoTime();
                                    subscribed = true;
                                    connected.incrementAndGet();
                                }
                            },
                            text -> received(this, text),
                            Rehearsal.this::error)
                    .whenComplete((s, e) -> {
                        if (e != null) {
                            error("WS_CONNECT");
                        } else {
                            subscriber = s;
                        }
                    });
            timers.schedule(
                    () -> {
                        if (!subscribed && running) {
                            error("WS_RECONNECT");
                            EventsSubscriber stale = subscriber;
                            if (stale != null) {
                                stale.close();
                            }
                            connect(eventsHttp, realtime, apiKey, channel);
                        }
                    },
                    SUBSCRIBE_TIMEOUT_MS,
                    TimeUnit.MILLISECONDS);
        }

        /** The show starts: a buyer buys at their moment of it. */
        void startShow() {
            if (buyAtMs >= 0) {
                timers.schedule(this::buy, buyAtMs, TimeUnit.MILLISECONDS);
            }
        }

        void leave() {
            EventsSubscriber s = subscriber;
            if (s != null) {
                s.close();
            }
            ScheduledFuture<?> t = stockTimer;
            if (t != null) {
                t.cancel(false);
            }
        }

        private void scheduleSessionPoll() {
            long base = subscribed ? ViewerCadence.SESSION_POLL_PUSHED_MS : ViewerCadence.SESSION_POLL_UNPUSHED_MS;
            double jitter =
                    1 - ViewerCadence.SESSION_POLL_JITTER + rng.nextDouble() * 2 * ViewerCadence.SESSION_POLL_JITTER;
            timers.schedule(
                    () -> {
                        if (running) {
                            get("/sessions/" + sessionId).whenComplete((r, e) -> scheduleSessionPoll());
                        }
                    },
                    (long) (base * jitter),
                    TimeUnit.MILLISECONDS);
        }

        /** viewer.js feature(): one stock read now, then the 2 s timer (every 5th tick while pushed). */
        synchronized void featured(String sku) {
            if (sku.equals(featured) || !running) {
                return;
            }
            featured = sku;
            if (stockTimer != null) {
                stockTimer.cancel(false);
            }
            get("/products/" + sku);
            ticks.set(0);
            stockTimer = timers.scheduleAtFixedRate(
                    () -> {
                        if (running
                                && (!subscribed
                                        || ticks.incrementAndGet() % ViewerCadence.STOCK_TICKS_PER_POLL_PUSHED == 0)) {
                            get("/products/" + sku);
                        }
                    },
                    ViewerCadence.STOCK_TICK_MS,
                    ViewerCadence.STOCK_TICK_MS,
                    TimeUnit.MILLISECONDS);
        }

        void chat(int attempt) {
            if (!running) {
                return;
            }
            if (ticket == null) {
                if (!ticketRequested.compareAndSet(false, true) && attempt == 0) {
                    return; // a ticket is on its way; this message is not said
                }
                // As the page does: the ticket is asked for when the viewer starts typing a message, and the message
                // goes once it is typed (TYPING_MS later, or when the ticket arrives if that takes longer).
                long typingFrom = System.nanoTime();
                lastChatNanos = typingFrom
                        + TimeUnit.MILLISECONDS.toNanos(TYPING_MS); // this viewer's next turn counts from then
                send(
                                "POST",
                                "/sessions/" + sessionId + "/chat-tickets",
                                Json.write(Map.of("name", "Viewer " + index)),
                                Map.of(SimulatedViewers.HEADER, address))
                        .thenAccept(r -> {
                            if (r != null && r.statusCode() == 201) {
                                try {
                                    ticket = Json.MAPPER
                                            .readTree(r.body())
                                            .path("ticket")
                                            .asText();
                                    long typed =
                                            TYPING_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - typingFrom);
                                    timers.schedule(() -> chat(attempt), Math.max(0, typed), TimeUnit.MILLISECONDS);
                                } catch (Exception e) {
                                    error("TICKET_NOT_JSON");
                                }
                            } else {
                                retryAfter(r, attempt);
                            }
                        });
                return;
            }
            String nonce = UUID.randomUUID().toString();
            chatPosts.increment();
            send(
                            "POST",
                            "/sessions/" + sessionId + "/messages",
                            Json.write(Map.of("text", "Love it! nonce=" + nonce)),
                            Map.of("X-Chat-Ticket", ticket, SimulatedViewers.HEADER, address),
                            () -> chatSent.put(nonce, System.nanoTime()))
                    .thenAccept(r -> {
                        if (r == null) {
                            return;
                        }
                        if (r.statusCode() == 202) {
                            chatAccepted.increment();
                            chatAnswer.record(System.nanoTime() - chatSent.get(nonce));
                            return;
                        }
                        String code = errorCode(r);
                        chatRefused
                                .computeIfAbsent(
                                        r.statusCode() + (code.isEmpty() ? "" : " " + code), k -> new LongAdder())
                                .increment();
                        retryAfter(r, attempt);
                    });
        }

        /** A 429 is retried after its Retry-After (at most 3 times), as the page's user would. */
        private void retryAfter(HttpResponse<String> r, int attempt) {
            if (r != null && r.statusCode() == 429 && attempt < 3) {
                long wait = r.headers()
                        .firstValue("retry-after")
                        .map(Long::parseLong)
                        .orElse(1L);
                timers.schedule(() -> chat(attempt + 1), wait, TimeUnit.SECONDS);
            }
        }

        void buy() {
            String sku = featuredSku;
            if (!running || sku == null) {
                return;
            }
            long[] sent = new long[1];
            send(
                            "POST",
                            "/carts/" + cartId + "/items",
                            Json.write(Map.of("sku", sku, "quantity", 1, "sessionId", sessionId)),
                            Map.of(SimulatedViewers.HEADER, address),
                            () -> sent[0] = System.nanoTime())
                    .thenAccept(r -> {
                        if (r == null || r.statusCode() != 201) {
                            return;
                        }
                        holds.increment();
                        bump(holdsAt);
                        stockPendingSince
                                .computeIfAbsent(sku, k -> new AtomicLong())
                                .compareAndSet(0, sent[0]);
                        get("/carts/" + cartId);
                        get("/products/" + sku);
                        get("/sessions/" + sessionId);
                        timers.schedule(this::order, 2, TimeUnit.SECONDS);
                    });
        }

        private void order() {
            String placed = cartId;
            send(
                            "POST",
                            "/orders",
                            Json.write(Map.of("cartId", placed, "email", "viewer" + index + "@rehearsal.example")),
                            Map.of("Idempotency-Key", UUID.randomUUID().toString(), SimulatedViewers.HEADER, address))
                    .thenAccept(r -> {
                        if (r == null || r.statusCode() != 201) {
                            return;
                        }
                        orders.increment();
                        bump(ordersAt);
                        JsonNode order;
                        try {
                            order = Json.MAPPER.readTree(r.body());
                        } catch (Exception e) {
                            error("ORDER_NOT_JSON");
                            return;
                        }
                        String orderId = order.path("orderId").asText();
                        Map<String, String> token = order.hasNonNull("orderToken")
                                ? Map.of(
                                        "X-Order-Token", order.get("orderToken").asText())
                                : Map.of();
                        cartId = UUID.randomUUID().toString();
                        get("/carts/" + cartId);
                        timers.schedule(
                                () -> send("GET", "/orders/" + orderId, null, token)
                                        .thenAccept(first -> {
                                            if (pays) {
                                                send(
                                                                "POST",
                                                                "/_local/payments/" + orderId,
                                                                "{\"status\":\"PAID\"}",
                                                                Map.of())
                                                        .thenCompose(
                                                                p -> send("GET", "/orders/" + orderId, null, token))
                                                        .thenAccept(o -> {
                                                            if (o != null
                                                                    && o.body().contains("CONFIRMED")) {
                                                                paid.increment();
                                                            }
                                                        });
                                            }
                                        }),
                                ViewerCadence.ORDER_POLL_MS,
                                TimeUnit.MILLISECONDS);
                    });
        }

        private CompletableFuture<HttpResponse<String>> get(String path) {
            return send("GET", path, null, Map.of());
        }
    }

    private void bump(AtomicLongArray perSecond) {
        int s = second();
        if (s >= 0 && s < perSecond.length()) {
            perSecond.incrementAndGet(s);
        }
    }

    // ------------------------------------------------------------------ HTTP

    /** Requests in flight at once: one JVM's client shares one connection pool, where each browser has its own. */
    static final int MAX_IN_FLIGHT = 200;

    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private final java.util.Queue<Runnable> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Viewers' actions (POSTs: holds, orders, chat) go before their background reads when the client is saturated. */
    private final java.util.Queue<Runnable> actions = new java.util.concurrent.ConcurrentLinkedQueue<>();

    CompletableFuture<HttpResponse<String>> send(String method, String path, String body, Map<String, String> headers) {
        return send(method, path, body, headers, null);
    }

    /**
     * Sends and records: every answer ≥ 400 by status and error code, 5xx separately, transport failures as IO. A
     * public read (a GET without Authorization) goes through the {@link EdgeCache} unless {@code --no-cdn}, as it goes
     * through CloudFront in a deployed stack. At most {@link #MAX_IN_FLIGHT} requests to the origin at once (the rest
     * wait their turn, so the pool stays within the open-file limit); {@code onSend} runs when the request actually
     * leaves (latencies are measured from there).
     */
    CompletableFuture<HttpResponse<String>> send(
            String method, String path, String body, Map<String, String> headers, Runnable onSend) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        headers.forEach(b::header);
        HttpRequest request = b.build();
        boolean viaEdge = edge != null
                && method.equals("GET")
                && headers.keySet().stream().noneMatch("authorization"::equalsIgnoreCase);
        requests.increment();
        if (viaEdge) {
            if (onSend != null) {
                onSend.run();
            }
            return edge.get(path, () -> toOrigin(request, null)).handle((r, e) -> recorded(r, e));
        }
        return toOrigin(request, onSend).handle((r, e) -> recorded(r, e));
    }

    private HttpResponse<String> recorded(HttpResponse<String> r, Throwable e) {
        if (e != null || r == null) {
            Throwable cause = e == null
                    ? null
                    : e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            error("IO " + (cause == null ? "no answer" : cause.getClass().getSimpleName()));
            return null;
        }
        record(r);
        return r;
    }

    /** The request to the stack itself, in its turn. */
    private CompletableFuture<HttpResponse<String>> toOrigin(HttpRequest request, Runnable onSend) {
        CompletableFuture<HttpResponse<String>> result = new CompletableFuture<>();
        (request.method().equals("GET") ? waiting : actions).add(() -> {
            if (onSend != null) {
                onSend.run();
            }
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                inFlight.release();
                drain();
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
            });
        });
        drain();
        return result;
    }

    private void drain() {
        while ((!actions.isEmpty() || !waiting.isEmpty()) && inFlight.tryAcquire()) {
            Runnable next = actions.poll();
            if (next == null) {
                next = waiting.poll();
            }
            if (next == null) {
                inFlight.release();
                return;
            }
            next.run();
        }
    }

    private void record(HttpResponse<String> r) {
        if (r.statusCode() >= 400) {
            if (r.statusCode() >= 500) {
                fiveXx.increment();
            }
            String code = errorCode(r);
            error(r.statusCode() + (code.isEmpty() ? "" : " " + code));
        }
    }

    /** The error model's {@code error.code}, or "" when the body is not one. */
    private static String errorCode(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body()).at("/error/code").asText("");
        } catch (Exception e) {
            return "";
        }
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return adminAsync(method, path, body).get();
    }

    /** The host's requests: another client, so not queued behind the viewers'. */
    private CompletableFuture<HttpResponse<String>> adminAsync(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("authorization", "Bearer " + hostToken);
        if (body != null) {
            b.header("content-type", "application/json");
        }
        requests.increment();
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            if (e != null) {
                error("IO "
                        + (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName());
            } else {
                record(r);
            }
        });
    }

    /** After the show: lets queued requests go for up to 30 s, then drops the rest (counted as NOT_SENT). */
    private void drainAtEnd() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((!waiting.isEmpty() || !actions.isEmpty() || inFlight.availablePermits() < MAX_IN_FLIGHT)
                && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        while (waiting.poll() != null || actions.poll() != null) {
            error("NOT_SENT");
        }
    }

    private static void require(HttpResponse<String> r, int... statuses) {
        if (r == null || Arrays.stream(statuses).noneMatch(s -> s == r.statusCode())) {
            throw new IllegalStateException(
                    "Unexpected answer: " + (r == null ? "none" : r.statusCode() + " " + r.body()));
        }
    }

    void error(String code) {
        errors.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    // ------------------------------------------------------------------ progress and the end

    private void progress() {
        System.out.printf(
                "rehearse: %3d s  connected %d/%d  frames %d  holds %d  orders %d  paid %d  "
                        + "errors %d  http in flight %d, " + "queued %d%n",
                second(),
                connected.get(),
                config.viewers,
                framesReceived.sum(),
                holds.sum(),
                orders.sum(),
                paid.sum(),
                errors.values().stream().mapToLong(LongAdder::sum).sum(),
                MAX_IN_FLIGHT - inFlight.availablePermits(),
                waiting.size() + actions.size());
    }

    private Map<String, RehearsalReport.StockCheck> checkStock() throws Exception {
        Map<String, RehearsalReport.StockCheck> out = new LinkedHashMap<>();
        for (String sku : skus) {
            HttpResponse<String> r = admin("GET", "/products/" + sku + "/stock", null);
            require(r, 200);
            JsonNode s = Json.MAPPER.readTree(r.body());
            long initial = initialStock.get(sku);
            out.put(
                    sku,
                    new RehearsalReport.StockCheck(
                            initial,
                            s.path("available").asLong(),
                            s.path("held").asLong(),
                            s.path("sold").asLong()));
        }
        return out;
    }

    private RehearsalReport report(
            LocalUsage before,
            LocalUsage after,
            RehearsalReport.Edge edgeFigures,
            double showMinutes,
            Map<String, RehearsalReport.StockCheck> stock) {
        long[] subscribedAt =
                viewers.stream().mapToLong(v -> v.subscribedAtNanos).sorted().toArray();
        FrameLedger.Figures figures = ledger.figures(subscribedAt);
        Map<String, Long> errorCounts = new java.util.TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        int n = Math.min(connectedAt.length(), second() + 1);
        long[] audience = new long[n];
        long[] framesPerSecond = new long[n];
        for (int i = 0; i < n; i++) {
            audience[i] = connectedAt.get(i);
            framesPerSecond[i] = framesAt.get(i);
        }
        int minutes = (int) Math.ceil(n / 60.0);
        long[] holdsPerMinute = new long[minutes];
        long[] ordersPerMinute = new long[minutes];
        for (int i = 0; i < n; i++) {
            holdsPerMinute[i / 60] += holdsAt.get(i);
            ordersPerMinute[i / 60] += ordersAt.get(i);
        }
        Map<String, Double> measured =
                after == null ? null : RehearsalReport.perViewerPerMinute(before, after, config.viewers, showMinutes);
        if (measured != null && edgeFigures != null) {
            // What the viewers asked, as without a CDN (the capacity plan's rows take it from there): the requests the
            // edge answered never reached API Gateway or a function, and were CloudFront's as much as its misses.
            double answeredAtEdge = edgeFigures.hits() / (double) config.viewers / showMinutes;
            for (String service : List.of("apiGateway", "lambda", "cloudFront")) {
                measured.merge(service, answeredAtEdge, Double::sum);
            }
        }
        Map<String, Long> refused = new java.util.TreeMap<>();
        chatRefused.forEach((k, v) -> refused.put(k, v.sum()));
        RehearsalReport.ChatFigures chat = new RehearsalReport.ChatFigures(
                chatPosts.sum(),
                chatAccepted.sum(),
                refused,
                chatAccepted.sum() / (showMinutes * 60),
                chatAnswer.percentile(50),
                chatAnswer.percentile(99),
                figures.chatToLastSamples(),
                figures.chatToLastP50Ms(),
                figures.chatToLastP99Ms());
        long expected = figures.expected();
        return new RehearsalReport(
                new RehearsalReport.Parameters(
                        config.viewers,
                        config.minutes,
                        config.chatRate,
                        config.buyRate,
                        config.target == null ? config.payShare : 0,
                        config.lineup,
                        config.target == null ? "local" : config.target,
                        config.seed),
                sessionId,
                showMinutes,
                requests.sum(),
                fiveXx.sum(),
                expected == 0 ? 100.0 : 100.0 * figures.delivered() / expected,
                expected,
                figures.delivered(),
                holds.sum(),
                orders.sum(),
                paid.sum(),
                stock,
                figures.byType(),
                errorCounts,
                audience,
                framesPerSecond,
                holdsPerMinute,
                ordersPerMinute,
                measured,
                ViewerCadence.perViewerPerMinute(config.show()),
                after == null ? null : RehearsalReport.delta(before, after),
                edgeFigures,
                ledger.deliveriesPerViewerPerMinute(config.viewers, showMinutes),
                chat);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
