package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.checkout.service.PaymentService;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PaymentWebhookHandlerTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static CheckoutFixture f;

    @BeforeAll
    static void start() {
        f = new CheckoutFixture(DYNAMO);
    }

    /** A pending order for 2 of 6 units (50.00 EUR each) of a new sku. */
    private record Placed(String orderId, String sku, String token) {}

    private static Placed pendingOrder() {
        String sku = "pay-" + UUID.randomUUID().toString().substring(0, 8);
        f.product(sku, 5000, "EUR", 6);
        String cartId = UUID.randomUUID().toString();
        assertThat(f.addItem(cartId, sku, 2).status()).isEqualTo(201);
        // A buyer of its own each (its cart's address, its email): the per-client caps allow 2 unpaid orders.
        Response placed =
                f.placeOrder(UUID.randomUUID().toString(), cartId, "fay+" + cartId.substring(0, 8) + "@example.com");
        assertThat(placed.status()).isEqualTo(201);
        return new Placed(
                placed.body().path("orderId").asText(),
                sku,
                placed.body().path("orderToken").asText());
    }

    private static Response notify(Placed p, String status, String paymentId) {
        return f.invoke(f.webhook, f.signedWebhook(p.orderId(), status, paymentId, 10_000, "EUR"));
    }

    private static String status(Placed p) {
        return f.invoke(f.orders, CheckoutFixture.getOrderEvent(p.orderId(), p.token()))
                .body()
                .path("status")
                .asText();
    }

    @Test
    void paidConfirmsOnceAndReplaysChangeNothing() {
        Placed p = pendingOrder();
        Response paid = notify(p, "PAID", "pay_1");
        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.body().path("status").asText()).isEqualTo("CONFIRMED");
        assertThat(paid.headers()).containsEntry("cache-control", "no-store");
        assertThat(paid.body().has("paymentId"))
                .as("the webhook answers the buyer's view")
                .isFalse();
        assertThat(f.stock(p.sku())).isEqualTo(new StockLevel(p.sku(), 6, 4, 0, 2));
        var before = f.snapshot();

        Response replay = notify(p, "PAID", "pay_1");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(paid.body());
        Response lateFailure = notify(p, "FAILED", "pay_1");
        assertThat(lateFailure.status()).isEqualTo(200);
        assertThat(lateFailure.body().path("status").asText()).isEqualTo("CONFIRMED");
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.events().of("OrderConfirmed", p.orderId()))
                .singleElement()
                .satisfies(e -> assertThat(e.detail().path("eventKey").asText()).isEqualTo(p.orderId() + "#CONFIRMED"));
    }

    @Test
    void aPaidForAnotherAmountOrCurrencyIs409AndChangesNothing() {
        Placed p = pendingOrder();
        var before = f.snapshot();
        for (var wrong : List.of(Map.entry(1L, "JPY"), Map.entry(9_999L, "EUR"), Map.entry(10_000L, "USD"))) {
            Response r = f.invoke(
                    f.webhook, f.signedWebhook(p.orderId(), "PAID", "pay_amt", wrong.getKey(), wrong.getValue()));
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.errorCode()).isEqualTo("AMOUNT_MISMATCH");
        }
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(status(p)).isEqualTo("PENDING_PAYMENT");
    }

    @Test
    void onePaymentIdConfirmsOneOrderOnly() {
        Placed first = pendingOrder();
        Placed second = pendingOrder();
        assertThat(notify(first, "PAID", "pay_shared").status()).isEqualTo(200);
        var before = f.snapshot();
        Response reused = notify(second, "PAID", "pay_shared");
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.errorCode()).isEqualTo("PAYMENT_ID_REUSED");
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(status(second)).isEqualTo("PENDING_PAYMENT");
    }

    @Test
    void failedCancelsAndGivesTheUnitsBackThenALaterPaymentTakesThemAgain() {
        Placed p = pendingOrder();
        Response failed = notify(p, "FAILED", "pay_card_1");
        assertThat(failed.body().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(failed.body().path("cancelReason").asText()).isEqualTo("PAYMENT_FAILED");
        assertThat(f.stock(p.sku())).isEqualTo(new StockLevel(p.sku(), 6, 6, 0, 0));
        assertThat(notify(p, "FAILED", "pay_card_1").body()).isEqualTo(failed.body());

        // Another card succeeds while the units are still there: the order stands after all.
        Response paid = notify(p, "PAID", "pay_card_2");
        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.body().path("status").asText()).isEqualTo("CONFIRMED");
        assertThat(f.stock(p.sku())).isEqualTo(new StockLevel(p.sku(), 6, 4, 0, 2));
        var events = f.events();
        assertThat(events.of("OrderCancelled", p.orderId()))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.detail().path("cancelReason").asText()).isEqualTo("PAYMENT_FAILED"));
        assertThat(events.of("OrderConfirmed", p.orderId())).hasSize(1);
        assertThat(events.of("RefundRequired", p.orderId())).isEmpty();
    }

    @Test
    void aPaymentAfterAFailureWhoseUnitsAreGoneIsRefunded() {
        Placed p = pendingOrder();
        notify(p, "FAILED", "pay_f1");
        // Someone else buys all 6 units meanwhile.
        for (int i = 0; i < 3; i++) {
            String cart = UUID.randomUUID().toString();
            assertThat(f.addItem(cart, p.sku(), 2).status()).isEqualTo(201);
        }
        Response paid = notify(p, "PAID", "pay_f2");
        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.body().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(f.stock(p.sku())).isEqualTo(new StockLevel(p.sku(), 6, 0, 6, 0));
        assertThat(notify(p, "PAID", "pay_f2").body()).isEqualTo(paid.body());
        assertThat(f.events().of("RefundRequired", p.orderId())).singleElement().satisfies(e -> {
            assertThat(e.detail().path("paymentId").asText()).isEqualTo("pay_f2");
            assertThat(e.detail().path("amountCents").asLong()).isEqualTo(10_000);
            assertThat(e.detail().path("currency").asText()).isEqualTo("EUR");
            assertThat(e.detail().path("eventKey").asText()).isEqualTo(p.orderId() + "#REFUND_REQUIRED#pay_f2");
        });
    }

    @Test
    void theSignatureCoversTimeAndBodyAndExpiresAfterFiveMinutes() {
        Placed p = pendingOrder();
        String body = CheckoutFixture.noticeBody(p.orderId(), "PAID", "pay_sig", 10_000, "EUR");
        long now = f.clock.instant().getEpochSecond();
        var before = f.snapshot();
        String good = PaymentService.signatureFor(CheckoutFixture.WEBHOOK_SECRET, now, body);
        for (String signature : new String[] {
            null,
            "",
            "t=" + now,
            "v1=" + good.substring(good.indexOf("v1=") + 3),
            PaymentService.signatureFor("wrong-secret", now, body),
            PaymentService.signatureFor(CheckoutFixture.WEBHOOK_SECRET, now, body + " "),
            PaymentService.signatureFor(CheckoutFixture.WEBHOOK_SECRET, now + 1, body)
                    .replace("t=" + (now + 1), "t=" + now),
            "t=" + now + ",v1=not-hex",
            "t=soon," + good.substring(good.indexOf("v1=")),
            "t=" + now + ",v1=" + "0".repeat(64)
        }) {
            Response r = f.invoke(f.webhook, CheckoutFixture.webhookEvent(body, signature));
            assertThat(r.status()).as("signature %s", signature).isEqualTo(401);
            assertThat(r.errorCode()).isEqualTo("INVALID_SIGNATURE");
        }
        for (long skew : new long[] {-301, 301}) {
            Response r = f.invoke(
                    f.webhook,
                    CheckoutFixture.webhookEvent(
                            body, PaymentService.signatureFor(CheckoutFixture.WEBHOOK_SECRET, now + skew, body)));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.errorCode()).isEqualTo("SIGNATURE_EXPIRED");
        }
        // Checked before parsing: garbage with a bad signature is 401, not 400.
        assertThat(f.invoke(f.webhook, CheckoutFixture.webhookEvent("{not json", "t=1,v1=00"))
                        .status())
                .isEqualTo(401);
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(status(p)).isEqualTo("PENDING_PAYMENT");

        // Within the tolerance (a provider's clock 4 minutes off) it is accepted.
        Response ok = f.invoke(
                f.webhook,
                CheckoutFixture.webhookEvent(
                        body, PaymentService.signatureFor(CheckoutFixture.WEBHOOK_SECRET, now - 240, body)));
        assertThat(ok.status()).isEqualTo(200);
    }

    @Test
    void aPaidRacingThePaymentDeadlineSweepHasExactlyOneWinner() throws Exception {
        List<Placed> orders = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            orders.add(pendingOrder());
        }
        f.clock.advance(Duration.ofSeconds(901));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Response>> paid = new ArrayList<>();
            for (Placed p : orders) {
                paid.add(pool.submit(() -> {
                    go.await();
                    return notify(p, "PAID", "pay_race_" + p.orderId());
                }));
            }
            Future<Map<String, Object>> sweepRun = pool.submit(() -> {
                go.await();
                return f.sweep.handleRequest(
                        CheckoutFixture.scheduledSample(), new dev.samlocal.lambda.TestContext("HoldExpiryFunction"));
            });
            go.countDown();
            sweepRun.get();
            for (int i = 0; i < orders.size(); i++) {
                Placed p = orders.get(i);
                JsonNode answer = paid.get(i).get().body();
                StockLevel stock = f.stock(p.sku());
                assertThat(stock.balanced()).isTrue();
                if (answer.path("status").asText().equals("CONFIRMED")) {
                    assertThat(stock).isEqualTo(new StockLevel(p.sku(), 6, 4, 0, 2));
                    assertThat(f.events().of("RefundRequired", p.orderId())).isEmpty();
                } else {
                    // The sweep won: still CANCELLED for the timeout, units back, the payment to refund.
                    assertThat(answer.path("status").asText()).isEqualTo("CANCELLED");
                    assertThat(answer.path("cancelReason").asText()).isEqualTo("PAYMENT_TIMEOUT");
                    assertThat(stock).isEqualTo(new StockLevel(p.sku(), 6, 6, 0, 0));
                    assertThat(f.events().of("RefundRequired", p.orderId())).hasSize(1);
                }
                assertThat(status(p)).isEqualTo(answer.path("status").asText());
            }
        } finally {
            pool.shutdownNow();
            f.clock.advance(Duration.ofSeconds(-901));
        }
    }

    @Test
    void theSampleEventIsSignedWithTheLocalTestSecret() {
        APIGatewayV2HTTPEvent sample = CheckoutFixture.sample("payment-webhook.json");
        // Its fixed timestamp is long past: the signature matches, and then it is too old.
        Response r = f.invoke(f.webhook, sample);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("SIGNATURE_EXPIRED");
        // Re-signed now, it passes the signature; the sample's order does not exist in this table.
        Response now = f.invoke(
                f.webhook,
                CheckoutFixture.webhookEvent(
                        sample.getBody(),
                        PaymentService.signatureFor(
                                CheckoutFixture.WEBHOOK_SECRET,
                                f.clock.instant().getEpochSecond(),
                                sample.getBody())));
        assertThat(now.status()).isEqualTo(404);
        assertThat(now.errorCode()).isEqualTo("ORDER_NOT_FOUND");
    }

    @Test
    void theSecretsArnIsRequiredAtStartAndTheValueIsNeverConfiguration() {
        assertThatThrownBy(() -> new PaymentWebhookHandler(new AppConfig(f.dynamo.functionSettings())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PAYMENT_WEBHOOK_SECRET_ARN");
        assertThat(f.wiring.config().toString())
                .doesNotContain(CheckoutFixture.WEBHOOK_SECRET)
                .contains(CheckoutFixture.WEBHOOK_SECRET_ARN);
        // Built without reading the secret: the first webhook reads it (an outage at start-up is a 503, not a crash).
        assertThat(new PaymentWebhookHandler(f.app).routeKeys()).containsExactly("POST /payments/webhook");
    }

    @Test
    void afterARotationTheNewKeyVerifiesAndThePreviousOneForOneTtlOnly() {
        Duration ttl = CheckoutFixture.WEBHOOK_SECRET_TTL;
        Placed viaNew = pendingOrder();
        Placed viaPrevious = pendingOrder();
        Placed viaNeither = pendingOrder();
        Placed late = pendingOrder();
        f.clock.advance(ttl.plusSeconds(1));
        f.webhookSecret.rotate("rotated-webhook-secret");
        try {
            f.clock.advance(Duration.ofSeconds(1));
            assertThat(signed(viaNew, "rotated-webhook-secret").status()).isEqualTo(200);
            assertThat(status(viaNew)).isEqualTo("CONFIRMED");
            // Signed a moment before the provider switched, or retried since: AWSPREVIOUS still verifies.
            assertThat(signed(viaPrevious, CheckoutFixture.WEBHOOK_SECRET).status())
                    .isEqualTo(200);
            assertThat(status(viaPrevious)).isEqualTo("CONFIRMED");
            Response neither = signed(viaNeither, "some-other-secret");
            assertThat(neither.status()).isEqualTo(401);
            assertThat(neither.errorCode()).isEqualTo("INVALID_SIGNATURE");
            assertThat(status(viaNeither)).isEqualTo("PENDING_PAYMENT");
            // One TTL after the rotation the previous key is refused (every environment has the new one by then).
            f.clock.advance(ttl);
            assertThat(signed(late, CheckoutFixture.WEBHOOK_SECRET).errorCode()).isEqualTo("INVALID_SIGNATURE");
            assertThat(status(late)).isEqualTo("PENDING_PAYMENT");
            assertThat(signed(late, "rotated-webhook-secret").status()).isEqualTo(200);
        } finally {
            f.webhookSecret.rotate(CheckoutFixture.WEBHOOK_SECRET);
            f.clock.advance(ttl.plusSeconds(1));
        }
    }

    @Test
    void anUnreadableSecretIs503SecretUnavailableAndChangesNothing() {
        Placed p = pendingOrder();
        StockLevel before = f.stock(p.sku());
        var tables = f.snapshot();
        // Past the TTL: the cached key is gone and the read fails.
        f.clock.advance(CheckoutFixture.WEBHOOK_SECRET_TTL.plusSeconds(1));
        f.webhookSecret.failing(true);
        Response refused;
        try {
            refused = notify(p, "PAID", "pay_" + UUID.randomUUID());
        } finally {
            f.webhookSecret.failing(false);
        }
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.errorCode()).isEqualTo("SECRET_UNAVAILABLE");
        assertThat(refused.rawBody()).doesNotContain(CheckoutFixture.WEBHOOK_SECRET);
        assertThat(f.snapshot()).isEqualTo(tables);
        assertThat(f.stock(p.sku())).isEqualTo(before);
        assertThat(status(p)).isEqualTo("PENDING_PAYMENT");
        // The provider's retry, once the secret can be read again, goes through.
        assertThat(notify(p, "PAID", "pay_" + UUID.randomUUID()).status()).isEqualTo(200);
        assertThat(status(p)).isEqualTo("CONFIRMED");
    }

    @Test
    void the503CarriesRetryAfterAndTheErrorShape() {
        f.clock.advance(CheckoutFixture.WEBHOOK_SECRET_TTL.plusSeconds(1));
        f.webhookSecret.failing(true);
        try {
            String body = CheckoutFixture.noticeBody(UUID.randomUUID().toString(), "PAID", "pay_x", 100, "EUR");
            var response = f.webhook.handleRequest(
                    CheckoutFixture.webhookEvent(
                            body,
                            PaymentService.signatureFor(
                                    CheckoutFixture.WEBHOOK_SECRET,
                                    f.clock.instant().getEpochSecond(),
                                    body)),
                    new dev.samlocal.lambda.TestContext("t"));
            assertThat(response.getStatusCode()).isEqualTo(503);
            assertThat(response.getHeaders())
                    .containsEntry("Retry-After", "30")
                    .containsEntry("content-type", "application/json");
            assertThat(response.getBody()).startsWith("{\"error\":{").contains("\"code\":\"SECRET_UNAVAILABLE\"");
        } finally {
            f.webhookSecret.failing(false);
        }
    }

    private static Response signed(Placed p, String secret) {
        String body = CheckoutFixture.noticeBody(p.orderId(), "PAID", "pay_" + UUID.randomUUID(), 10_000, "EUR");
        return f.invoke(
                f.webhook,
                CheckoutFixture.webhookEvent(
                        body,
                        PaymentService.signatureFor(secret, f.clock.instant().getEpochSecond(), body)));
    }
}
