package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.appsync.ChannelSubscriber;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.Channels;
import dev.samlocal.Options;
import dev.samlocal.ivs.IvsEvents;
import dev.samlocal.ivs.LocalIvs;
import dev.samlocal.ivs.SimulatedViewers;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole show on the local stack with the repository's template, over real HTTP and WebSocket: the host creates a
 * session (a channel on the local IVS), "OBS" starts the broadcast, IVS's EventBridge events reach the lifecycle
 * function through the template's rule, featured products reach players as timed-metadata cues, the show ends and the
 * replay chapters can be read.
 */
class LiveShowTest {

    private static LocalStack stack;
    private static String hostToken;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        hostToken = json(send("GET", "/_local/host-token", null)).get("token").asText();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aHostRunsAShowThatPlayersFollowCueByCueAndTheReplayHasChapters() throws Exception {
        String sweater = product("Cashmere Sweater", 12900);
        String scarf = product("Silk Scarf", 4900);
        HttpResponse<String> created = admin(
                "POST",
                "/sessions",
                "{\"title\":\"Cyber Deals Sunday\",\"startsAt\":\""
                        + Instant.now().plusSeconds(600) + "\",\"lineup\":[\"" + sweater + "\",\"" + scarf + "\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode session = json(created);
        String sessionId = session.get("sessionId").asText();
        String channelArn = session.get("channelArn").asText();
        String streamKey = session.at("/ingest/streamKey").asText();
        assertThat(session.get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(streamKey).startsWith("sk_");
        assertThat(stack.ivs().channel(channelArn)).isPresent();
        // Its stream key carries the session tag the template's ivs:GetStreamKey is conditioned on.
        try (var ivs = LocalIvsTest.client(stack)) {
            assertThat(ivs.listStreamKeys(r -> r.channelArn(channelArn))
                            .streamKeys()
                            .get(0)
                            .tags())
                    .containsEntry("liveshop", "session");
        }

        // Public views never carry the stream key; the admin ingest route does.
        assertThat(send("GET", "/sessions/" + sessionId, null).body()).doesNotContain(streamKey);
        assertThat(send("GET", "/sessions", null).body()).contains(sessionId).doesNotContain(streamKey);
        assertThat(json(admin("GET", "/sessions/" + sessionId + "/ingest", null))
                        .get("streamKey")
                        .asText())
                .isEqualTo(streamKey);

        // Highlighting before the broadcast starts is refused.
        assertThat(highlight(sessionId, scarf).statusCode()).isEqualTo(409);

        TestWsClient player = TestWsClient.connect(stack.url().replace("http://", "ws://") + LocalIvs.PLAYER_PATH
                + "?channelArn=" + URLEncoder.encode(channelArn, StandardCharsets.UTF_8));
        broadcast(channelArn, "start");
        JsonNode live = awaitSession(sessionId, s -> s.get("status").asText().equals("LIVE"));
        assertThat(live.has("liveAt")).isTrue();
        // StreamLifecycleService writes the status first, then puts SessionLive on the bus, and this test polls the
        // status:
        // wait for the event, then there is exactly one.
        for (int i = 0;
                i < 100
                        && stack.eventBridge().events("SessionLive").stream()
                                .noneMatch(
                                        e -> e.at("/detail/sessionId").asText().equals(sessionId));
                i++) {
            Thread.sleep(50);
        }
        assertThat(stack.eventBridge().events("SessionLive"))
                .filteredOn(e -> e.at("/detail/sessionId").asText().equals(sessionId))
                .hasSize(1);

        HttpResponse<String> featured = highlight(sessionId, sweater, ",\"dealPriceCents\":9900");
        assertThat(featured.statusCode()).as(featured.body()).isEqualTo(202);
        JsonNode cue = Json.MAPPER.readTree(player.next());
        assertThat(cue.get("type").asText()).isEqualTo("TEXT_METADATA_CUE");
        assertThat(cue.get("text").asText())
                .isEqualTo(json(featured).get("metadata").asText())
                .contains(sweater);
        assertThat(cue.get("streamTimeMs").asLong()).isGreaterThanOrEqualTo(0);

        // A viewer who joins now sees the product on screen, and holds get the deal price.
        JsonNode lateJoiner = json(send("GET", "/sessions/" + sessionId, null));
        assertThat(lateJoiner.at("/currentHighlight/sku").asText()).isEqualTo(sweater);
        HttpResponse<String> hold =
                send("POST", "/carts/" + UUID.randomUUID() + "/items", "{\"sku\":\"" + sweater + "\",\"quantity\":1}");
        assertThat(json(hold).get("priceCents").asLong()).isEqualTo(9900);

        HttpResponse<String> second = highlight(sessionId, scarf);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(Json.MAPPER.readTree(player.next()).get("text").asText()).contains(scarf);

        // Not in the lineup → 422, nothing sent.
        assertThat(highlight(sessionId, product("Elsewhere", 100)).statusCode()).isEqualTo(422);

        HttpResponse<String> ended = admin("POST", "/sessions/" + sessionId + "/end", null);
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
        assertThat(stack.ivs().channel(channelArn).orElseThrow().toString()).doesNotContain(streamKey);
        JsonNode over = awaitSession(sessionId, s -> s.get("status").asText().equals("ENDED") && s.has("replay"));
        assertThat(over.at("/replay/url").asText())
                .matches("https://[a-z0-9.-]+\\.s3\\.us-east-1\\.amazonaws\\.com/ivs/v1/.+/media/hls/master\\.m3u8");
        assertThat(over.has("currentHighlight")).isFalse();
        assertThat(highlight(sessionId, scarf).statusCode()).isEqualTo(409);

        JsonNode chapters =
                json(send("GET", "/sessions/" + sessionId + "/timeline", null)).get("chapters");
        assertThat(chapters).hasSize(2);
        assertThat(chapters.get(0).get("sku").asText()).isEqualTo(sweater);
        assertThat(chapters.get(0).get("dealPriceCents").asLong()).isEqualTo(9900);
        assertThat(chapters.get(1).get("sku").asText()).isEqualTo(scarf);
        assertThat(chapters.get(1).get("offsetMs").asLong())
                .isGreaterThanOrEqualTo(chapters.get(0).get("offsetMs").asLong());
    }

    @Test
    void aBurstOfHighlightsStaysWithinIvsLimitsAndEveryAcceptedOneBecomesACue() throws Exception {
        String lamp = product("Desk Lamp", 3900);
        JsonNode session = json(admin(
                "POST",
                "/sessions",
                "{\"title\":\"Burst\",\"startsAt\":\"" + Instant.now().plusSeconds(60) + "\",\"lineup\":[\"" + lamp
                        + "\"]}"));
        String sessionId = session.get("sessionId").asText();
        String channelArn = session.get("channelArn").asText();
        broadcast(channelArn, "start");
        awaitSession(sessionId, s -> s.get("status").asText().equals("LIVE"));

        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(pool.submit(() -> highlight(sessionId, lamp)));
        }
        int accepted = 0;
        for (Future<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            assertThat(response.statusCode()).as(response.body()).isIn(202, 429);
            if (response.statusCode() == 429) {
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertThat(json(response).at("/error/code").asText()).isEqualTo("THROTTLED");
            } else {
                accepted++;
            }
        }
        pool.shutdown();
        // The backoff lets more than one second's worth through; IVS saw every accepted one exactly once.
        assertThat(accepted).isGreaterThanOrEqualTo(5);
        assertThat(stack.ivs().cues(channelArn)).hasSize(accepted);
        assertThat(json(send("GET", "/sessions/" + sessionId + "/timeline", null))
                        .get("chapters"))
                .hasSize(accepted);
    }

    @Test
    void aHighlightOnAChannelThatIsNotBroadcastingIsRefusedByIvsAs409() throws Exception {
        String mug = product("Travel Mug", 1900);
        JsonNode session = json(admin(
                "POST",
                "/sessions",
                "{\"title\":\"Off air\",\"startsAt\":\"" + Instant.now().plusSeconds(60) + "\",\"lineup\":[\"" + mug
                        + "\"]}"));
        String sessionId = session.get("sessionId").asText();
        String channelArn = session.get("channelArn").asText();
        // IVS says the stream started (a late event of a stream that has stopped since): our session is LIVE,
        // the channel is not, so it is IVS's ChannelNotBroadcastingException that refuses the cue.
        stack.eventBridge()
                .putEvent(
                        "default",
                        IvsEvents.streamStateChange(channelArn, "off-air", "st-gone", "Stream Start", Instant.now()));
        awaitSession(sessionId, s -> s.get("status").asText().equals("LIVE"));
        assertThat(stack.ivs().channel(channelArn).orElseThrow().live()).isFalse();

        HttpResponse<String> refused = highlight(sessionId, mug);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(json(refused).at("/error/code").asText()).isEqualTo("SESSION_NOT_LIVE");
        assertThat(stack.ivs().cues(channelArn)).isEmpty();
        assertThat(json(send("GET", "/sessions/" + sessionId + "/timeline", null))
                        .get("chapters"))
                .isEmpty();
    }

    @Test
    void aViewerOnTheShowsChannelSeesTheFeaturedProductItsStockFallAndTheShowEnd() throws Exception {
        String kettle = product("Kettle", 5900);
        // The new product's stock records pass StockSignalFunction before the kettle is featured: else, on a fast run,
        // they come after the highlight as a `stock` frame of 20, and the lease holds the hold's 18 back for a second.
        stack.streams().awaitIdle(java.time.Duration.ofSeconds(10));
        JsonNode session = json(admin(
                "POST",
                "/sessions",
                "{\"title\":\"Signals\",\"startsAt\":\"" + Instant.now().plusSeconds(60) + "\",\"lineup\":[\"" + kettle
                        + "\"]}"));
        String sessionId = session.get("sessionId").asText();
        String channelArn = session.get("channelArn").asText();
        broadcast(channelArn, "start");
        awaitSession(sessionId, s -> s.get("status").asText().equals("LIVE"));

        try (ChannelSubscriber viewer = ChannelSubscriber.withApiKey(stack.events(), Channels.show(sessionId))) {
            assertThat(highlight(sessionId, kettle).statusCode()).isEqualTo(202);
            assertThat(viewer.next("highlight").path("sku").asText()).isEqualTo(kettle);

            // A hold moves the stock counter; the Catalog stream → StockSignalFunction → a `stock` frame.
            send("POST", "/carts/" + UUID.randomUUID() + "/items", "{\"sku\":\"" + kettle + "\",\"quantity\":2}");
            JsonNode stock = viewer.next("stock");
            assertThat(stock.path("sku").asText()).isEqualTo(kettle);
            assertThat(stock.path("available").asLong()).isEqualTo(18);

            admin("POST", "/sessions/" + sessionId + "/end", null);
            assertThat(viewer.next("status").path("status").asText()).isEqualTo("ENDED");
        }
    }

    /**
     * The show's stats through the whole local path: holds sent with the show's id, the Reservations stream polled by
     * the local event source mapping through the template's filters, ShowStatsFunction, GET /sessions/{id}/stats.
     */
    @Test
    void whatViewersHoldOrderAndPayForDuringAHighlightAddsUpInTheShowsStats() throws Exception {
        String lamp = product("Desk Lamp", 3000);
        String mug = product("Mug", 1200);
        JsonNode session = json(admin(
                "POST",
                "/sessions",
                "{\"title\":\"Stats show\",\"startsAt\":\"" + Instant.now().plusSeconds(600) + "\",\"lineup\":[\""
                        + lamp + "\",\"" + mug + "\"]}"));
        String sessionId = session.get("sessionId").asText();
        broadcast(session.get("channelArn").asText(), "start");
        awaitSession(sessionId, s -> s.get("status").asText().equals("LIVE"));
        assertThat(highlight(sessionId, lamp, ",\"dealPriceCents\":2500").statusCode())
                .isEqualTo(202);
        JsonNode featured = awaitSession(sessionId, s -> s.has("currentHighlight"));
        String highlightId = featured.at("/currentHighlight/highlightId").asText();

        String buyer = UUID.randomUUID().toString();
        String browser = UUID.randomUUID().toString();
        for (String[] hold : new String[][] {{buyer, lamp, "2"}, {buyer, mug, "1"}, {browser, lamp, "1"}}) {
            // The buyer and the browser are two viewers, each with its own address.
            HttpResponse<String> held = send(
                    "POST",
                    "/carts/" + hold[0] + "/items",
                    "{\"sku\":\"" + hold[1] + "\",\"quantity\":" + hold[2] + ",\"sessionId\":\"" + sessionId + "\"}",
                    SimulatedViewers.HEADER,
                    SimulatedViewers.address(hold[0].equals(buyer) ? 1 : 2));
            assertThat(held.statusCode()).as(held.body()).isEqualTo(201);
        }
        HttpResponse<String> order = send(
                "POST",
                "/orders",
                "{\"cartId\":\"" + buyer + "\",\"email\":\"ada@example.com\"}",
                "idempotency-key",
                UUID.randomUUID().toString(),
                SimulatedViewers.HEADER,
                SimulatedViewers.address(1));
        assertThat(order.statusCode()).as(order.body()).isEqualTo(201);
        String orderId = json(order).get("orderId").asText();
        assertThat(send("POST", "/_local/payments/" + orderId, "{\"status\":\"PAID\"}")
                        .statusCode())
                .isEqualTo(200);

        JsonNode stats = null;
        for (int i = 0; i < 100; i++) { // the stream poller runs every 250 ms
            stats = json(admin("GET", "/sessions/" + sessionId + "/stats", null));
            if (stats.get("paidOrders").asLong() == 1) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(stats.get("holds").asLong()).as(stats.toString()).isEqualTo(3);
        assertThat(stats.get("orders").asLong()).isEqualTo(1);
        assertThat(stats.get("paidOrders").asLong()).isEqualTo(1);
        assertThat(stats.get("units").asLong()).isEqualTo(3);
        assertThat(stats.get("revenueCents").asLong()).isEqualTo(2 * 2500 + 1200);
        assertThat(stats.at("/perProduct/0/sku").asText()).isEqualTo(lamp);
        assertThat(stats.at("/perProduct/0/holds").asLong()).isEqualTo(2);
        assertThat(stats.at("/perHighlight/0/highlightId").asText()).isEqualTo(highlightId);
        assertThat(stats.at("/perHighlight/0/sku").asText()).isEqualTo(lamp);
        assertThat(stats.at("/perHighlight/0/holds").asLong()).isEqualTo(3);
        assertThat(stats.at("/perHighlight/0/revenueCents").asLong()).isEqualTo(2 * 2500 + 1200);
        assertThat(send("GET", "/sessions/" + sessionId + "/stats", null).statusCode())
                .as("hosts only")
                .isEqualTo(401);
        admin("POST", "/sessions/" + sessionId + "/end", null);
    }

    // ------------------------------------------------------------------ helpers

    private static String product(String title, long priceCents) throws Exception {
        String sku = title.toLowerCase().replace(' ', '-') + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> put = admin(
                "PUT",
                "/products/" + sku,
                "{\"title\":\"" + title + "\",\"priceCents\":" + priceCents + ",\"currency\":\"USD\",\"stock\":20}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return sku;
    }

    private static HttpResponse<String> highlight(String sessionId, String sku, String... extra) throws Exception {
        return admin(
                "POST",
                "/sessions/" + sessionId + "/highlights",
                "{\"sku\":\"" + sku + "\"" + String.join("", extra) + "}");
    }

    private static void broadcast(String channelArn, String action) throws Exception {
        HttpResponse<String> response = send(
                "POST",
                "/_local/ivs/broadcast",
                "{\"channelArn\":\"" + channelArn + "\",\"action\":\"" + action + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** EventBridge delivers to rule targets asynchronously, as in AWS: poll the public view. */
    private static JsonNode awaitSession(String sessionId, Predicate<JsonNode> condition) throws Exception {
        JsonNode last = null;
        for (int i = 0; i < 200; i++) {
            last = json(send("GET", "/sessions/" + sessionId, null));
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Session never reached the expected state: " + last);
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, body, "authorization", "Bearer " + hostToken);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return LocalHttp.json(response);
    }
}
