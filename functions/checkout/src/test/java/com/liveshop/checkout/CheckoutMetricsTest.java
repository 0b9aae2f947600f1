package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpResponses;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.metrics.EmfShowMetrics;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.testkit.DynamoDbLocalExtension;
import com.liveshop.testkit.JsonLogCapture;
import dev.samlocal.lambda.TestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The business metrics of checkout (ShowMetrics) as the real handlers record them on DynamoDB Local: read through the
 * wiring's recording ShowMetrics, and once as the EMF line Powertools writes; and the request id on log lines.
 */
class CheckoutMetricsTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static CheckoutFixture f;

    @BeforeAll
    static void start() {
        f = new CheckoutFixture(DYNAMO);
    }

    @BeforeEach
    void clear() {
        f.metrics.clear();
    }

    private static String sku(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String cart() {
        return UUID.randomUUID().toString();
    }

    @Test
    void aHoldPlacedCountsOneHoldPlacedWithNoIdsInItsDimensions() {
        String sku = sku("held");
        f.product(sku, 1000, "USD", 5);
        String cartId = cart();

        assertThat(f.addItem(cartId, sku, 2).status()).isEqualTo(201);
        f.invoke(f.cart, CheckoutFixture.getCartEvent(cartId));

        assertThat(f.metrics.named(ShowMetrics.HOLDS_PLACED))
                .singleElement()
                .satisfies(p -> assertThat(p.value()).isEqualTo(1.0));
        assertThat(f.metrics.points())
                .allSatisfy(p -> assertThat(p.dimensions().values().toString())
                        .doesNotContain(sku)
                        .doesNotContain(cartId));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void aSoldOutAttemptCountsSoldOutOnceAndNoHold(int shards) {
        String sku = sku("last");
        f.product(sku, 1000, "USD", 1, shards);
        assertThat(f.addItem(cart(), sku, 1).status()).isEqualTo(201);
        f.metrics.clear();

        Response refused = f.addItem(cart(), sku, 1);

        assertThat(refused.errorCode()).isEqualTo("SOLD_OUT");
        assertThat(f.metrics.sum(ShowMetrics.SOLD_OUT)).isEqualTo(1.0);
        assertThat(f.metrics.named(ShowMetrics.HOLDS_PLACED)).isEmpty();
    }

    @Test
    void anOrderCancelledByItsPaymentDeadlineCountsCancelledWithItsReasonOnce() {
        String sku = sku("deadline");
        f.product(sku, 2500, "USD", 10);
        String cartId = cart();
        f.addItem(cartId, sku, 3);
        assertThat(f.placeOrder(UUID.randomUUID().toString(), cartId, "dee@example.com")
                        .status())
                .isEqualTo(201);
        assertThat(f.metrics.sum(ShowMetrics.ORDERS_PLACED)).isEqualTo(1.0);

        f.clock.advance(Duration.ofSeconds(901));
        try {
            f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
            f.sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction"));
        } finally {
            f.clock.advance(Duration.ofSeconds(-901));
        }

        assertThat(f.metrics.named(ShowMetrics.ORDERS_CANCELLED))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.value()).isEqualTo(1.0);
                    assertThat(p.dimensions()).isEqualTo(Map.of(ShowMetrics.REASON, "PAYMENT_TIMEOUT"));
                });
    }

    @Test
    void aPaidOrderCountsPaidAndItsRevenueOnceAndAFailedPaymentCountsACancellation() {
        String sku = sku("paid");
        f.product(sku, 2500, "EUR", 10);
        String paidCart = cart();
        f.addItem(paidCart, sku, 2);
        String paid = f.placeOrder(UUID.randomUUID().toString(), paidCart, "pia@example.com")
                .body()
                .path("orderId")
                .asText();
        String failedCart = cart();
        f.addItem(failedCart, sku, 1);
        String failed = f.placeOrder(UUID.randomUUID().toString(), failedCart, "fay@example.com")
                .body()
                .path("orderId")
                .asText();

        assertThat(f.invoke(f.webhook, f.signedWebhook(paid, "PAID", "pay_1", 5000, "EUR"))
                        .status())
                .isEqualTo(200);
        assertThat(f.invoke(f.webhook, f.signedWebhook(paid, "PAID", "pay_1", 5000, "EUR"))
                        .status())
                .isEqualTo(200);
        assertThat(f.invoke(f.webhook, f.signedWebhook(failed, "FAILED", "pay_2", 2500, "EUR"))
                        .status())
                .isEqualTo(200);

        assertThat(f.metrics.sum(ShowMetrics.ORDERS_PLACED)).isEqualTo(2.0);
        assertThat(f.metrics.sum(ShowMetrics.ORDERS_PAID)).isEqualTo(1.0);
        assertThat(f.metrics.sum(ShowMetrics.REVENUE_CENTS, Map.of(ShowMetrics.CURRENCY, "EUR")))
                .isEqualTo(5000.0);
        assertThat(f.metrics.sum(ShowMetrics.ORDERS_CANCELLED, Map.of(ShowMetrics.REASON, "PAYMENT_FAILED")))
                .isEqualTo(1.0);
    }

    @Test
    void theSweepWritesItsCancellationAsOneEmfLineInNamespaceLiveShop() throws IOException {
        String sku = sku("emf");
        f.product(sku, 1200, "USD", 4);
        String cartId = cart();
        f.addItem(cartId, sku, 1);
        f.placeOrder(UUID.randomUUID().toString(), cartId, "emma@example.com");
        // The same sweep, wired with the Powertools writer the functions get from their environment.
        HoldExpiryHandler sweep = new HoldExpiryHandler(
                new CheckoutWiring(f.app, new EmfShowMetrics("LiveShop", "liveshop")).holdExpiryService(f.clock));

        f.clock.advance(Duration.ofSeconds(901));
        List<JsonNode> emf;
        try {
            emf = emfLines(() ->
                    sweep.handleRequest(CheckoutFixture.scheduledSample(), new TestContext("HoldExpiryFunction")));
        } finally {
            f.clock.advance(Duration.ofSeconds(-901));
        }

        assertThat(emf).singleElement().satisfies(line -> {
            JsonNode directive = line.path("_aws").path("CloudWatchMetrics").path(0);
            assertThat(directive.path("Namespace").asText()).isEqualTo("LiveShop");
            assertThat(directive.path("Metrics").path(0).path("Name").asText()).isEqualTo("OrdersCancelled");
            assertThat(directive.path("Metrics").path(0).path("Unit").asText()).isEqualTo("Count");
            assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Service\"],[\"Service\",\"Reason\"]]");
            assertThat(line.path("Service").asText()).isEqualTo("liveshop");
            assertThat(line.path("Reason").asText()).isEqualTo("PAYMENT_TIMEOUT");
            assertThat(line.path("OrdersCancelled").asDouble()).isEqualTo(1.0);
            assertThat(line.path("_aws").path("Timestamp").asLong()).isPositive();
        });
    }

    @Test
    void aLineLoggedDuringAnInvocationCarriesItsRequestId() {
        TestContext sweepContext = new TestContext("HoldExpiryFunction");
        TestContext httpContext = new TestContext("CartFunction");
        ApiHandler logging = new ApiHandler() {
            @Override
            protected Map<String, Route> routes() {
                return Map.of("GET /ping", request -> {
                    LoggerFactory.getLogger(CheckoutMetricsTest.class).info("Answering the ping");
                    return HttpResponses.json(200, Map.of());
                });
            }
        };
        var ping = new com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent();
        ping.setRouteKey("GET /ping");

        try (JsonLogCapture logs = new JsonLogCapture()) {
            f.sweep.handleRequest(CheckoutFixture.scheduledSample(), sweepContext);
            logging.handleRequest(ping, httpContext);
            LoggerFactory.getLogger(CheckoutMetricsTest.class).info("Between invocations");

            assertThat(logs.containing("Sweep returned")).singleElement().satisfies(line -> {
                assertThat(line.path("function_request_id").asText()).isEqualTo(sweepContext.getAwsRequestId());
                assertThat(line.path("function_name").asText()).isEqualTo("HoldExpiryFunction");
            });
            assertThat(logs.containing("Answering the ping"))
                    .singleElement()
                    .satisfies(
                            line -> assertThat(line.path("function_request_id").asText())
                                    .isEqualTo(httpContext.getAwsRequestId()));
            // The logging context ends with the invocation.
            assertThat(logs.containing("Between invocations"))
                    .singleElement()
                    .satisfies(
                            line -> assertThat(line.path("function_request_id").asText(""))
                                    .as(line.toString())
                                    .isEmpty());
        }
    }

    /** The EMF lines (JSON with an {@code _aws} key) written to stdout while {@code body} runs. */
    private static List<JsonNode> emfLines(Runnable body) throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"")) {
                lines.add(Json.MAPPER.readTree(line));
            }
        }
        return lines;
    }
}
