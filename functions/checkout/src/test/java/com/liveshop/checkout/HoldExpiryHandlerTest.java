package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.testkit.DynamoDbLocalExtension;
import dev.samlocal.lambda.TestContext;
import java.time.Duration;
import java.util.ArrayList;
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
import org.junit.jupiter.params.provider.CsvSource;

class HoldExpiryHandlerTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static CheckoutFixture f;

    @BeforeAll
    static void start() {
        f = new CheckoutFixture(DYNAMO);
    }

    @ParameterizedTest(name = "{0} sweeps at once, {1} stock bucket(s)")
    @CsvSource({"2, 1", "3, 1", "2, 8", "3, 8"})
    void concurrentSweepsReturnTheStockOfEveryExpiredHoldExactlyOnceWithinTheRun(int sweeps, int shards)
            throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<String> skus = List.of("sweep-a-" + tag, "sweep-b-" + tag, "sweep-c-" + tag);
        for (String sku : skus) {
            f.product(sku, 1000, "EUR", 100, shards);
        }
        List<String> expiringCarts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String cartId = UUID.randomUUID().toString();
            expiringCarts.add(cartId);
            for (String sku : skus) {
                assertThat(f.addItem(cartId, sku, 1 + i % 2).status()).isEqualTo(201);
            }
        }
        f.clock.advance(Duration.ofSeconds(300));
        // Held later: still live when the sweep runs.
        String liveCart = UUID.randomUUID().toString();
        assertThat(f.addItem(liveCart, skus.get(0), 3).status()).isEqualTo(201);
        f.clock.advance(Duration.ofSeconds(301));

        ExecutorService pool = Executors.newFixedThreadPool(sweeps);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Map<String, Object>>> runs = new ArrayList<>();
        for (int i = 0; i < sweeps; i++) {
            runs.add(pool.submit(() -> {
                go.await();
                return f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
            }));
        }
        go.countDown();
        int total = 0;
        for (Future<Map<String, Object>> run : runs) {
            total += (Integer) run.get(1, TimeUnit.MINUTES).get("expired");
        }
        pool.shutdown();

        assertThat(total).isEqualTo(40 * skus.size());
        for (String sku : skus) {
            StockLevel stock = f.stock(sku);
            long live = sku.equals(skus.get(0)) ? 3 : 0;
            assertThat(stock).isEqualTo(new StockLevel(sku, 100, 100 - live, live, 0, shards));
            assertThat(stock.balanced()).isTrue();
        }
        for (String cartId : expiringCarts.subList(0, 5)) {
            Response cart = f.invoke(f.cart, CheckoutFixture.getCartEvent(cartId));
            assertThat(cart.body().path("items")).isEmpty();
            assertThat(cart.body().has("expiredItems")).isFalse();
        }
        assertThat(f.invoke(f.cart, CheckoutFixture.getCartEvent(liveCart))
                        .body()
                        .path("items"))
                .hasSize(1);

        // A third run finds nothing left to do.
        assertThat(f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction")))
                .containsEntry("expired", 0);
        // The emptied carts take a new currency and new items again (META counts went back to zero).
        f.product("sweep-usd-" + tag, 500, "USD", 5);
        assertThat(f.addItem(expiringCarts.get(0), "sweep-usd-" + tag, 1).status())
                .isEqualTo(201);
        f.clock.advance(Duration.ofSeconds(700));
        f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
    }

    @Test
    void handlerBuiltFromAppConfigSweeps() {
        HoldExpiryHandler fromConfig = new HoldExpiryHandler(f.app);
        assertThat(fromConfig.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction")))
                .containsKey("expired");
    }
}
