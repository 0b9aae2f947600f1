package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.shared.catalog.StockLevel;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OrderHandlerTest {

    static CheckoutFixture f;

    @BeforeAll
    static void start() {
        f = new CheckoutFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
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

        Response read = f.invoke(f.orders, CheckoutFixture.getOrderEvent(orderId));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(order);

        var placed = f.events.of("OrderPlaced", orderId);
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
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(f.stock(sku)).isEqualTo(new StockLevel(sku, 5, 3, 0, 2));

        var before = f.snapshot();
        Response reused = f.placeOrder(key, cartId, "someone-else@example.com");
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.events.of("OrderPlaced", first.body().path("orderId").asText())).hasSize(1);
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
        assertThat(f.events.of("OrderPlaced", orderIds.iterator().next())).hasSize(1);
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
        Response missing = f.invoke(f.orders, CheckoutFixture.getOrderEvent(uuid()));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("ORDER_NOT_FOUND");

        Response bad = f.invoke(f.orders, CheckoutFixture.getOrderEvent("not-a-uuid"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void handlerBuiltFromAppConfigNeedsTheBusName() {
        OrderHandler fromConfig = new OrderHandler(f.app);
        assertThat(fromConfig.routeKeys()).containsExactlyInAnyOrder("POST /orders", "GET /orders/{orderId}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OrderHandler(
                        new com.liveshop.shared.config.AppConfig(java.util.Map.of("CATALOG_TABLE", "c", "RESERVATIONS_TABLE", "r"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EVENT_BUS_NAME");
    }
}
