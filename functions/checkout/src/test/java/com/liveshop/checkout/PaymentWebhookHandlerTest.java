package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.checkout.service.PaymentService;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.config.AppConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PaymentWebhookHandlerTest {

    static CheckoutFixture f;

    @BeforeAll
    static void start() {
        f = new CheckoutFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private record Placed(String orderId, String sku) {}

    /** A pending order for 2 of 6 units of a new sku. */
    private static Placed pendingOrder() {
        String sku = "pay-" + UUID.randomUUID().toString().substring(0, 8);
        f.product(sku, 5000, "EUR", 6);
        String cartId = UUID.randomUUID().toString();
        assertThat(f.addItem(cartId, sku, 2).status()).isEqualTo(201);
        Response placed = f.placeOrder(UUID.randomUUID().toString(), cartId, "fay@example.com");
        assertThat(placed.status()).isEqualTo(201);
        return new Placed(placed.body().path("orderId").asText(), sku);
    }

    @Test
    void paidConfirmsOnceAndReplaysChangeNothing() {
        Placed p = pendingOrder();

        Response paid = f.invoke(f.webhook, CheckoutFixture.signedWebhook(p.orderId(), "PAID", "pay_1"));

        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.body().path("status").asText()).isEqualTo("CONFIRMED");
        assertThat(paid.body().path("paymentId").asText()).isEqualTo("pay_1");
        assertThat(f.events.of("OrderConfirmed", p.orderId())).hasSize(1);
        var before = f.snapshot();

        Response replay = f.invoke(f.webhook, CheckoutFixture.signedWebhook(p.orderId(), "PAID", "pay_1"));

        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body().path("status").asText()).isEqualTo("CONFIRMED");
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.events.of("OrderConfirmed", p.orderId())).hasSize(1);
        assertThat(f.stock(p.sku())).isEqualTo(new StockLevel(p.sku(), 6, 4, 0, 2));

        Response failedAfterPaid = f.invoke(f.webhook, CheckoutFixture.signedWebhook(p.orderId(), "FAILED", "pay_1"));
        assertThat(failedAfterPaid.status()).isEqualTo(409);
        assertThat(failedAfterPaid.errorCode()).isEqualTo("ORDER_NOT_PENDING");
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void failedCancelsAndGivesUnitsBackExactlyOnce() {
        Placed p = pendingOrder();

        Response failed = f.invoke(f.webhook, CheckoutFixture.signedWebhook(p.orderId(), "FAILED", "pay_2"));

        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.body().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(f.stock(p.sku())).isEqualTo(new StockLevel(p.sku(), 6, 6, 0, 0));
        var cancelled = f.events.of("OrderCancelled", p.orderId());
        assertThat(cancelled).hasSize(1);
        assertThat(cancelled.get(0).detail().path("items")).hasSize(1);

        Response replay = f.invoke(f.webhook, CheckoutFixture.signedWebhook(p.orderId(), "FAILED", "pay_2"));
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(f.stock(p.sku())).isEqualTo(new StockLevel(p.sku(), 6, 6, 0, 0));
        assertThat(f.events.of("OrderCancelled", p.orderId())).hasSize(1);

        var before = f.snapshot();
        Response paidAfterFailed = f.invoke(f.webhook, CheckoutFixture.signedWebhook(p.orderId(), "PAID", "pay_3"));
        assertThat(paidAfterFailed.status()).isEqualTo(409);
        assertThat(paidAfterFailed.errorCode()).isEqualTo("ORDER_NOT_PENDING");
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.events.of("OrderConfirmed", p.orderId())).isEmpty();

        Response read = f.invoke(f.orders, CheckoutFixture.getOrderEvent(p.orderId()));
        assertThat(read.body().path("status").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void badOrMissingSignatureIs401AndChangesNothing() {
        Placed p = pendingOrder();
        String body = "{\"orderId\":\"" + p.orderId() + "\",\"status\":\"PAID\",\"paymentId\":\"pay_x\"}";
        var before = f.snapshot();
        int eventsBefore = f.events.all().size();

        for (String signature : new String[] {
                null,
                "",
                PaymentService.signatureFor("wrong-secret", body),
                PaymentService.signatureFor(CheckoutFixture.WEBHOOK_SECRET, body + " "),
                PaymentService.signatureFor(CheckoutFixture.WEBHOOK_SECRET, body).replace("sha256=", "sha1="),
                "sha256=not-hex",
                "sha256=" + "0".repeat(64)}) {
            Response r = f.invoke(f.webhook, CheckoutFixture.webhookEvent(body, signature));
            assertThat(r.status()).as("signature %s", signature).isEqualTo(401);
            assertThat(r.errorCode()).isEqualTo("INVALID_SIGNATURE");
        }
        // Checked before parsing: garbage with a bad signature is 401, not 400.
        Response garbage = f.invoke(f.webhook, CheckoutFixture.webhookEvent("{not json", "sha256=00"));
        assertThat(garbage.status()).isEqualTo(401);

        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.events.all()).hasSize(eventsBefore);
        assertThat(f.invoke(f.orders, CheckoutFixture.getOrderEvent(p.orderId())).body().path("status").asText())
                .isEqualTo("PENDING_PAYMENT");
    }

    @Test
    void theSampleEventIsSignedWithTheLocalTestSecret() {
        APIGatewayV2HTTPEvent sample = CheckoutFixture.sample("payment-webhook.json");
        Response r = f.invoke(f.webhook, sample);
        // The signature passes; the sample's order does not exist in this table.
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("ORDER_NOT_FOUND");
    }

    @Test
    void unknownOrderIs404() {
        Response r = f.invoke(f.webhook, CheckoutFixture.signedWebhook(UUID.randomUUID().toString(), "PAID", "pay_9"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("ORDER_NOT_FOUND");
    }

    @Test
    void theSecretIsRequiredAtStartAndNeverPrinted() {
        Map<String, String> settings = new HashMap<>(f.local.clientSettings());
        settings.put("CATALOG_TABLE", CheckoutFixture.CATALOG);
        settings.put("RESERVATIONS_TABLE", CheckoutFixture.RESERVATIONS);
        settings.put("EVENT_BUS_NAME", "bus");
        assertThatThrownBy(() -> new PaymentWebhookHandler(new AppConfig(settings)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PAYMENT_WEBHOOK_SECRET");
        assertThat(f.wiring.config().toString()).doesNotContain(CheckoutFixture.WEBHOOK_SECRET);
        assertThat(new PaymentWebhookHandler(f.app).routeKeys()).containsExactly("POST /payments/webhook");
    }
}
