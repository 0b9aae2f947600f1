package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.checkout.repository.WaitlistRepository;
import com.liveshop.checkout.service.WaitlistService;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.waitlist.WaitlistCounts;
import com.liveshop.testkit.DynamoDbLocalExtension;
import com.liveshop.testkit.TableStream;
import dev.samlocal.lambda.TestContext;
import dev.samlocal.template.SamTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The waitlist on DynamoDB Local through the real handlers: joining a sold-out sku's line, the Catalog stream handing
 * returned units to the oldest waiting carts as holds (exactly once each, never beyond what came back, two hand-outs at
 * once), waitlistHeld on the cart's channel, and initial = available + held + sold throughout.
 */
class WaitlistTest {

    /** A fresh database for every test, as each test starts from empty tables. */
    @RegisterExtension
    final DynamoDbLocalExtension dynamo = DynamoDbLocalExtension.withTemplateTables();

    record Frame(String channel, JsonNode frame) {}

    CheckoutFixture f;
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    WaitlistService service;
    /** The routes as deployed: joins limited per source address (WAITLIST_JOINS_PER_IP_PER_MINUTE, default 20). */
    WaitlistHandler routes;
    /** The same service without the per-address limit, for tests that line up many carts from one test address. */
    WaitlistService open;

    WaitlistHandler openRoutes;
    WaitlistHandOutHandler handOut;
    TableStream catalogStream;

    @BeforeEach
    void start() {
        f = new CheckoutFixture(dynamo);
        ChannelPublisher publisher = (channel, list) -> {
            // As the frame goes on the wire: its JSON text, read back.
            list.forEach(frame -> frames.add(new Frame(channel, readTree(Json.write(frame)))));
            return list.size();
        };
        service = f.wiring.waitlistService(f.clock, publisher);
        routes = new WaitlistHandler(service);
        open = f.wiring.waitlistService(f.clock, publisher, WaitlistService.JoinLimit.NONE);
        openRoutes = new WaitlistHandler(open);
        handOut = new WaitlistHandOutHandler(service);
        catalogStream = dynamo.stream(CheckoutFixture.CATALOG);
    }

    /**
     * A handed-out hold counts against the per-client cap of the client that joined (issue 24): a client at its cap is
     * passed over (its entry spent), and the unit goes to the next in line.
     */
    @Test
    void aHandOutCountsAgainstTheJoiningClientAndPassesOverOneAtItsCap() {
        String sku = "cds-capped";
        f.product(sku, 1000, "USD", 11);
        String squatter = "198.51.100.31";
        for (int i = 0; i < 2; i++) {
            assertThat(f.invoke(
                                    f.cart,
                                    CheckoutFixture.addItemEvent(
                                            UUID.randomUUID().toString(),
                                            "{\"sku\":\"" + sku + "\",\"quantity\":5}",
                                            squatter))
                            .status())
                    .isEqualTo(201);
        }
        String other = UUID.randomUUID().toString();
        assertThat(f.addItem(other, sku, 1).status()).isEqualTo(201);
        String squatterCart = UUID.randomUUID().toString();
        String nextCart = UUID.randomUUID().toString();
        assertThat(joinFrom(squatter, sku, squatterCart, 1).status()).isEqualTo(201);
        f.clock.advance(Duration.ofMillis(5)); // the squatter is first in line (same instant: the cart id would decide)
        assertThat(joinFrom("198.51.100.32", sku, nextCart, 1).status()).isEqualTo(201);
        catalogStream.next(); // the holds above: no units came back

        assertThat(f.invoke(f.cart, CheckoutFixture.removeItemEvent(other, sku)).status())
                .isEqualTo(204);
        assertThat(deliverStockChanges()).isEqualTo(1);
        assertThat(cartFrames(squatterCart)).isEmpty();
        assertThat(entry(sku, squatterCart).status())
                .as("passed over: its entry is spent")
                .isEqualTo(404);
        assertThat(cartFrames(nextCart))
                .singleElement()
                .satisfies(j -> assertThat(j.path("type").asText()).isEqualTo("waitlistHeld"));
        assertThat(f.invoke(f.cart, CheckoutFixture.getCartEvent(nextCart))
                        .body()
                        .path("items")
                        .get(0)
                        .path("quantity")
                        .asInt())
                .isEqualTo(1);
        assertInvariant(sku);
    }

    private static JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static APIGatewayV2HTTPEvent joinEvent(String sku, String body) {
        APIGatewayV2HTTPEvent e = CheckoutFixture.sample("join-waitlist.json");
        e.setPathParameters(Map.of("sku", sku));
        e.setBody(body);
        return e;
    }

    private Response join(String sku, String cartId, int quantity) {
        return f.invoke(routes, joinEvent(sku, Json.write(Map.of("cartId", cartId, "quantity", quantity))));
    }

    private Response joinFrom(String sourceIp, String sku, String cartId, int quantity) {
        APIGatewayV2HTTPEvent e = joinEvent(sku, Json.write(Map.of("cartId", cartId, "quantity", quantity)));
        e.getRequestContext().getHttp().setSourceIp(sourceIp);
        return f.invoke(routes, e);
    }

    private Response openJoin(String sku, String cartId, int quantity) {
        return f.invoke(openRoutes, joinEvent(sku, Json.write(Map.of("cartId", cartId, "quantity", quantity))));
    }

    private Response entry(String sku, String cartId) {
        APIGatewayV2HTTPEvent e = CheckoutFixture.sample("get-waitlist.json");
        e.setPathParameters(Map.of("sku", sku, "cartId", cartId));
        return f.invoke(routes, e);
    }

    private Response leave(String sku, String cartId) {
        APIGatewayV2HTTPEvent e = CheckoutFixture.sample("leave-waitlist.json");
        e.setPathParameters(Map.of("sku", sku, "cartId", cartId));
        return f.invoke(routes, e);
    }

    /** The Catalog stream's new records through the hand-out function, as its event source mapping delivers them. */
    private int deliverStockChanges() {
        return handOut.handleRequest(catalogStream.next(), new TestContext("WaitlistHandOutFunction"));
    }

    private List<JsonNode> cartFrames(String cartId) {
        return frames.stream()
                .filter(fr -> fr.channel().equals(Channels.cart(cartId)))
                .map(Frame::frame)
                .toList();
    }

    private void assertInvariant(String sku) {
        StockLevel level = f.stock(sku);
        assertThat(level.initial()).isEqualTo(level.available() + level.held() + level.sold());
        f.assertBucketsBalance(sku);
    }

    private List<String> soldOut(String sku, int units) {
        f.product(sku, 2500, "USD", units);
        List<String> holders = new ArrayList<>();
        for (int i = 0; i < units; i++) {
            String cart = UUID.randomUUID().toString();
            assertThat(f.addItem(cart, sku, 1).status()).isEqualTo(201);
            holders.add(cart);
        }
        catalogStream.next(); // the sale so far is not returned units
        return holders;
    }

    @Test
    void everyWaitlistRouteRefusesBadInputWithA4xxAndWritesNothing() {
        f.product("cds-kettle", 4900, "USD", 3);
        soldOut("cds-gone", 1);
        var before = f.snapshot();
        Response inStock = join("cds-kettle", UUID.randomUUID().toString(), 1);
        assertThat(inStock.status()).isEqualTo(409);
        assertThat(inStock.errorCode()).isEqualTo("IN_STOCK");
        Response unknown = join("cds-nothing", UUID.randomUUID().toString(), 1);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("PRODUCT_NOT_FOUND");
        Response tooMany = join("cds-gone", UUID.randomUUID().toString(), 6);
        assertThat(tooMany.status()).as("above the per-sku limit (5)").isEqualTo(422);
        assertThat(tooMany.errorCode()).isEqualTo("QUANTITY_LIMIT");
        for (String body : List.of(
                "{\"cartId\":\"not-a-uuid\",\"quantity\":1}",
                "{\"cartId\":\"" + UUID.randomUUID() + "\",\"quantity\":0}",
                "{\"cartId\":\"" + UUID.randomUUID() + "\",\"quantity\":-1}",
                "{\"cartId\":\"" + UUID.randomUUID() + "\"}",
                "{\"cartId\":\"00000000-0000-0000-0000-000000000000\",\"quantity\":1}",
                "{\"quantity\":1}",
                "{\"cartId\":\"" + UUID.randomUUID() + "\",\"quantity\":\"1\"}",
                "{\"cartId\":\"" + UUID.randomUUID() + "\",\"quantity\":1.5}",
                "[]",
                "{",
                "")) {
            Response r = f.invoke(routes, joinEvent("cds-gone", body));
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.errorCode()).as(body).isNotBlank();
        }
        assertThat(f.invoke(routes, joinEvent("bad sku!", "{\"cartId\":\"" + UUID.randomUUID() + "\",\"quantity\":1}"))
                        .status())
                .isEqualTo(400);
        for (String[] bad : List.of(
                new String[] {"cds-gone", "nope"},
                new String[] {"bad sku!", UUID.randomUUID().toString()},
                new String[] {"cds-gone", "00000000-0000-0000-0000-000000000000"})) {
            Response read = entry(bad[0], bad[1]);
            assertThat(read.status()).as("GET %s/%s", bad[0], bad[1]).isEqualTo(400);
            assertThat(read.errorCode()).isNotBlank();
            Response left = leave(bad[0], bad[1]);
            assertThat(left.status()).as("DELETE %s/%s", bad[0], bad[1]).isEqualTo(400);
            assertThat(left.errorCode()).isNotBlank();
        }
        Response notWaiting = entry("cds-gone", UUID.randomUUID().toString());
        assertThat(notWaiting.status()).isEqualTo(404);
        assertThat(notWaiting.errorCode()).isEqualTo("WAITLIST_ENTRY_NOT_FOUND");
        assertThat(entry("cds-nothing", UUID.randomUUID().toString()).status()).isEqualTo(404);
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void cartsLineUpInArrivalOrderOncePerCartAndCanReadAndLeaveTheirPlace() {
        soldOut("cds-scarf", 2);
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        String c = UUID.randomUUID().toString();
        Response first = join("cds-scarf", a, 1);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.body())
                .isEqualTo(
                        Json.MAPPER.valueToTree(Map.of("sku", "cds-scarf", "cartId", a, "quantity", 1, "position", 1)));
        f.clock.advance(Duration.ofMillis(5));
        assertThat(join("cds-scarf", b, 2).body().path("position").asLong()).isEqualTo(2);
        f.clock.advance(Duration.ofMillis(5));
        assertThat(join("cds-scarf", c, 1).body().path("position").asLong()).isEqualTo(3);
        Response again = join("cds-scarf", b, 3);
        assertThat(again.status()).as("one entry per cart and sku").isEqualTo(200);
        assertThat(again.body())
                .as("the new quantity, the same place")
                .isEqualTo(
                        Json.MAPPER.valueToTree(Map.of("sku", "cds-scarf", "cartId", b, "quantity", 3, "position", 2)));
        Response read = entry("cds-scarf", b);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.headers()).as("one cart's place: never cached").containsEntry("cache-control", "no-store");
        assertThat(read.body()).isEqualTo(again.body());
        assertThat(leave("cds-scarf", a).status()).isEqualTo(204);
        assertThat(leave("cds-scarf", a).status()).as("idempotent").isEqualTo(204);
        assertThat(entry("cds-scarf", a).status()).isEqualTo(404);
        assertThat(entry("cds-scarf", b).body().path("position").asLong()).isEqualTo(1);
        assertThat(join("cds-scarf", c, 1).body().path("position").asLong()).isEqualTo(2);
        assertThat(new WaitlistCounts(f.client, CheckoutFixture.RESERVATIONS)
                        .waiting("cds-scarf", f.clock.instant().getEpochSecond()))
                .isEqualTo(2);
        assertThat(counter("cds-scarf")).isEqualTo(2);
        // An entry lapses after WaitlistHours (24): no longer readable, and the cart may join again at the end.
        f.clock.advance(Duration.ofHours(24));
        assertThat(entry("cds-scarf", b).status()).isEqualTo(404);
        assertThat(join("cds-scarf", b, 1).status()).isEqualTo(201);
    }

    @Test
    void concurrentJoinsOfOneCartMakeOneEntry() throws Exception {
        soldOut("cds-mug", 1);
        String cart = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(pool.submit(() -> {
                go.await();
                return join("cds-mug", cart, 1).status();
            }));
        }
        go.countDown();
        try {
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> s : statuses) {
                got.add(s.get());
            }
            assertThat(got).filteredOn(s -> s == 201).hasSize(1);
            assertThat(got).filteredOn(s -> s == 200).hasSize(7);
        } finally {
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertThat(f.countReservations("WAITLIST#cds-mug")).isEqualTo(1);
    }

    @Test
    void returnedUnitsBecomeHoldsForTheOldestWaitingCartsAndTheirChannelHearsIt() {
        List<String> holders = soldOut("cds-sweater", 3);
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String third = UUID.randomUUID().toString();
        join("cds-sweater", first, 1);
        f.clock.advance(Duration.ofMillis(5));
        join("cds-sweater", second, 2);
        f.clock.advance(Duration.ofMillis(5));
        join("cds-sweater", third, 1);

        // One unit back (a buyer removed it from the cart): the first in line gets it, nobody else.
        assertThat(f.invoke(f.cart, CheckoutFixture.removeItemEvent(holders.get(0), "cds-sweater"))
                        .status())
                .isEqualTo(204);
        assertThat(deliverStockChanges()).isEqualTo(1);
        JsonNode hold = f.invoke(f.cart, CheckoutFixture.getCartEvent(first))
                .body()
                .path("items")
                .path(0);
        assertThat(cartFrames(first))
                .singleElement()
                .isEqualTo(Json.MAPPER.valueToTree(Map.of(
                        "type",
                        "waitlistHeld",
                        "sku",
                        "cds-sweater",
                        "quantity",
                        1,
                        "priceCents",
                        2500,
                        "currency",
                        "USD",
                        "expiresAt",
                        hold.path("expiresAt").asText())));
        assertThat(cartFrames(second)).isEmpty();
        assertThat(f.stock("cds-sweater").available()).isZero();
        assertInvariant("cds-sweater");
        // A hold like any other: the cart shows it, with its expiry HoldSeconds from now.
        assertThat(hold.path("quantity").asInt()).isEqualTo(1);
        assertThat(java.time.Instant.parse(hold.path("expiresAt").asText()))
                .isEqualTo(f.clock.instant().plusSeconds(600));

        // One more back: the second wants 2 and gets the 1 there is (its entry is spent); the third waits.
        f.invoke(f.cart, CheckoutFixture.removeItemEvent(holders.get(1), "cds-sweater"));
        deliverStockChanges();
        assertThat(cartFrames(second))
                .singleElement()
                .satisfies(j -> assertThat(j.path("quantity").asInt()).isEqualTo(1));
        assertThat(cartFrames(third)).isEmpty();
        assertInvariant("cds-sweater");

        // The last holder's hold expires: the sweep gives the unit back, the third in line gets it.
        f.clock.advance(Duration.ofSeconds(601));
        f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
        deliverStockChanges();
        assertThat(cartFrames(third)).isNotEmpty();
        assertThat(f.countReservations("WAITLIST#cds-sweater")).isZero();
        assertInvariant("cds-sweater");
    }

    @Test
    void anExpiredEntryIsSkippedAndAWaitingCartThatHoldsTheSkuAlreadyIsPassedOver() {
        List<String> holders = soldOut("cds-hat", 1);
        String stale = UUID.randomUUID().toString();
        join("cds-hat", stale, 1);
        f.clock.advance(Duration.ofHours(25));
        String fresh = UUID.randomUUID().toString();
        join("cds-hat", fresh, 1);
        assertThat(new WaitlistCounts(f.client, CheckoutFixture.RESERVATIONS)
                        .waiting("cds-hat", f.clock.instant().getEpochSecond()))
                .isEqualTo(1);
        f.invoke(f.cart, CheckoutFixture.removeItemEvent(holders.get(0), "cds-hat"));
        // The holder's hold had expired anyway (25 h); removing gives nothing more. Units are back either way:
        f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
        deliverStockChanges();
        assertThat(cartFrames(stale)).isEmpty();
        assertThat(cartFrames(fresh)).singleElement();
        assertInvariant("cds-hat");
    }

    /** 30 carts wait for a sold-out sku; 10 units come back; two hand-outs run at once on real threads. */
    @Test
    void twoHandOutsAtOnceGiveEachReturnedUnitOnceInArrivalOrder() throws Exception {
        List<String> holders = soldOut("cds-hot", 10);
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String cart = UUID.randomUUID().toString();
            waiting.add(cart);
            assertThat(openJoin("cds-hot", cart, 1).status()).isEqualTo(201);
            f.clock.advance(Duration.ofMillis(2));
        }
        for (String holder : holders) {
            f.invoke(f.cart, CheckoutFixture.removeItemEvent(holder, "cds-hot"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(pool.submit(() -> {
                go.await();
                return service.handOut("cds-hot");
            }));
        }
        go.countDown();
        int held = 0;
        try {
            for (Future<Integer> r : runs) {
                held += r.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        assertThat(held).isEqualTo(10);
        for (int i = 0; i < 30; i++) {
            assertThat(cartFrames(waiting.get(i))).as("cart %d in line", i + 1).hasSize(i < 10 ? 1 : 0);
        }
        StockLevel level = f.stock("cds-hot");
        assertThat(level.available()).isZero();
        assertThat(level.held()).isEqualTo(10);
        assertInvariant("cds-hot");
        assertThat(f.countReservations("WAITLIST#cds-hot")).isEqualTo(20);
    }

    @Test
    void theStreamSampleNamesTheSkuWhoseUnitsCameBack() {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent(SamTemplate.repoRoot()
                .resolve("events-samples/checkout/waitlist-stock-stream.json")
                .toString());
        assertThat(WaitlistHandOutHandler.skusWithUnitsBack(event)).containsExactly("cds-cashmere-sweater");
        event.getRecords().get(0).getDynamodb().getNewImage().get("available").setN("0");
        assertThat(WaitlistHandOutHandler.skusWithUnitsBack(event))
                .as("available did not rise")
                .isEmpty();
    }

    /** The line's counter item (entries counted against WaitlistMaxPerSku). */
    private long counter(String sku) {
        return new WaitlistRepository(f.client, CheckoutFixture.RESERVATIONS).counted(sku);
    }

    /** Entries of the sku's line, in line order (the sort key), as cart ids. */
    private List<String> line(String sku) {
        return new WaitlistRepository(f.client, CheckoutFixture.RESERVATIONS)
                .oldest(sku, 10_000).stream()
                        .map(WaitlistRepository.Entry::cartId)
                        .toList();
    }

    @Test
    void theHoldTakesThePriceInForceWhenItIsPlacedAndADealThatEndedDoesNotComeBack() {
        List<String> holders = soldOut("cds-lamp", 2);
        java.time.Instant dealEnds = f.clock.instant().plus(Duration.ofMinutes(5));
        assertThat(f.products.setDeal("cds-lamp", 1999, dealEnds.toString())).isTrue();
        String during = UUID.randomUUID().toString();
        String after = UUID.randomUUID().toString();
        join("cds-lamp", during, 1);
        f.clock.advance(Duration.ofMillis(5));
        join("cds-lamp", after, 1);
        f.invoke(f.cart, CheckoutFixture.removeItemEvent(holders.get(0), "cds-lamp"));
        deliverStockChanges();
        assertThat(cartFrames(during))
                .singleElement()
                .satisfies(j -> assertThat(j.path("priceCents").asLong()).isEqualTo(1999));
        f.clock.advance(Duration.ofMinutes(6));
        f.invoke(f.cart, CheckoutFixture.removeItemEvent(holders.get(1), "cds-lamp"));
        deliverStockChanges();
        assertThat(cartFrames(after)).singleElement().satisfies(j -> {
            assertThat(j.path("priceCents").asLong()).as("the deal ended").isEqualTo(2500);
            assertThat(j.path("currency").asText()).isEqualTo("USD");
        });
        assertThat(f.invoke(f.cart, CheckoutFixture.getCartEvent(after))
                        .body()
                        .path("totalCents")
                        .asLong())
                .isEqualTo(2500);
        assertInvariant("cds-lamp");
    }

    /**
     * WaitlistMaxPerSku is exact under concurrent joins (a conditional counter in each join's transaction): 20 carts
     * join a line bounded at 5 at once, on real threads, 20 rounds.
     */
    @Test
    void theLineIsBoundedExactlyUnderConcurrentJoins() throws Exception {
        WaitlistService bounded = new WaitlistService(
                new WaitlistRepository(f.client, CheckoutFixture.RESERVATIONS),
                f.products,
                f.wiring.cartService(f.clock),
                (channel, list) -> list.size(),
                f.clock,
                Duration.ofHours(24),
                5,
                5,
                WaitlistService.JoinLimit.NONE,
                address -> "fp-" + address);
        WaitlistHandler boundedRoutes = new WaitlistHandler(bounded);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            for (int round = 0; round < 20; round++) {
                String sku = "cds-bounded-" + round;
                soldOut(sku, 1);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Response>> answers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String cart = UUID.randomUUID().toString();
                    answers.add(pool.submit(() -> {
                        go.await();
                        return f.invoke(
                                boundedRoutes, joinEvent(sku, Json.write(Map.of("cartId", cart, "quantity", 1))));
                    }));
                }
                go.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<Response> a : answers) {
                    Response r = a.get();
                    outcomes.add(r.status() + " " + (r.status() == 201 ? "" : r.errorCode()));
                }
                assertThat(outcomes)
                        .as("round %d: %s", round, outcomes)
                        .filteredOn(o -> o.startsWith("201"))
                        .hasSize(5);
                assertThat(outcomes)
                        .as("round %d", round)
                        .filteredOn(o -> o.equals("409 WAITLIST_FULL"))
                        .hasSize(15);
                assertThat(line(sku)).hasSize(5);
                assertThat(counter(sku)).isEqualTo(5);
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        // A cart leaving makes room; entries that lapsed are cleared from the head when the line is full.
        String sku = "cds-bounded-0";
        String leaving = line(sku).get(2);
        assertThat(f.invoke(
                                boundedRoutes,
                                joinEvent(
                                        sku,
                                        Json.write(Map.of(
                                                "cartId", UUID.randomUUID().toString(), "quantity", 1))))
                        .errorCode())
                .isEqualTo("WAITLIST_FULL");
        bounded.leave(sku, leaving);
        assertThat(counter(sku)).isEqualTo(4);
        assertThat(bounded.join(
                                sku,
                                new WaitlistService.JoinRequest(
                                        UUID.randomUUID().toString(), 1L),
                                "192.0.2.1")
                        .created())
                .isTrue();
        f.clock.advance(Duration.ofHours(25));
        String late = UUID.randomUUID().toString();
        WaitlistService.JoinResult afterLapse =
                bounded.join(sku, new WaitlistService.JoinRequest(late, 1L), "192.0.2.1");
        assertThat(afterLapse.joined().position()).isEqualTo(1);
        assertThat(line(sku)).containsExactly(late);
        assertThat(counter(sku)).isEqualTo(1);
    }

    /**
     * Joins from one source address: at most WAITLIST_JOINS_PER_IP_PER_MINUTE (20), exact under 30 concurrent joins, 20
     * rounds.
     */
    @Test
    void joinsAreRateLimitedPerSourceAddressExactlyUnderConcurrency() throws Exception {
        soldOut("cds-crowd", 1);
        var before = f.snapshot();
        ExecutorService pool = Executors.newFixedThreadPool(30);
        try {
            for (int round = 0; round < 20; round++) {
                String ip = "203.0.113." + (round + 1);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Response>> answers = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    String cart = UUID.randomUUID().toString();
                    answers.add(pool.submit(() -> {
                        go.await();
                        return joinFrom(ip, "cds-crowd", cart, 1);
                    }));
                }
                go.countDown();
                int accepted = 0;
                int limited = 0;
                for (Future<Response> a : answers) {
                    Response r = a.get();
                    if (r.status() == 201) {
                        accepted++;
                    } else {
                        assertThat(r.status()).as(r.rawBody()).isEqualTo(429);
                        assertThat(r.errorCode()).isEqualTo("RATE_LIMITED");
                        assertThat(Integer.parseInt(r.headers().get("Retry-After")))
                                .isBetween(1, 60);
                        limited++;
                    }
                }
                assertThat(accepted).as("round %d", round).isEqualTo(20);
                assertThat(limited).isEqualTo(10);
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        assertThat(f.snapshot().toString()).as("the address is never stored").doesNotContain("203.0.113.");
        assertThat(joinFrom("203.0.113.1", "cds-crowd", UUID.randomUUID().toString(), 1)
                        .status())
                .isEqualTo(429);
        assertThat(joinFrom("198.51.100.7", "cds-crowd", UUID.randomUUID().toString(), 1)
                        .status())
                .as("another address")
                .isEqualTo(201);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(joinFrom("203.0.113.1", "cds-crowd", UUID.randomUUID().toString(), 1)
                        .status())
                .as("the next minute")
                .isEqualTo(201);
        // Refused input is never counted: 25 bad joins, then a good one from the same address.
        for (int i = 0; i < 25; i++) {
            assertThat(joinFrom("192.0.2.9", "cds-crowd", "not-a-uuid", 1).status())
                    .isEqualTo(400);
        }
        assertThat(joinFrom("192.0.2.9", "cds-crowd", UUID.randomUUID().toString(), 1)
                        .status())
                .isEqualTo(201);
        assertThat(before).isNotNull();
    }

    /**
     * Units come back one by one while two hand-outs run and four buyers race the cart route for them, on real threads,
     * 20 rounds: never oversold, each waiting cart served at most once, at most its quantity, in line order (the served
     * carts are the head of the line), and once all is quiet no unit is available while a cart waits; initial =
     * available + held + sold throughout.
     */
    @Test
    void returnedUnitsRacedByTwoHandOutsAndCartRouteBuyersAreNeverOversoldAndGoInLineOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        java.util.Random random = new java.util.Random(22);
        try {
            for (int round = 0; round < 20; round++) {
                String sku = "cds-race-" + round;
                int units = 12;
                f.product(sku, 2500, "USD", units, 1 + round % 3);
                List<String> holders = new ArrayList<>();
                for (int i = 0; i < units; i++) {
                    String cart = UUID.randomUUID().toString();
                    assertThat(f.addItem(cart, sku, 1).status()).isEqualTo(201);
                    holders.add(cart);
                }
                List<String> waiting = new ArrayList<>();
                Map<String, Integer> wanted = new java.util.HashMap<>();
                for (int i = 0; i < 16; i++) {
                    String cart = UUID.randomUUID().toString();
                    int q = 1 + random.nextInt(2);
                    assertThat(openJoin(sku, cart, q).status()).isEqualTo(201);
                    waiting.add(cart);
                    wanted.put(cart, q);
                    f.clock.advance(Duration.ofMillis(2));
                }
                frames.clear();
                java.util.concurrent.atomic.AtomicBoolean returning =
                        new java.util.concurrent.atomic.AtomicBoolean(true);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> work = new ArrayList<>();
                work.add(pool.submit(() -> {
                    go.await();
                    try {
                        for (String holder : holders) {
                            assertThat(f.invoke(f.cart, CheckoutFixture.removeItemEvent(holder, sku))
                                            .status())
                                    .isEqualTo(204);
                            assertInvariant(sku);
                        }
                    } finally {
                        returning.set(false);
                    }
                    return null;
                }));
                for (int h = 0; h < 2; h++) {
                    work.add(pool.submit(() -> {
                        go.await();
                        while (returning.get()) {
                            open.handOut(sku);
                        }
                        open.handOut(sku);
                        return null;
                    }));
                }
                List<String> buyers = new ArrayList<>();
                for (int b = 0; b < 4; b++) {
                    String buyer = UUID.randomUUID().toString();
                    buyers.add(buyer);
                    work.add(pool.submit(() -> {
                        go.await();
                        while (returning.get()) {
                            Response r = f.addItem(buyer, sku, 1);
                            if (r.status() == 201) {
                                return null;
                            }
                            assertThat(r.errorCode()).as(r.rawBody()).isIn("SOLD_OUT", "TRY_AGAIN");
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> w : work) {
                    w.get();
                }
                // The stream runs the hand-out after the last return too.
                open.handOut(sku);

                StockLevel level = f.stock(sku);
                assertInvariant(sku);
                assertThat(level.available()).isNotNegative();
                long heldByLine = 0;
                boolean gap = false;
                for (int i = 0; i < waiting.size(); i++) {
                    String cart = waiting.get(i);
                    List<JsonNode> got = cartFrames(cart);
                    assertThat(got)
                            .as("round %d, cart %d in line: served at most once", round, i + 1)
                            .hasSizeLessThanOrEqualTo(1);
                    JsonNode items = f.invoke(f.cart, CheckoutFixture.getCartEvent(cart))
                            .body()
                            .path("items");
                    if (got.isEmpty()) {
                        gap = true;
                        assertThat(items)
                                .as("round %d, cart %d holds nothing", round, i + 1)
                                .isEmpty();
                        continue;
                    }
                    assertThat(gap)
                            .as("round %d: cart %d served after an earlier cart was left waiting", round, i + 1)
                            .isFalse();
                    int q = got.get(0).path("quantity").asInt();
                    assertThat(q).isBetween(1, wanted.get(cart));
                    assertThat(items.path(0).path("quantity").asInt()).isEqualTo(q);
                    heldByLine += q;
                }
                long heldByBuyers = 0;
                for (String buyer : buyers) {
                    heldByBuyers += f.invoke(f.cart, CheckoutFixture.getCartEvent(buyer))
                            .body()
                            .path("items")
                            .path(0)
                            .path("quantity")
                            .asInt(0);
                }
                assertThat(level.held()).as("round %d: never oversold", round).isEqualTo(heldByLine + heldByBuyers);
                assertThat(heldByLine + heldByBuyers + level.available()).isEqualTo(units);
                List<String> stillWaiting = line(sku);
                assertThat(level.available() == 0 || stillWaiting.isEmpty())
                        .as("round %d: %d available while %d carts wait", round, level.available(), stillWaiting.size())
                        .isTrue();
                assertThat(stillWaiting)
                        .as("the carts left waiting are the tail of the line")
                        .isEqualTo(waiting.stream()
                                .filter(c -> cartFrames(c).isEmpty())
                                .toList());
                assertThat(counter(sku)).isEqualTo(stillWaiting.size());
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /**
     * 1,000 carts wait (joined through the repository's transaction, one millisecond apart) and 100 held units come
     * back at once (the sweep expires their holds); two hand-outs run at once on real threads: exactly 100 units are
     * handed out, one to each of the first 100 carts in line, and the other 900 still wait. Rounds: system property
     * {@code waitlist.bigRounds} (default 1; the 20× loop sets it to 20).
     */
    @Test
    void aThousandWaitingCartsAndAHundredReturnedUnitsGiveExactlyAHundredToTheFirstInLine() throws Exception {
        WaitlistRepository repository = new WaitlistRepository(f.client, CheckoutFixture.RESERVATIONS);
        int rounds = Integer.getInteger("waitlist.bigRounds", 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < rounds; round++) {
                String sku = "cds-big-" + round;
                f.product(sku, 2500, "USD", 100, 4);
                List<Future<Integer>> holds = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    holds.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            assertThat(f.addItem(UUID.randomUUID().toString(), sku, 1)
                                            .status())
                                    .isEqualTo(201);
                        }
                        return 25;
                    }));
                }
                for (Future<Integer> h : holds) {
                    h.get();
                }
                assertThat(f.stock(sku).available()).isZero();
                List<String> waiting = new ArrayList<>();
                long joinedAt = f.clock.instant().toEpochMilli();
                for (int i = 0; i < 1000; i++) {
                    String cart = UUID.randomUUID().toString();
                    waiting.add(cart);
                    WaitlistRepository.Entry entry = new WaitlistRepository.Entry(
                            sku,
                            cart,
                            1,
                            com.liveshop.shared.waitlist.WaitlistKeys.entrySk(joinedAt + i, cart),
                            f.clock.instant().plus(Duration.ofHours(24)).getEpochSecond(),
                            null);
                    assertThat(repository.add(entry, 10_000, f.clock.instant().getEpochSecond()))
                            .isEqualTo(WaitlistRepository.AddOutcome.ADDED);
                }
                assertThat(counter(sku)).isEqualTo(1000);
                // The 100 holds run out; the sweep gives their units back (a hold placed by a hand-out lasts from now).
                f.clock.advance(Duration.ofSeconds(601));
                f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
                assertThat(f.stock(sku).available()).isEqualTo(100);
                frames.clear();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> runs = new ArrayList<>();
                for (int h = 0; h < 2; h++) {
                    runs.add(pool.submit(() -> {
                        go.await();
                        return open.handOut(sku);
                    }));
                }
                go.countDown();
                int held = 0;
                for (Future<Integer> r : runs) {
                    held += r.get();
                }
                assertThat(held).as("round %d", round).isEqualTo(100);
                for (int i = 0; i < waiting.size(); i++) {
                    assertThat(cartFrames(waiting.get(i)))
                            .as("round %d, cart %d in line", round, i + 1)
                            .hasSize(i < 100 ? 1 : 0);
                }
                StockLevel level = f.stock(sku);
                assertThat(level.available()).isZero();
                assertThat(level.held()).isEqualTo(100);
                assertInvariant(sku);
                assertThat(line(sku)).isEqualTo(waiting.subList(100, 1000));
                assertThat(counter(sku)).isEqualTo(900);
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /**
     * A unit comes back while a join is between its sold-out check and its write, and the hand-out that change sets off
     * finds the line still empty: the join must not leave its cart waiting beside an available unit. It sees the unit
     * after its write, leaves the line again and answers IN_STOCK (the clock's second reading is that moment).
     */
    @Test
    void aJoinThatMeetsAUnitComingBackMeanwhileLeavesTheLineAndAnswersInStock() {
        List<String> holders = soldOut("cds-vase", 1);
        java.util.concurrent.atomic.AtomicInteger readings = new java.util.concurrent.atomic.AtomicInteger();
        java.time.Clock racing = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return f.clock.getZone();
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                if (readings.incrementAndGet() == 2) {
                    assertThat(f.invoke(f.cart, CheckoutFixture.removeItemEvent(holders.get(0), "cds-vase"))
                                    .status())
                            .isEqualTo(204);
                    assertThat(deliverStockChanges())
                            .as("the hand-out finds nobody in line yet")
                            .isZero();
                }
                return f.clock.instant();
            }
        };
        WaitlistService joining = new WaitlistService(
                new WaitlistRepository(f.client, CheckoutFixture.RESERVATIONS),
                f.products,
                f.wiring.cartService(f.clock),
                (channel, list) -> list.size(),
                racing,
                Duration.ofHours(24),
                5,
                10_000,
                WaitlistService.JoinLimit.NONE,
                address -> "fp-" + address);
        String cart = UUID.randomUUID().toString();
        Response answer = f.invoke(
                new WaitlistHandler(joining), joinEvent("cds-vase", Json.write(Map.of("cartId", cart, "quantity", 1))));
        assertThat(readings.get()).as("the unit came back mid-join").isGreaterThanOrEqualTo(2);
        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(409);
        assertThat(answer.errorCode()).isEqualTo("IN_STOCK");
        assertThat(line("cds-vase")).isEmpty();
        assertThat(counter("cds-vase")).isZero();
        assertThat(f.stock("cds-vase").available()).isEqualTo(1);
        assertThat(f.addItem(cart, "cds-vase", 1).status())
                .as("the cart buys it instead")
                .isEqualTo(201);
        assertInvariant("cds-vase");
    }
}
