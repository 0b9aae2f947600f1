package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.testkit.DynamoDbLocalExtension;
import com.liveshop.testkit.TestIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OrderHandlerTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static CheckoutFixture f;

    @BeforeAll
    static void start() {
        f = new CheckoutFixture(DYNAMO);
    }

    private static String uuid() {
        return UUID.randomUUID().toString();
    }

    private static String sku(String name) {
        return name + "-" + uuid().substring(0, 8);
    }

    @Test
    void placingAnOrderSellsTheHoldsInOneTransactionAndEmitsOrderPlaced() {
        String a = sku("jacket");
        String b = sku("gloves");
        f.product(a, 15000, "EUR", 10);
        f.product(b, 2000, "EUR", 10);
        String cartId = uuid();
        f.addItem(cartId, a, 2);
        f.addItem(cartId, b, 3);

        Response r = f.placeOrder(uuid(), cartId, "ada@example.com");

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.headers()).containsEntry("cache-control", "no-store");
        JsonNode order = r.body();
        String orderId = order.path("orderId").asText();
        assertThat(UUID.fromString(orderId)).isNotNull();
        assertThat(order.path("status").asText()).isEqualTo("PENDING_PAYMENT");
        assertThat(order.path("totalCents").asLong()).isEqualTo(2 * 15000 + 3 * 2000);
        assertThat(order.path("currency").asText()).isEqualTo("EUR");
        assertThat(order.path("email").asText()).isEqualTo("ada@example.com");
        assertThat(Instant.parse(order.path("createdAt").asText())).isEqualTo(f.clock.instant());
        assertThat(order.path("items")).hasSize(2);
        assertThat(order.path("items").get(0).path("sku").asText()).isIn(a, b);
        assertThat(order.path("items").get(0).path("title").asText()).startsWith("Title of ");
        assertThat(f.stock(a)).isEqualTo(new StockLevel(a, 10, 8, 0, 2));
        assertThat(f.stock(b)).isEqualTo(new StockLevel(b, 10, 7, 0, 3));

        Response cart = f.invoke(f.cart, CheckoutFixture.getCartEvent(cartId));
        assertThat(cart.body().path("items")).isEmpty();

        String token = order.path("orderToken").asText();
        assertThat(token).hasSizeGreaterThanOrEqualTo(22);
        assertThat(Instant.parse(order.path("paymentDueAt").asText()))
                .isEqualTo(f.clock.instant().plusSeconds(900));
        assertThat(order.has("paymentId")).isFalse();
        assertThat(order.has("cartId")).isFalse();
        Response read = f.invoke(f.orders, CheckoutFixture.getOrderEvent(orderId, token));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body())
                .isEqualTo(((com.fasterxml.jackson.databind.node.ObjectNode) order.deepCopy()).without("orderToken"));
        // The token is stored only as its hash.
        assertThat(f.snapshot().toString()).doesNotContain(token);

        var placed = f.events().of("OrderPlaced", orderId);
        assertThat(placed).hasSize(1);
        JsonNode detail = placed.get(0).detail();
        assertThat(detail.path("cartId").asText()).isEqualTo(cartId);
        assertThat(detail.path("totalCents").asLong()).isEqualTo(36000);
        assertThat(detail.path("currency").asText()).isEqualTo("EUR");
        assertThat(detail.path("email").asText()).isEqualTo("ada@example.com");
        assertThat(detail.path("items")).hasSize(2);
    }

    @Test
    void sameKeySameBodyGivesTheSameOrderAndOtherBodyIs422() {
        String sku = sku("hat");
        f.product(sku, 3000, "EUR", 5);
        String cartId = uuid();
        f.addItem(cartId, sku, 2);
        String key = uuid();

        Response first = f.placeOrder(key, cartId, "bo@example.com");
        Response again = f.placeOrder(key, cartId, "bo@example.com");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        // The same order; only the freshly minted order token differs.
        JsonNode againWithoutToken =
                ((com.fasterxml.jackson.databind.node.ObjectNode) again.body().deepCopy()).without("orderToken");
        JsonNode firstWithoutToken =
                ((com.fasterxml.jackson.databind.node.ObjectNode) first.body().deepCopy()).without("orderToken");
        assertThat(againWithoutToken).isEqualTo(firstWithoutToken);
        assertThat(f.stock(sku)).isEqualTo(new StockLevel(sku, 5, 3, 0, 2));

        var before = f.snapshot();
        f.events();
        Response reused = f.placeOrder(key, cartId, "someone-else@example.com");
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.events().of("OrderPlaced", first.body().path("orderId").asText()))
                .hasSize(1);
    }

    @Test
    void tenConcurrentRetriesWithOneKeyPlaceOneOrder() throws Exception {
        String sku = sku("bag");
        f.product(sku, 9900, "EUR", 10);
        String cartId = uuid();
        f.addItem(cartId, sku, 3);
        String key = uuid();
        long ordersBefore = f.countReservations("ORDER#");
        int retries = 10;
        ExecutorService pool = Executors.newFixedThreadPool(retries);
        CountDownLatch ready = new CountDownLatch(retries);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> results = new ArrayList<>();
        for (int i = 0; i < retries; i++) {
            results.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return f.placeOrder(key, cartId, "cy@example.com");
            }));
        }
        ready.await();
        go.countDown();
        Set<String> orderIds = new HashSet<>();
        for (Future<Response> result : results) {
            Response r = result.get(1, TimeUnit.MINUTES);
            assertThat(r.status()).as(r.rawBody()).isEqualTo(201);
            orderIds.add(r.body().path("orderId").asText());
        }
        pool.shutdown();

        assertThat(orderIds).hasSize(1);
        assertThat(f.countReservations("ORDER#") - ordersBefore).isEqualTo(1);
        StockLevel stock = f.stock(sku);
        assertThat(stock).isEqualTo(new StockLevel(sku, 10, 7, 0, 3));
        assertThat(stock.balanced()).isTrue();
        assertThat(f.events().of("OrderPlaced", orderIds.iterator().next())).hasSize(1);
    }

    @Test
    void emptyCartIs409CartEmpty() {
        var before = f.snapshot();
        Response r = f.placeOrder(uuid(), uuid(), "di@example.com");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("CART_EMPTY");
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void expiredHoldsAre409HoldsExpiredAndNothingIsSold() {
        String fresh = sku("fresh");
        String stale = sku("stale");
        f.product(fresh, 1000, "EUR", 5);
        f.product(stale, 1000, "EUR", 5);
        String cartId = uuid();
        f.addItem(cartId, stale, 1);
        f.clock.advance(Duration.ofSeconds(400));
        f.addItem(cartId, fresh, 1);
        f.clock.advance(Duration.ofSeconds(201));
        var before = f.snapshot();

        Response r = f.placeOrder(uuid(), cartId, "ed@example.com");

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("HOLDS_EXPIRED");
        assertThat(r.body().path("error").path("message").asText()).contains(stale);
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.stock(stale)).isEqualTo(new StockLevel(stale, 5, 4, 1, 0));
        assertThat(f.stock(fresh)).isEqualTo(new StockLevel(fresh, 5, 4, 1, 0));
    }

    @Test
    void unknownOrderIs404AndNonUuidIs400() {
        Response missing = f.invoke(f.orders, CheckoutFixture.getOrderEvent(uuid(), "some-token"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("ORDER_NOT_FOUND");
        assertThat(missing.headers())
                .as("not a public read: no-store, unlike a public 404")
                .containsEntry("cache-control", "no-store");

        Response bad = f.invoke(f.orders, CheckoutFixture.getOrderEvent("not-a-uuid", "some-token"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void anOrderOpensOnlyToItsTokenOrAHostAndLooksUnknownToAnyoneElse() {
        String sku = sku("private");
        f.product(sku, 1000, "USD", 5);
        String cartId = uuid();
        f.addItem(cartId, sku, 1);
        JsonNode order = f.placeOrder(uuid(), cartId, "pat@example.com").body();
        String orderId = order.path("orderId").asText();
        Response unknown = f.invoke(f.orders, CheckoutFixture.getOrderEvent(uuid(), null));

        for (var attempt : java.util.List.of(
                CheckoutFixture.getOrderEvent(orderId, null),
                CheckoutFixture.getOrderEvent(orderId, ""),
                CheckoutFixture.getOrderEvent(
                        orderId, "wrong-" + order.path("orderToken").asText()),
                CheckoutFixture.getOrderEventWithJwt(
                        orderId, f.issuer.token(TestIssuer.ISSUER, TestIssuer.AUDIENCE, java.util.List.of())))) {
            Response r = f.invoke(f.orders, attempt);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo(unknown.errorCode()).isEqualTo("ORDER_NOT_FOUND");
            assertThat(r.body().path("error").path("message").asText()).isEqualTo("No order " + orderId);
        }
        Response forged = f.invoke(
                f.orders,
                CheckoutFixture.getOrderEventWithJwt(
                        orderId,
                        f.issuer.token("https://other-issuer", TestIssuer.AUDIENCE, java.util.List.of("hosts"))));
        assertThat(forged.status()).isEqualTo(401);

        Response host = f.invoke(f.orders, CheckoutFixture.getOrderEventWithJwt(orderId, f.issuer.hostToken()));
        assertThat(host.status()).isEqualTo(200);
        assertThat(host.headers()).containsEntry("cache-control", "no-store");
        Response buyer = f.invoke(
                f.orders,
                CheckoutFixture.getOrderEvent(orderId, order.path("orderToken").asText()));
        assertThat(buyer.status()).isEqualTo(200);
        assertThat(buyer.headers()).as("the buyer's view of an order").containsEntry("cache-control", "no-store");
        assertThat(forged.headers()).containsEntry("cache-control", "no-store");
        assertThat(host.body().path("cartId").asText()).isEqualTo(cartId);
        assertThat(host.body().path("email").asText()).isEqualTo("pat@example.com");
    }

    @Test
    void aReplayedPlacementMintsANewTokenThatOpensTheSameOrder() {
        String sku = sku("replay");
        f.product(sku, 1000, "USD", 5);
        String cartId = uuid();
        f.addItem(cartId, sku, 1);
        String key = uuid();
        JsonNode first = f.placeOrder(key, cartId, "rae@example.com").body();
        JsonNode again = f.placeOrder(key, cartId, "rae@example.com").body();
        assertThat(again.path("orderId")).isEqualTo(first.path("orderId"));
        assertThat(again.path("orderToken").asText())
                .isNotEmpty()
                .isNotEqualTo(first.path("orderToken").asText());
        for (JsonNode answer : java.util.List.of(first, again)) {
            assertThat(f.invoke(
                                    f.orders,
                                    CheckoutFixture.getOrderEvent(
                                            first.path("orderId").asText(),
                                            answer.path("orderToken").asText()))
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aCartIdMustBeARandomVersion4Uuid() {
        for (String cartId : java.util.List.of(
                "00000000-0000-0000-0000-000000000000",
                "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                "6ba7b810-9dad-41d1-c0b4-00c04fd430c8")) {
            Response order = f.placeOrder(uuid(), cartId, "x@example.com");
            assertThat(order.status()).isEqualTo(400);
            assertThat(order.errorCode()).isEqualTo("VALIDATION_FAILED");
            assertThat(f.addItem(cartId, "any-sku", 1).status()).isEqualTo(400);
        }
    }

    @Test
    void handlerBuiltFromAppConfigNeedsTheHostTokenIssuer() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new OrderHandler(new com.liveshop.shared.config.AppConfig(
                                java.util.Map.of("CATALOG_TABLE", "c", "RESERVATIONS_TABLE", "r"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HOST_JWT_ISSUER");
    }
}
