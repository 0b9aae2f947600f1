package com.liveshop.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.liveshop.checkout.CartHandler;
import com.liveshop.checkout.CheckoutWiring;
import com.liveshop.sessions.SessionsFixture.Response;
import com.liveshop.sessions.service.HighlightMetadata;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.testkit.DynamoDbLocalExtension;
import dev.samlocal.lambda.TestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HighlightTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static SessionsFixture f;

    @BeforeAll
    static void start() {
        f = new SessionsFixture(DYNAMO);
        f.product("cds-cashmere-sweater", "Cashmere Crew Sweater", 12900, 50);
        f.product("cds-wool-scarf", "Wool Scarf", 3900, 10);
        f.product("cds-beanie", "Beanie", 1900, 10);
        f.product("cds-long", "🧣".repeat(190) + "長いタイトル長いタ", 5000, 5, "https://img.example.com/" + "x".repeat(900));
    }

    @BeforeEach
    void reset() {
        f.video.throttleNext.set(0);
        f.pauses.clear();
        f.metrics.clear();
    }

    private String liveSession(Instant startedAt, String... skus) {
        String id = f.scheduled(skus);
        f.startStream(id, "st-" + UUID.randomUUID().toString().substring(0, 8), startedAt);
        return id;
    }

    @Test
    void highlightIsSentRecordedAndCurrentForALateJoiner() {
        Instant started = f.clock.instant();
        String id = liveSession(started, "cds-cashmere-sweater", "cds-wool-scarf");
        f.clock.advance(Duration.ofSeconds(95));
        Response r = f.invoke(f.highlights, SessionsFixture.withSession(SessionsFixture.sample("highlight.json"), id));
        // The sample's dealEndsAt is fixed; use a body relative to the clock instead.
        if (r.status() != 202) {
            r = f.highlight(
                    id,
                    Json.write(Map.of(
                            "sku",
                            "cds-cashmere-sweater",
                            "dealPriceCents",
                            9900,
                            "dealEndsAt",
                            f.clock.instant().plus(Duration.ofMinutes(30)).toString())));
        }
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body().get("offsetMs").asLong()).isEqualTo(95_000);
        String metadata = r.body().get("metadata").asText();
        assertThat(f.video.metadata)
                .anyMatch(m -> m.text().equals(metadata) && m.channelArn().equals(f.channelOf(id)));
        assertThat(metadata).contains("\"sku\":\"cds-cashmere-sweater\"").contains("\"dealPriceCents\":9900");
        // Chat's audience signal: HighlightFeatured on the bus with what a client without the player shows.
        String highlightId = r.body().get("highlightId").asText();
        assertThat(f.published).anySatisfy(p -> {
            assertThat(p.detailType()).isEqualTo("HighlightFeatured");
            assertThat(p.detail().get("sessionId").asText()).isEqualTo(id);
            assertThat(p.detail().get("highlightId").asText()).isEqualTo(highlightId);
            assertThat(p.detail().get("sku").asText()).isEqualTo("cds-cashmere-sweater");
            assertThat(p.detail().get("dealPriceCents").asLong()).isEqualTo(9900);
        });

        // A viewer who joins later reads the current highlight from the API.
        f.clock.advance(Duration.ofSeconds(40));
        Response view = f.get(id);
        assertThat(view.body().at("/currentHighlight/sku").asText()).isEqualTo("cds-cashmere-sweater");
        assertThat(view.body().at("/currentHighlight/highlightId").asText())
                .isEqualTo(r.body().get("highlightId").asText());
        assertThat(view.body().at("/lineup/0/dealPriceCents").asLong()).isEqualTo(9900);
    }

    @Test
    void timelineChaptersAreInOffsetOrder() {
        String id = liveSession(f.clock.instant(), "cds-cashmere-sweater", "cds-wool-scarf", "cds-beanie");
        List<String> order = List.of("cds-wool-scarf", "cds-beanie", "cds-cashmere-sweater", "cds-wool-scarf");
        for (String sku : order) {
            f.clock.advance(Duration.ofSeconds(7));
            assertThat(f.highlight(id, sku, null).status()).isEqualTo(202);
        }
        Response t = f.timeline(id);
        assertThat(t.status()).isEqualTo(200);
        List<String> skus = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        t.body().get("chapters").forEach(c -> {
            skus.add(c.get("sku").asText());
            offsets.add(c.get("offsetMs").asLong());
            assertThat(c.has("title")).isTrue();
            assertThat(c.has("priceCents")).isTrue();
        });
        assertThat(skus).isEqualTo(order);
        assertThat(offsets).isEqualTo(List.of(7_000L, 14_000L, 21_000L, 28_000L));
        assertThat(f.get(id).body().at("/currentHighlight/sku").asText()).isEqualTo("cds-wool-scarf");
    }

    @Test
    void throttlingIsRetriedWithBackoffThenSucceeds() {
        String id = liveSession(f.clock.instant(), "cds-wool-scarf");
        f.video.throttleNext.set(2);
        Response r = f.highlight(id, "cds-wool-scarf", null);
        assertThat(r.status()).isEqualTo(202);
        assertThat(f.pauses).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(f.metrics.named(ShowMetrics.HIGHLIGHTS_THROTTLED)).isEmpty();
    }

    @Test
    void persistentThrottlingIs429WithRetryAfterAndWritesNothing() {
        String id = liveSession(f.clock.instant(), "cds-wool-scarf");
        var before = f.snapshot();
        int attempts = f.video.putAttempts.get();
        f.video.throttleNext.set(10);
        double throttled = f.metrics.sum(ShowMetrics.HIGHLIGHTS_THROTTLED);
        Response r = f.highlight(id, "cds-wool-scarf", 1000L);
        assertThat(r.status()).isEqualTo(429);
        assertThat(f.metrics.sum(ShowMetrics.HIGHLIGHTS_THROTTLED) - throttled).isEqualTo(1.0);
        assertThat(r.errorCode()).isEqualTo("THROTTLED");
        assertThat(r.headers()).containsEntry("Retry-After", "1");
        assertThat(f.video.putAttempts.get() - attempts).isEqualTo(3);
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void notBroadcastingIs409SessionNotLive() {
        String id = liveSession(f.clock.instant(), "cds-wool-scarf");
        f.video.broadcasting.remove(f.channelOf(id));
        var before = f.snapshot();
        Response r = f.highlight(id, "cds-wool-scarf", null);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("SESSION_NOT_LIVE");
        assertThat(f.snapshot()).isEqualTo(before);

        String scheduled = f.scheduled("cds-wool-scarf");
        assertThat(f.highlight(scheduled, "cds-wool-scarf", null).errorCode()).isEqualTo("SESSION_NOT_LIVE");
    }

    @Test
    void skuNotInLineupIs422AndDealsMustBeBelowThePriceAndSoon() {
        String id = liveSession(f.clock.instant(), "cds-wool-scarf");
        var before = f.snapshot();
        Response notInLineup = f.highlight(id, "cds-beanie", null);
        assertThat(notInLineup.status()).isEqualTo(422);
        assertThat(notInLineup.errorCode()).isEqualTo("SKU_NOT_IN_LINEUP");
        assertThat(f.highlight(id, "cds-wool-scarf", 3900L).errorCode()).isEqualTo("DEAL_NOT_BELOW_PRICE");
        assertThat(f.highlight(id, "cds-wool-scarf", 0L).status()).isEqualTo(400);
        assertThat(f.highlight(
                                id,
                                Json.write(Map.of(
                                        "sku",
                                        "cds-wool-scarf",
                                        "dealPriceCents",
                                        100,
                                        "dealEndsAt",
                                        f.clock
                                                .instant()
                                                .plus(Duration.ofHours(25))
                                                .toString())))
                        .status())
                .isEqualTo(400);
        assertThat(f.highlight(
                                id,
                                Json.write(Map.of(
                                        "sku",
                                        "cds-wool-scarf",
                                        "dealPriceCents",
                                        100,
                                        "dealEndsAt",
                                        f.clock.instant().minusSeconds(1).toString())))
                        .status())
                .isEqualTo(400);
        assertThat(f.highlight(
                                id,
                                Json.write(Map.of(
                                        "sku",
                                        "cds-wool-scarf",
                                        "dealEndsAt",
                                        f.clock.instant().plusSeconds(60).toString())))
                        .status())
                .isEqualTo(400);
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void longMultiByteTitlesStayWithinOneKilobyte() {
        String id = liveSession(f.clock.instant(), "cds-long");
        Response r = f.highlight(id, "cds-long", 4000L);
        assertThat(r.status()).isEqualTo(202);
        String metadata = r.body().get("metadata").asText();
        assertThat(HighlightMetadata.utf8Length(metadata)).isLessThanOrEqualTo(1024);
        assertThat(metadata).contains("🧣").contains("\u2026");
        assertThat(new String(
                        metadata.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(metadata);
        // The chapter keeps the full title.
        assertThat(f.timeline(id).body().at("/chapters/0/title").asText()).startsWith("🧣".repeat(190));
    }

    @Test
    void aDealPriceIsLockedIntoHoldsPlacedWhileItLasts() {
        f.product("cds-deal-gloves", "Gloves", 5000, 20);
        String id = liveSession(f.clock.instant(), "cds-deal-gloves");
        Instant endsAt = f.clock.instant().plus(Duration.ofMinutes(10));
        Response r = f.highlight(
                id,
                Json.write(Map.of("sku", "cds-deal-gloves", "dealPriceCents", 3500, "dealEndsAt", endsAt.toString())));
        assertThat(r.status()).isEqualTo(202);

        CartHandler cart = new CartHandler(new CheckoutWiring(f.app).cartService(f.clock));
        String during = UUID.randomUUID().toString();
        assertThat(addItem(cart, during).path("priceCents").asLong()).isEqualTo(3500);

        f.clock.set(endsAt.plusSeconds(1));
        String after = UUID.randomUUID().toString();
        assertThat(addItem(cart, after).path("priceCents").asLong()).isEqualTo(5000);
    }

    private com.fasterxml.jackson.databind.JsonNode addItem(CartHandler cart, String cartId) {
        APIGatewayV2HTTPEvent e = com.amazonaws.services.lambda.runtime.tests.EventLoader.loadApiGatewayHttpEvent(
                dev.samlocal.template.SamTemplate.repoRoot()
                        .resolve("events-samples/checkout/add-item.json")
                        .toString());
        e.setPathParameters(Map.of("cartId", cartId));
        e.setBody("{\"sku\":\"cds-deal-gloves\",\"quantity\":1}");
        var response = cart.handleRequest(e, new TestContext("cart"));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
