package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CartHandlerTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static CheckoutFixture f;

    @BeforeAll
    static void start() {
        f = new CheckoutFixture(DYNAMO);
    }

    private static String cart() {
        return UUID.randomUUID().toString();
    }

    private static String sku(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void addItemHoldsStockInOneMoveAndAnswers201() {
        String sku = sku("sweater");
        f.product(sku, 8900, "EUR", 10);
        String cartId = cart();

        Response r = f.addItem(cartId, sku, 2);

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body().path("cartId").asText()).isEqualTo(cartId);
        assertThat(r.body().path("sku").asText()).isEqualTo(sku);
        assertThat(r.body().path("quantity").asInt()).isEqualTo(2);
        assertThat(r.body().path("priceCents").asLong()).isEqualTo(8900);
        assertThat(r.body().path("currency").asText()).isEqualTo("EUR");
        assertThat(Instant.parse(r.body().path("expiresAt").asText()))
                .isEqualTo(f.clock.instant().plusSeconds(600));
        assertThat(r.body().path("expiresAt").asText()).endsWith("Z");
        assertThat(f.stock(sku)).isEqualTo(new StockLevel(sku, 10, 8, 2, 0));
    }

    @Test
    void sameSkuAgainRaisesQuantityWithinTheLimitButNeverExtendsTheHold() {
        String sku = sku("scarf");
        f.product(sku, 2500, "EUR", 20);
        String cartId = cart();
        Response placed = f.addItem(cartId, sku, 2);
        assertThat(placed.status()).isEqualTo(201);
        Instant firstExpiry = Instant.parse(placed.body().path("expiresAt").asText());
        assertThat(firstExpiry).isEqualTo(f.clock.instant().plusSeconds(600));
        f.clock.advance(Duration.ofSeconds(120));

        Response raised = f.addItem(cartId, sku, 3);

        assertThat(raised.status()).isEqualTo(201);
        assertThat(raised.body().path("quantity").asInt()).isEqualTo(5);
        // Raising renews nothing: the hold still ends HOLD_SECONDS after it was first placed.
        assertThat(Instant.parse(raised.body().path("expiresAt").asText())).isEqualTo(firstExpiry);
        assertThat(f.stock(sku)).isEqualTo(new StockLevel(sku, 20, 15, 5, 0));

        var before = f.snapshot();
        Response over = f.addItem(cartId, sku, 1);
        assertThat(over.status()).isEqualTo(409);
        assertThat(over.errorCode()).isEqualTo("QUANTITY_LIMIT");
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void notEnoughStockIsSoldOut() {
        String sku = sku("lamp");
        f.product(sku, 4000, "EUR", 3);
        assertThat(f.addItem(cart(), sku, 2).status()).isEqualTo(201);
        var before = f.snapshot();

        Response r = f.addItem(cart(), sku, 2);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("SOLD_OUT");
        assertThat(r.body().path("error").path("message").asText()).isNotBlank();
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.stock(sku)).isEqualTo(new StockLevel(sku, 3, 1, 2, 0));
    }

    @Test
    void unknownSkuIs404AndWritesNothing() {
        var before = f.snapshot();
        Response r = f.addItem(cart(), "no-such-sku", 1);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("PRODUCT_NOT_FOUND");
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void oneCurrencyPerCart() {
        String eur = sku("eur");
        String usd = sku("usd");
        f.product(eur, 1000, "EUR", 5);
        f.product(usd, 1000, "USD", 5);
        String cartId = cart();
        assertThat(f.addItem(cartId, eur, 1).status()).isEqualTo(201);
        var before = f.snapshot();

        Response r = f.addItem(cartId, usd, 1);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("CURRENCY_MISMATCH");
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.stock(usd)).isEqualTo(new StockLevel(usd, 5, 5, 0, 0));

        // Once the cart is empty again it may hold another currency.
        assertThat(f.invoke(f.cart, CheckoutFixture.removeItemEvent(cartId, eur))
                        .status())
                .isEqualTo(204);
        assertThat(f.addItem(cartId, usd, 1).status()).isEqualTo(201);
    }

    @Test
    void aCartHoldsAtMostTwentySkus() {
        String cartId = cart();
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            String sku = sku("item" + i);
            f.product(sku, 100, "EUR", 2);
            skus.add(sku);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(f.addItem(cartId, skus.get(i), 1).status()).isEqualTo(201);
        }
        var before = f.snapshot();

        Response r = f.addItem(cartId, skus.get(20), 1);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("CART_FULL");
        assertThat(f.snapshot()).isEqualTo(before);
        // Raising a sku already held is still fine.
        assertThat(f.addItem(cartId, skus.get(0), 1).status()).isEqualTo(201);
    }

    @Test
    void removeItemGivesStockBackAtOnce() {
        String sku = sku("boots");
        f.product(sku, 12000, "EUR", 4);
        String cartId = cart();
        f.addItem(cartId, sku, 3);

        Response removed = f.invoke(f.cart, CheckoutFixture.removeItemEvent(cartId, sku));

        assertThat(removed.status()).isEqualTo(204);
        assertThat(f.stock(sku)).isEqualTo(new StockLevel(sku, 4, 4, 0, 0));
        Response again = f.invoke(f.cart, CheckoutFixture.removeItemEvent(cartId, sku));
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorCode()).isEqualTo("ITEM_NOT_IN_CART");
        assertThat(f.stock(sku)).isEqualTo(new StockLevel(sku, 4, 4, 0, 0));
    }

    @Test
    void getCartListsLinesAndTotal() {
        String a = sku("a");
        String b = sku("b");
        f.product(a, 1500, "EUR", 5);
        f.product(b, 990, "EUR", 5);
        String cartId = cart();
        f.addItem(cartId, a, 2);
        f.addItem(cartId, b, 1);

        Response r = f.invoke(f.cart, CheckoutFixture.getCartEvent(cartId));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("cartId").asText()).isEqualTo(cartId);
        assertThat(r.body().path("totalCents").asLong()).isEqualTo(2 * 1500 + 990);
        assertThat(r.body().path("currency").asText()).isEqualTo("EUR");
        JsonNode items = r.body().path("items");
        assertThat(items).hasSize(2);
        Map<String, JsonNode> bySku = new HashMap<>();
        items.forEach(i -> bySku.put(i.path("sku").asText(), i));
        assertThat(bySku.get(a).path("quantity").asInt()).isEqualTo(2);
        assertThat(bySku.get(a).path("priceCents").asLong()).isEqualTo(1500);
        assertThat(bySku.get(a).path("lineTotalCents").asLong()).isEqualTo(3000);
        assertThat(bySku.get(a).path("title").asText()).isEqualTo("Title of " + a);
        assertThat(bySku.get(a).path("expiresAt").asText()).endsWith("Z");
    }

    @Test
    void cartAnswersAreNeverStoredByACacheErrorsIncluded() {
        String sku = sku("cap");
        f.product(sku, 1500, "EUR", 1);
        String cartId = cart();
        assertThat(f.addItem(cartId, sku, 1).headers()).containsEntry("cache-control", "no-store");
        assertThat(f.addItem(cart(), sku, 1).headers()).as("SOLD_OUT").containsEntry("cache-control", "no-store");
        assertThat(f.invoke(f.cart, CheckoutFixture.getCartEvent(cartId)).headers())
                .containsEntry("cache-control", "no-store");
        assertThat(f.invoke(f.cart, CheckoutFixture.getCartEvent("not-a-uuid")).headers())
                .containsEntry("cache-control", "no-store");
        Response removed = f.invoke(f.cart, CheckoutFixture.removeItemEvent(cartId, sku));
        assertThat(removed.status()).isEqualTo(204);
        assertThat(removed.headers()).containsEntry("cache-control", "no-store");
    }

    @Test
    void emptyCartIs200WithNoItems() {
        Response r = f.invoke(f.cart, CheckoutFixture.getCartEvent(cart()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("items").isArray()).isTrue();
        assertThat(r.body().path("items")).isEmpty();
        assertThat(r.body().path("totalCents").asLong()).isZero();
    }

    @Test
    void reAddingAnExpiredHoldReturnsItsStockFirstThenHoldsAfresh() {
        String sku = sku("coat");
        f.product(sku, 30000, "EUR", 5);
        String cartId = cart();
        f.addItem(cartId, sku, 4);
        f.clock.advance(Duration.ofSeconds(601));

        Response cartView = f.invoke(f.cart, CheckoutFixture.getCartEvent(cartId));
        assertThat(cartView.body().path("items")).isEmpty();
        assertThat(cartView.body().path("totalCents").asLong()).isZero();
        assertThat(cartView.body().path("expiredItems")).hasSize(1);

        Response r = f.addItem(cartId, sku, 2);

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body().path("quantity").asInt()).isEqualTo(2);
        assertThat(Instant.parse(r.body().path("expiresAt").asText()))
                .isEqualTo(f.clock.instant().plusSeconds(600));
        assertThat(f.stock(sku)).isEqualTo(new StockLevel(sku, 5, 3, 2, 0));
    }

    @ParameterizedTest(name = "{0} stock bucket(s)")
    @ValueSource(ints = {1, 8})
    void twoHundredBuyersRaceForFiftyUnits(int shards) throws Exception {
        String sku = sku("flash");
        f.product(sku, 4900, "EUR", 50, shards);
        int buyers = 200;
        ExecutorService pool = Executors.newFixedThreadPool(buyers);
        CountDownLatch ready = new CountDownLatch(buyers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> results = new ArrayList<>();
        for (int i = 0; i < buyers; i++) {
            String cartId = cart();
            results.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return f.addItem(cartId, sku, 1);
            }));
        }
        ready.await();
        go.countDown();
        Map<String, Integer> outcomes = new HashMap<>();
        for (Future<Response> result : results) {
            Response r = result.get(2, TimeUnit.MINUTES);
            String key = r.status() + (r.errorCode() == null ? "" : " " + r.errorCode());
            outcomes.merge(key, 1, Integer::sum);
        }
        pool.shutdown();

        assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of("201", 50, "409 SOLD_OUT", 150));
        StockLevel stock = f.stock(sku);
        assertThat(stock).isEqualTo(new StockLevel(sku, 50, 0, 50, 0, shards));
        assertThat(stock.balanced()).isTrue();
        assertThat(f.snapshot().stream()
                        .filter(m -> m.get("sk").s().equals("HOLD#" + sku))
                        .count())
                .isEqualTo(50);
        // Every bucket balances on its own, and none went below zero.
        f.assertBucketsBalance(sku);
    }

    @Test
    void handlerBuiltFromAppConfigServesRoutes() {
        CartHandler fromConfig = new CartHandler(f.app);
        Response r = f.invoke(fromConfig, CheckoutFixture.getCartEvent(cart()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(fromConfig.routeKeys())
                .containsExactlyInAnyOrder(
                        "POST /carts/{cartId}/items", "DELETE /carts/{cartId}/items/{sku}", "GET /carts/{cartId}");
    }

    @Test
    void missingTableConfigFailsAtStartNamingTheVariable() {
        var config = new com.liveshop.shared.config.AppConfig(Map.of("CATALOG_TABLE", "CatalogTable"));
        assertThatThrownBy(() -> new CartHandler(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RESERVATIONS_TABLE");
    }
}
