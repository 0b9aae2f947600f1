package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.checkout.service.WaitlistService;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.waitlist.WaitlistCounts;
import com.liveshop.testkit.SamTemplate;
import com.liveshop.testkit.TestContext;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The waitlist on DynamoDB Local through the real handlers: joining a sold-out sku's line, the Catalog stream
 * handing returned units to the oldest waiting carts as holds (exactly once each, never beyond what came back, two
 * hand-outs at once), waitlistHeld on the cart's channel, and initial = available + held + sold throughout.
 */
class WaitlistTest {

    record Frame(String channel, JsonNode frame) {}

    CheckoutFixture f;
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    WaitlistService service;
    WaitlistHandler routes;
    WaitlistHandOutHandler handOut;
    ReservationsStream catalogStream;

    @BeforeEach
    void start() {
        f = new CheckoutFixture();
        ChannelPublisher publisher = (channel, list) -> {
            list.forEach(frame -> frames.add(new Frame(channel, Json.MAPPER.valueToTree(frame))));
            return list.size();
        };
        service = f.wiring.waitlistService(f.clock, publisher);
        routes = new WaitlistHandler(service);
        handOut = new WaitlistHandOutHandler(service);
        catalogStream = new ReservationsStream(f.local.endpoint(),
                f.client.describeTable(d -> d.tableName(CheckoutFixture.CATALOG)).table().latestStreamArn());
    }

    @AfterEach
    void stop() {
        catalogStream.close();
        f.close();
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
        return frames.stream().filter(fr -> fr.channel().equals(Channels.cart(cartId))).map(Frame::frame).toList();
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
    void joiningNeedsASoldOutSkuAndValidInputAndWritesNothingOtherwise() {
        f.product("cds-kettle", 4900, "USD", 3);
        var before = f.snapshot();
        assertThat(join("cds-kettle", UUID.randomUUID().toString(), 1).errorCode()).isEqualTo("NOT_SOLD_OUT");
        assertThat(join("cds-nothing", UUID.randomUUID().toString(), 1).errorCode()).isEqualTo("PRODUCT_NOT_FOUND");
        for (String body : List.of("{\"cartId\":\"not-a-uuid\",\"quantity\":1}", "{\"cartId\":\"" + UUID.randomUUID() + "\",\"quantity\":0}",
                "{\"cartId\":\"" + UUID.randomUUID() + "\",\"quantity\":6}", "{\"cartId\":\"" + UUID.randomUUID() + "\"}",
                "{\"quantity\":1}", "{\"cartId\":\"" + UUID.randomUUID() + "\",\"quantity\":\"1\"}", "[]", "{")) {
            Response r = f.invoke(routes, joinEvent("cds-kettle", body));
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.errorCode()).as(body).isNotBlank();
        }
        assertThat(f.invoke(routes, joinEvent("bad sku!", "{\"cartId\":\"" + UUID.randomUUID() + "\",\"quantity\":1}")).status()).isEqualTo(400);
        assertThat(leave("cds-kettle", "nope").status()).isEqualTo(400);
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void cartsLineUpInArrivalOrderOncePerCartAndCanLeave() {
        soldOut("cds-scarf", 2);
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        String c = UUID.randomUUID().toString();
        Response first = join("cds-scarf", a, 1);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.body().path("position").asLong()).isEqualTo(1);
        assertThat(first.body().path("sku").asText()).isEqualTo("cds-scarf");
        assertThat(first.body().path("cartId").asText()).isEqualTo(a);
        assertThat(first.body().path("quantity").asInt()).isEqualTo(1);
        f.clock.advance(Duration.ofMillis(5));
        assertThat(join("cds-scarf", b, 2).body().path("position").asLong()).isEqualTo(2);
        f.clock.advance(Duration.ofMillis(5));
        assertThat(join("cds-scarf", c, 1).body().path("position").asLong()).isEqualTo(3);
        Response again = join("cds-scarf", b, 3);
        assertThat(again.status()).as("one entry per cart and sku").isEqualTo(200);
        assertThat(again.body().path("position").asLong()).isEqualTo(2);
        assertThat(again.body().path("quantity").asInt()).as("the entry as it was").isEqualTo(2);
        assertThat(leave("cds-scarf", a).status()).isEqualTo(204);
        assertThat(leave("cds-scarf", a).status()).as("idempotent").isEqualTo(204);
        assertThat(join("cds-scarf", c, 1).body().path("position").asLong()).isEqualTo(2);
        assertThat(new WaitlistCounts(f.client, CheckoutFixture.RESERVATIONS).waiting("cds-scarf", f.clock.instant().getEpochSecond())).isEqualTo(2);
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
        assertThat(f.invoke(f.cart, CheckoutFixture.removeItemEvent(holders.get(0), "cds-sweater")).status()).isEqualTo(204);
        assertThat(deliverStockChanges()).isEqualTo(1);
        assertThat(cartFrames(first)).singleElement().satisfies(j -> {
            assertThat(j.path("type").asText()).isEqualTo("waitlistHeld");
            assertThat(j.path("sku").asText()).isEqualTo("cds-sweater");
            assertThat(j.path("quantity").asInt()).isEqualTo(1);
            assertThat(j.path("expiresAt").asText()).isNotBlank();
        });
        assertThat(cartFrames(second)).isEmpty();
        assertThat(f.stock("cds-sweater").available()).isZero();
        assertInvariant("cds-sweater");
        // A hold like any other: the cart shows it.
        assertThat(f.invoke(f.cart, CheckoutFixture.getCartEvent(first)).body().path("items").path(0).path("quantity").asInt()).isEqualTo(1);

        // One more back: the second wants 2 and gets the 1 there is (its entry is spent); the third waits.
        f.invoke(f.cart, CheckoutFixture.removeItemEvent(holders.get(1), "cds-sweater"));
        deliverStockChanges();
        assertThat(cartFrames(second)).singleElement().satisfies(j -> assertThat(j.path("quantity").asInt()).isEqualTo(1));
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
        assertThat(new WaitlistCounts(f.client, CheckoutFixture.RESERVATIONS).waiting("cds-hat", f.clock.instant().getEpochSecond())).isEqualTo(1);
        f.invoke(f.cart, CheckoutFixture.removeItemEvent(holders.get(0), "cds-hat"));
        // The holder's hold had expired anyway (25 h); removing gives nothing more. Units are back either way:
        f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
        deliverStockChanges();
        assertThat(cartFrames(stale)).isEmpty();
        assertThat(cartFrames(fresh)).singleElement();
        assertInvariant("cds-hat");
    }

    /** 30 carts wait for a sold-out sku; 10 units come back; two hand-outs run at once on real threads. */
    @RepeatedTest(5)
    void twoHandOutsAtOnceGiveEachReturnedUnitOnceInArrivalOrder() throws Exception {
        List<String> holders = soldOut("cds-hot", 10);
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String cart = UUID.randomUUID().toString();
            waiting.add(cart);
            assertThat(join("cds-hot", cart, 1).status()).isEqualTo(201);
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
        DynamodbEvent event = EventLoader.loadDynamoDbEvent(
                SamTemplate.repoRoot().resolve("events-samples/checkout/waitlist-stock-stream.json").toString());
        assertThat(WaitlistHandOutHandler.skusWithUnitsBack(event)).containsExactly("cds-cashmere-sweater");
        event.getRecords().get(0).getDynamodb().getNewImage().get("available").setN("0");
        assertThat(WaitlistHandOutHandler.skusWithUnitsBack(event)).as("available did not rise").isEmpty();
    }
}
