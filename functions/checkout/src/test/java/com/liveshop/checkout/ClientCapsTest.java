package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.domain.OrderStatus;
import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.OrderRepository;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.ratelimit.SourceFingerprint;
import com.liveshop.testkit.DynamoDbLocalExtension;
import dev.samlocal.lambda.TestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Per-client caps (issue 24): what one client (its address) holds of a sku plus what its unpaid orders hold, over all
 * its carts, and its unpaid orders (and an email's). The caps are set so the squat of the issue shows:
 * MaxQuantityPerSku 2, MaxUnitsPerClientPerSku 4, MaxPendingOrdersPerClient 2, on a 10-unit product.
 */
class ClientCapsTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static CheckoutFixture f;
    static final SourceFingerprint FINGERPRINT = new SourceFingerprint(() -> CheckoutFixture.FINGERPRINT_SECRET);

    @BeforeAll
    static void start() {
        f = new CheckoutFixture(
                DYNAMO,
                Map.of(
                        "MAX_QUANTITY_PER_SKU",
                        "2",
                        "MAX_UNITS_PER_CLIENT_PER_SKU",
                        "4",
                        "MAX_PENDING_ORDERS_PER_CLIENT",
                        "2"));
    }

    /**
     * The squat: one client's carts and unpaid orders took a 10-unit product off sale, and after the deadline took it
     * all back. Now its fifth unit is refused (429 CLIENT_LIMIT, Retry-After = until its first hold expires, nothing
     * written), another client still buys, and after the deadline the same client gets its 4 again, never more.
     */
    @Test
    void theSquatOfTheIssueIsRefusedAtTheFifthUnitWhileAnotherClientStillBuys() {
        String sku = sku("squat");
        f.product(sku, 1000, "USD", 10);
        String squatter = "198.51.100.66";
        String cart1 = cart();
        String cart2 = cart();
        assertThat(add(cart1, sku, 2, squatter).status()).isEqualTo(201);
        f.clock.advance(Duration.ofSeconds(30));
        assertThat(add(cart2, sku, 2, squatter).status()).isEqualTo(201);

        var before = f.snapshot();
        Response fifth = add(cart(), sku, 1, squatter);
        assertThat(fifth.status()).as(fifth.rawBody()).isEqualTo(429);
        assertThat(fifth.errorCode()).isEqualTo("CLIENT_LIMIT");
        assertThat(fifth.body().path("error").path("message").asText()).contains("At most 4 units");
        assertThat(fifth.headers())
                .containsEntry("Retry-After", "570"); // cart1's hold: 600 s after it was placed, 30 s ago
        assertThat(f.snapshot()).as("a refusal writes nothing").isEqualTo(before);

        assertThat(add(cart(), sku, 2, "203.0.113.5").status())
                .as("another client buys")
                .isEqualTo(201);
        assertThat(f.stock(sku).available()).isEqualTo(4);

        // Both carts become unpaid orders: the units stay the client's until paid or lapsed.
        assertThat(order(cart1, "squat1@example.com", squatter).status()).isEqualTo(201);
        assertThat(order(cart2, "squat2@example.com", squatter).status()).isEqualTo(201);
        Response stillNo = add(cart(), sku, 1, squatter);
        assertThat(stillNo.errorCode()).isEqualTo("CLIENT_LIMIT");
        assertThat(stillNo.headers()).containsEntry("Retry-After", "900"); // the first order's payment deadline
        assertThat(units(squatter, sku)).isEqualTo(4);

        // After the deadline the sweep gives the units back, and the same client can take 4 again, not 10.
        f.clock.advance(Duration.ofSeconds(901));
        sweep();
        assertThat(units(squatter, sku)).isZero();
        assertThat(pending(ClientKeys.client(squatter))).isZero();
        assertThat(f.stock(sku).available())
                .as("the other client's hold ran out too")
                .isEqualTo(10);
        int retaken = 0;
        for (int i = 0; i < 5; i++) {
            Response r = add(cart(), sku, 2, squatter);
            if (r.status() == 201) {
                retaken += 2;
            } else {
                assertThat(r.errorCode()).isEqualTo("CLIENT_LIMIT");
            }
        }
        assertThat(retaken).isEqualTo(4);
        assertThat(add(cart(), sku, 2, "203.0.113.6").status())
                .as("the rest is on sale to others")
                .isEqualTo(201);
        f.assertBucketsBalance(sku);
    }

    @Test
    void unpaidOrdersAreCappedPerClientAndPerEmailWithoutStoringEither() {
        String sku = sku("orders");
        f.product(sku, 1000, "USD", 20);
        String buyer = "198.51.100.77";
        List<String> carts = List.of(cart(), cart(), cart());
        for (String c : carts) {
            assertThat(add(c, sku, 1, "192.0.2." + (carts.indexOf(c) + 10)).status())
                    .isEqualTo(201);
        }
        assertThat(order(carts.get(0), "one@example.com", buyer).status()).isEqualTo(201);
        assertThat(order(carts.get(1), "two@example.com", buyer).status()).isEqualTo(201);
        var before = f.snapshot();
        Response third = order(carts.get(2), "three@example.com", buyer);
        assertThat(third.status()).as(third.rawBody()).isEqualTo(429);
        assertThat(third.errorCode()).isEqualTo("CLIENT_LIMIT");
        assertThat(third.body().path("error").path("message").asText()).contains("unpaid orders per buyer");
        assertThat(third.headers()).containsEntry("Retry-After", "900");
        assertThat(f.snapshot()).as("nothing written: the cart keeps its hold").isEqualTo(before);

        // Per email, whatever the address (case does not make another buyer).
        String sku2 = sku("email");
        f.product(sku2, 1000, "USD", 20);
        List<String> more = List.of(cart(), cart(), cart());
        for (int i = 0; i < 3; i++) {
            assertThat(add(more.get(i), sku2, 1, "192.0.2." + (i + 20)).status())
                    .isEqualTo(201);
        }
        assertThat(order(more.get(0), "Same@Example.com", "192.0.2.20").status())
                .isEqualTo(201);
        assertThat(order(more.get(1), "same@example.com", "192.0.2.21").status())
                .isEqualTo(201);
        Response byEmail = order(more.get(2), "SAME@example.com", "192.0.2.22");
        assertThat(byEmail.errorCode()).isEqualTo("CLIENT_LIMIT");
        assertThat(byEmail.body().path("error").path("message").asText()).contains("unpaid orders per email");

        // Paying one frees a place.
        String paid = order(carts.get(0), "one@example.com", buyer)
                .body()
                .path("orderId")
                .asText(); // replay: same order
        assertThat(f.invoke(f.webhook, f.signedWebhook(paid, "PAID", "pay_" + UUID.randomUUID(), 1000, "USD"))
                        .status())
                .isEqualTo(200);
        assertThat(order(carts.get(2), "three@example.com", buyer).status()).isEqualTo(201);

        // Counter keys are HMACs: no address and no email in any key of the table.
        assertThat(f.snapshot())
                .filteredOn(m ->
                        m.get("pk").s().startsWith("CLIENT#") || m.get("pk").s().startsWith("EMAIL#"))
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m.toString()).doesNotContain("example.com", "198.51.100", "192.0.2"));
        assertThat(f.snapshot().stream().filter(m -> !m.containsKey("email")).map(Map::toString))
                .noneMatch(s -> s.contains("198.51.100.77"));
    }

    /** Every path that gives units back moves the counter back in the same transaction: it ends at exactly 0. */
    @Test
    void theCountersReturnToZeroAfterEveryKindOfRelease() {
        String sku = sku("drift");
        f.product(sku, 1000, "USD", 50);
        String client = "198.51.100.88";
        // Removal.
        String removed = cart();
        add(removed, sku, 2, client);
        assertThat(units(client, sku)).isEqualTo(2);
        assertThat(f.invoke(f.cart, CheckoutFixture.removeItemEvent(removed, sku))
                        .status())
                .isEqualTo(204);
        assertThat(units(client, sku)).isZero();
        // Payment, failed payment (cancel), payment deadline (lapse).
        for (String outcome : List.of("PAID", "FAILED", "LAPSED")) {
            String c = cart();
            assertThat(add(c, sku, 1, client).status()).isEqualTo(201);
            assertThat(add(c, sku, 1, client).status()).as("a raise counts too").isEqualTo(201);
            String orderId = order(c, outcome.toLowerCase() + "@example.com", client)
                    .body()
                    .path("orderId")
                    .asText();
            assertThat(units(client, sku)).isEqualTo(2);
            assertThat(pending(ClientKeys.client(client))).isEqualTo(1);
            if (outcome.equals("LAPSED")) {
                f.clock.advance(Duration.ofSeconds(901));
                sweep();
            } else {
                f.invoke(f.webhook, f.signedWebhook(orderId, outcome, "pay_" + UUID.randomUUID(), 2000, "USD"));
            }
            assertThat(units(client, sku)).as(outcome).isZero();
            assertThat(pending(ClientKeys.client(client))).as(outcome).isZero();
            assertThat(pending(ClientKeys.email(outcome.toLowerCase() + "@example.com")))
                    .as(outcome)
                    .isZero();
        }
        // Expiry by the sweep, and by a re-add to the same cart after the hold ran out.
        String swept = cart();
        String readded = cart();
        add(swept, sku, 2, client);
        add(readded, sku, 1, client);
        f.clock.advance(Duration.ofSeconds(601));
        assertThat(add(readded, sku, 2, client).status()).isEqualTo(201);
        assertThat(units(client, sku))
                .as("the re-add gave its old hold back first; the swept one is still counted")
                .isEqualTo(4);
        sweep();
        assertThat(units(client, sku)).isEqualTo(2);
        assertThat(f.invoke(f.cart, CheckoutFixture.removeItemEvent(readded, sku))
                        .status())
                .isEqualTo(204);
        assertThat(counter(client, sku))
                .containsEntry("units", AttributeValue.fromN("0"))
                .as("no hold or order left on it")
                .allSatisfy(
                        (name, value) -> assertThat(name).doesNotStartWith("H#").doesNotStartWith("O#"));
        f.assertBucketsBalance(sku);
    }

    /** A hold TTL deleted before any sweep gave it back (a sweep outage): the reclaim releases its counter once. */
    @Test
    void aReclaimedTtlDeletedHoldReleasesItsCounterOnce() {
        String sku = sku("ttl");
        f.product(sku, 1000, "USD", 10);
        String client = "198.51.100.99";
        String c = cart();
        add(c, sku, 2, client);
        Map<String, AttributeValue> item = f.client
                .getItem(g -> g.tableName(CheckoutFixture.RESERVATIONS)
                        .key(Map.of(
                                "pk", AttributeValue.fromS("CART#" + c), "sk", AttributeValue.fromS("HOLD#" + sku))))
                .item();
        Hold deleted = HoldRepository.toHold(item);
        f.client.deleteItem(
                d -> d.tableName(CheckoutFixture.RESERVATIONS).key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
        var expiry = f.wiring.holdExpiryService(f.clock);
        assertThat(expiry.reclaimDeleted(deleted)).isTrue();
        assertThat(expiry.reclaimDeleted(deleted)).isFalse();
        assertThat(units(client, sku)).isZero();
    }

    /**
     * TTL deletes in any order: the counter must outlive the hold's own TTL, or a reclaim after it would ADD below zero
     * into a new counter without TTL, and the client would get more than the cap from then on.
     */
    @Test
    void aCounterOutlivesItsHoldsTtlByADay() {
        String sku = sku("ttl-order");
        f.product(sku, 1000, "USD", 10);
        String client = "198.51.100.98";
        String c = cart();
        add(c, sku, 2, client);
        Map<String, AttributeValue> hold = f.client
                .getItem(g -> g.tableName(CheckoutFixture.RESERVATIONS)
                        .consistentRead(true)
                        .key(Map.of(
                                "pk", AttributeValue.fromS("CART#" + c), "sk", AttributeValue.fromS("HOLD#" + sku))))
                .item();
        long holdTtl = Long.parseLong(hold.get("ttl").n());
        long counterTtl = Long.parseLong(counter(client, sku).get("ttl").n());
        assertThat(counterTtl - holdTtl).isGreaterThanOrEqualTo(24 * 60 * 60);
    }

    /** Three sweeps at once give each expired hold back once, and its client's counter moves once: 0, never below. */
    @Test
    void concurrentSweepsReleaseEachCounterExactlyOnce() throws Exception {
        String sku = sku("sweeps");
        f.product(sku, 1000, "USD", 100, 4);
        List<String> clients = List.of("198.51.100.1", "198.51.100.2", "198.51.100.3");
        for (String client : clients) {
            add(cart(), sku, 2, client);
            add(cart(), sku, 2, client);
        }
        f.clock.advance(Duration.ofSeconds(601));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(pool.submit(() -> {
                go.await();
                return f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
            }));
        }
        go.countDown();
        for (Future<?> run : runs) {
            run.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        for (String client : clients) {
            assertThat(units(client, sku)).as(client).isZero();
        }
        assertThat(f.stock(sku).available()).isEqualTo(100);
    }

    /**
     * 18 carts of 6 clients (three carts each) on real threads hold, raise, remove and order one 20-unit sku at once:
     * never oversold, no client above 4 units or 2 unpaid orders, every counter equal to what its holds and unpaid
     * orders hold; then everything lapses and every counter is back at 0.
     */
    @RepeatedTest(20)
    void underConcurrencyNoClientPassesItsCapAndTheCountersMatchWhatIsHeld() throws Exception {
        String sku = sku("race");
        f.product(sku, 1000, "USD", 20, 2);
        String net = "10." + ThreadLocalRandom.current().nextInt(256) + "."
                + ThreadLocalRandom.current().nextInt(256) + ".";
        List<String> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(net + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(18);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> buyers = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            String client = clients.get(i % 6);
            String c = cart();
            int plan = i / 6; // 0: holds and keeps, 1: holds and orders, 2: holds, removes, holds again
            buyers.add(pool.submit(() -> {
                go.await();
                Response first = add(c, sku, 1, client);
                assertThat(first.status()).as(first.rawBody()).isIn(201, 409, 429);
                Response raise = add(c, sku, 1, client);
                assertThat(raise.status()).as(raise.rawBody()).isIn(201, 409, 429);
                if (plan == 1) {
                    assertThat(order(c, c + "@example.com", client).status()).isIn(201, 409, 429);
                } else if (plan == 2) {
                    f.invoke(f.cart, CheckoutFixture.removeItemEvent(c, sku));
                    assertThat(add(c, sku, 2, client).status()).isIn(201, 409, 429);
                }
                return null;
            }));
        }
        go.countDown();
        try {
            for (Future<?> b : buyers) {
                b.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }

        StockLevel stock = f.stock(sku);
        assertThat(stock.held() + stock.sold()).as("never oversold").isLessThanOrEqualTo(20);
        f.assertBucketsBalance(sku);
        Map<String, Integer> heldByClient = heldAndPendingUnits(sku);
        for (String client : clients) {
            int counted = units(client, sku);
            assertThat(counted)
                    .as("counter of " + client)
                    .isEqualTo(heldByClient.getOrDefault(ClientKeys.fingerprint(client), 0));
            assertThat(counted).isLessThanOrEqualTo(4);
            assertThat(pending(ClientKeys.client(client))).isLessThanOrEqualTo(2);
        }
        assertThat(heldByClient.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(stock.held() + stock.sold());

        f.clock.advance(Duration.ofSeconds(901));
        sweep();
        for (String client : clients) {
            assertThat(units(client, sku)).isZero();
            assertThat(pending(ClientKeys.client(client))).isZero();
        }
        assertThat(f.stock(sku).available()).isEqualTo(20);
    }

    // ------------------------------------------------------------------ helpers

    /** The counter keys a client address and an email have (an HMAC, as the service computes them). */
    static final class ClientKeys {
        static String fingerprint(String address) {
            return FINGERPRINT.of(address);
        }

        static String client(String address) {
            return "CLIENT#" + fingerprint(address);
        }

        static String email(String email) {
            return "EMAIL#" + FINGERPRINT.of("email:" + email.toLowerCase());
        }
    }

    private static Response add(String cartId, String sku, int quantity, String address) {
        return f.invoke(
                f.cart,
                CheckoutFixture.addItemEvent(
                        cartId, "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}", address));
    }

    private static Response order(String cartId, String email, String address) {
        return f.invoke(
                f.orders,
                CheckoutFixture.placeOrderEvent(
                        UUID.nameUUIDFromBytes(cartId.getBytes()).toString(), cartId, email, address));
    }

    private static void sweep() {
        f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
    }

    private static Map<String, AttributeValue> counter(String address, String sku) {
        Map<String, AttributeValue> item = f.client
                .getItem(g -> g.tableName(CheckoutFixture.RESERVATIONS)
                        .consistentRead(true)
                        .key(Map.of(
                                "pk",
                                AttributeValue.fromS(ClientKeys.client(address)),
                                "sk",
                                AttributeValue.fromS("SKU#" + sku))))
                .item();
        return item == null ? Map.of() : item;
    }

    private static int units(String address, String sku) {
        AttributeValue units = counter(address, sku).get("units");
        return units == null ? 0 : Integer.parseInt(units.n());
    }

    private static int pending(String counterPk) {
        Map<String, AttributeValue> item = f.client
                .getItem(g -> g.tableName(CheckoutFixture.RESERVATIONS)
                        .consistentRead(true)
                        .key(Map.of("pk", AttributeValue.fromS(counterPk), "sk", AttributeValue.fromS("ORDERS"))))
                .item();
        return item == null || !item.containsKey("pending")
                ? 0
                : Integer.parseInt(item.get("pending").n());
    }

    /**
     * Per client fingerprint: the units of {@code sku} its holds hold plus those of its unpaid orders, read from the
     * table.
     */
    private static Map<String, Integer> heldAndPendingUnits(String sku) {
        Map<String, Integer> units = new HashMap<>();
        for (Map<String, AttributeValue> item : f.snapshot()) {
            if (!item.get("_table").s().equals(CheckoutFixture.RESERVATIONS)) {
                continue;
            }
            String sk = item.get("sk").s();
            if (sk.equals("HOLD#" + sku)) {
                Hold hold = HoldRepository.toHold(item);
                units.merge(hold.client(), hold.quantity(), Integer::sum);
            } else if (sk.equals("ORDER")) {
                Order order = OrderRepository.toOrder(item);
                if (order.status() == OrderStatus.PENDING_PAYMENT
                        && order.unitClients().containsKey(sku)) {
                    units.merge(order.unitClients().get(sku), order.unitsBySku().get(sku), Integer::sum);
                }
            }
        }
        return units;
    }

    private static String sku(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String cart() {
        return UUID.randomUUID().toString();
    }
}
