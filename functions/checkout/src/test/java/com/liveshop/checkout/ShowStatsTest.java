package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.checkout.service.ShowStatsFacts;
import com.liveshop.shared.stats.ShowStats;
import com.liveshop.shared.stats.ShowStatsRepository;
import com.liveshop.testkit.DynamoDbLocalExtension;
import com.liveshop.testkit.TableStream;
import dev.samlocal.lambda.TestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Per-show sales stats: holds placed from a show (with the highlight on its screen), orders placed and paid, summed per
 * product and per highlight by the real stats handler from the Reservations table's real stream, exactly once however
 * often a batch is delivered.
 */
class ShowStatsTest {

    /** A fresh database for every test, as each test starts from empty tables. */
    @RegisterExtension
    final DynamoDbLocalExtension dynamo = DynamoDbLocalExtension.withTemplateTables();

    private CheckoutFixture f;
    private TableStream statsStream;
    private ShowStatsRepository repository;
    private ShowStatsHandler handler;
    private final String show = UUID.randomUUID().toString();

    @BeforeEach
    void setUp() {
        f = new CheckoutFixture(dynamo);
        statsStream = dynamo.stream(CheckoutFixture.RESERVATIONS);
        repository = f.wiring.showStats(f.clock);
        handler = new ShowStatsHandler(new ShowStatsFacts(), repository);
        f.product("lamp", 1000, "USD", 20);
        f.product("scarf", 2000, "USD", 20);
    }

    @Test
    void holdsOrdersAndPaymentsOfAShowAddUpPerProductAndPerHighlightOnce() {
        liveShow("hl-lamp", "lamp", 5_000);
        String buyer = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        String offShow = UUID.randomUUID().toString();
        assertThat(hold(buyer, "lamp", 2, show).status()).isEqualTo(201);
        liveShow("hl-scarf", "scarf", 60_000);
        assertThat(hold(buyer, "scarf", 1, show).status()).isEqualTo(201);
        assertThat(hold(buyer, "scarf", 1, show).status()).isEqualTo(201); // raised: the same hold, not a new one
        assertThat(hold(other, "lamp", 1, show).status()).isEqualTo(201);
        assertThat(f.addItem(offShow, "lamp", 1).status()).isEqualTo(201); // not from a show: not counted

        Response paid = f.placeOrder(UUID.randomUUID().toString(), buyer, "ada@example.com");
        assertThat(paid.status()).isEqualTo(201);
        assertThat(paid.body()
                        .path("items")
                        .get(0)
                        .path("origin")
                        .path("sessionId")
                        .asText())
                .isEqualTo(show);
        String orderId = paid.body().path("orderId").asText();
        assertThat(f.invoke(f.webhook, f.signedWebhook(orderId, "PAID", "pay_stats", 2 * 1000 + 2 * 2000, "USD"))
                        .status())
                .isEqualTo(200);
        assertThat(f.placeOrder(UUID.randomUUID().toString(), other, "bo@example.com")
                        .status())
                .isEqualTo(201);

        DynamodbEvent batch = statsStream.next();
        for (int delivery = 0; delivery < 3; delivery++) { // Lambda may deliver a batch more than once
            handler.handleRequest(batch, new TestContext("ShowStatsFunction"));
        }

        ShowStats stats = repository.read(show);
        assertThat(stats.holds()).isEqualTo(3);
        assertThat(stats.orders()).isEqualTo(2);
        assertThat(stats.paidOrders()).isEqualTo(1);
        assertThat(stats.units()).isEqualTo(4);
        assertThat(stats.revenueCents()).isEqualTo(2 * 1000 + 2 * 2000);
        assertThat(stats.currency()).isEqualTo("USD");
        assertThat(stats.perProduct())
                .containsExactly(
                        new ShowStats.ProductStats("scarf", 1, 1, 2, 4000),
                        new ShowStats.ProductStats("lamp", 2, 2, 2, 2000));
        // The scarf hold and the other buyer's lamp were placed while the scarf was on screen.
        assertThat(stats.perHighlight())
                .containsExactly(
                        new ShowStats.HighlightStats("hl-lamp", "lamp", 5_000, 1, 1, 2000),
                        new ShowStats.HighlightStats("hl-scarf", "scarf", 60_000, 2, 2, 4000));
    }

    @Test
    void theSampleStreamBatchCountsTheHoldTheOrderAndThePaymentOnce() {
        DynamodbEvent sample = com.amazonaws.services.lambda.runtime.tests.EventLoader.loadDynamoDbEvent(
                dev.samlocal.template.SamTemplate.repoRoot()
                        .resolve("events-samples/checkout/show-stats-stream.json")
                        .toString());
        handler.handleRequest(sample, new TestContext("ShowStatsFunction"));
        handler.handleRequest(sample, new TestContext("ShowStatsFunction"));
        ShowStats stats = repository.read("0b6f7c2e-4d1a-4f8e-9a53-2c7d1e9f8a10");
        assertThat(List.of(stats.holds(), stats.orders(), stats.paidOrders(), stats.units(), stats.revenueCents()))
                .containsExactly(1L, 1L, 1L, 2L, 19800L);
        assertThat(stats.perHighlight())
                .containsExactly(
                        new ShowStats.HighlightStats("hl-5e2f0c7a", "cds-cashmere-sweater", 754_000, 1, 1, 19800));
    }

    @Test
    void aHoldFromAMalformedShowIsRefusedAndWritesNothing() {
        var before = f.snapshot();
        Response malformed = hold(UUID.randomUUID().toString(), "lamp", 1, "not-a-show");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("VALIDATION_FAILED");
        Response number = f.invoke(
                f.cart,
                CheckoutFixture.addItemEvent(
                        UUID.randomUUID().toString(), "{\"sku\":\"lamp\",\"quantity\":1,\"sessionId\":42}"));
        assertThat(number.status()).isEqualTo(400);
        assertThat(f.snapshot()).isEqualTo(before);
    }

    /**
     * Anyone may name any show: a hold counts for a show only while it is LIVE and sells the sku. Otherwise (an unknown
     * show, one not live yet or over, a sku outside its lineup) the hold is placed without attribution, and neither it
     * nor its order changes that show's stats.
     */
    @Test
    void aHoldNamingAShowThatIsNotLiveOrDoesNotSellTheSkuIsPlacedWithoutCredit() {
        f.product("vase", 3000, "USD", 20); // not in the show's lineup
        putShow("SCHEDULED", null);
        String early = UUID.randomUUID().toString();
        assertThat(hold(early, "lamp", 1, show).status()).isEqualTo(201);
        liveShow("hl-lamp", "lamp", 5_000);
        String offLineup = UUID.randomUUID().toString();
        assertThat(hold(offLineup, "vase", 1, show).status()).isEqualTo(201);
        String unknownShow = UUID.randomUUID().toString();
        assertThat(hold(unknownShow, "lamp", 1, UUID.randomUUID().toString()).status())
                .isEqualTo(201);
        putShow("ENDED", null);
        String late = UUID.randomUUID().toString();
        assertThat(hold(late, "scarf", 1, show).status()).isEqualTo(201);
        Response order = f.placeOrder(UUID.randomUUID().toString(), offLineup, "vase@example.com");
        assertThat(order.status()).isEqualTo(201);
        assertThat(order.body().path("items").get(0).has("origin"))
                .as("no attribution on the order line")
                .isFalse();

        handler.handleRequest(statsStream.next(), new TestContext("ShowStatsFunction"));
        ShowStats stats = repository.read(show);
        assertThat(List.of(stats.holds(), stats.orders(), stats.units())).containsExactly(0L, 0L, 0L);
        assertThat(stats.perProduct()).isEmpty();
        assertThat(stats.perHighlight()).isEmpty();
        assertThat(f.snapshot())
                .filteredOn(m -> m.get("sk") != null && m.get("sk").s().startsWith("HOLD#"))
                .hasSize(3)
                .noneMatch(m -> m.containsKey("origin"));
    }

    /** Eight deliveries of the same batch at once (a retry racing the original): every fact still counts once. */
    @Test
    void concurrentDeliveriesOfTheSameBatchCountEachFactOnce() throws Exception {
        liveShow("hl-lamp", "lamp", 1_000);
        for (int i = 0; i < 12; i++) {
            assertThat(hold(UUID.randomUUID().toString(), i % 2 == 0 ? "lamp" : "scarf", 1, show)
                            .status())
                    .isEqualTo(201);
        }
        DynamodbEvent batch = statsStream.next();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Callable<Integer> delivery = () -> {
                start.await();
                for (int attempt = 1; ; attempt++) { // as Lambda retries a batch whose invocation failed
                    try {
                        handler.handleRequest(batch, new TestContext("ShowStatsFunction"));
                        return attempt;
                    } catch (IllegalStateException e) {
                        if (attempt == 20) {
                            throw e;
                        }
                    }
                }
            };
            runs.add(pool.submit(delivery));
        }
        start.countDown();
        for (Future<Integer> run : runs) {
            run.get();
        }
        pool.shutdown();
        ShowStats stats = repository.read(show);
        assertThat(stats.holds()).isEqualTo(12);
        assertThat(stats.perProduct()).extracting(ShowStats.ProductStats::holds).containsExactly(6L, 6L);
        assertThat(stats.perHighlight())
                .singleElement()
                .extracting(ShowStats.HighlightStats::holds)
                .isEqualTo(12L);
    }

    private Response hold(String cartId, String sku, int quantity, String sessionId) {
        return f.invoke(
                f.cart,
                CheckoutFixture.addItemEvent(
                        cartId,
                        "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + ",\"sessionId\":\"" + sessionId + "\"}"));
    }

    private void liveShow(String highlightId, String sku, long offsetMs) {
        putShow(
                "LIVE",
                "{\"highlightId\":\"" + highlightId + "\",\"sku\":\"" + sku + "\",\"title\":\"T\",\"priceCents\":1,"
                        + "\"currency\":\"USD\",\"offsetMs\":" + offsetMs + ",\"at\":\"2026-12-01T20:00:00Z\"}");
    }

    /**
     * The session's META as the sessions module writes it (status, lineup and current highlight are what a hold reads).
     */
    private void putShow(String status, String currentHighlightJson) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of(
                "pk",
                AttributeValue.fromS("SESSION#" + show),
                "sk",
                AttributeValue.fromS("META"),
                "sessionId",
                AttributeValue.fromS(show),
                "status",
                AttributeValue.fromS(status),
                "lineup",
                AttributeValue.fromL(List.of(AttributeValue.fromS("lamp"), AttributeValue.fromS("scarf")))));
        if (currentHighlightJson != null) {
            item.put("currentHighlight", AttributeValue.fromS(currentHighlightJson));
        }
        f.client.putItem(p -> p.tableName(CheckoutFixture.SESSIONS).item(item));
    }
}
