package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.Options;
import dev.samlocal.secretsmanager.LocalSecretsManager;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end, as docs/deploy.md's rotation: the webhook function reads its secret from the local Secrets Manager at run
 * time with a short TTL ({@code --parameter PaymentWebhookSecretTtlSeconds=3}); after {@code put-secret-value} a
 * webhook signed with the new secret is accepted, one signed with the old one still is for one TTL, then not; one
 * signed with neither is 401. No restart, no redeploy.
 *
 * <p>The signature is checked before the order is read, so a webhook for an unknown order answers 404 ORDER_NOT_FOUND
 * when its signature was accepted and 401 when it was not.
 */
class PaymentWebhookRotationTest {

    private static final int TTL_SECONDS = 3;
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral()
                .withSchedules(false)
                .withParameter("PaymentWebhookSecretTtlSeconds", String.valueOf(TTL_SECONDS)));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void aRotationTakesEffectWithinTheTtlAndThePreviousSecretVerifiesForOneTtl() throws Exception {
        assertThat(stack.parameters()).containsEntry("PaymentWebhookSecretTtlSeconds", "3");
        // Paid with the first secret: the function has read (and cached) it.
        assertThat(paidThroughTheLocalProvider()).isEqualTo("CONFIRMED");
        long read = System.currentTimeMillis();

        Thread.sleep(2000);
        LocalSecretsManagerTest.aws(
                "put-secret-value",
                "--secret-id",
                stack.paymentWebhookSecretArn(),
                "--secret-string",
                "rotated-local-secret",
                "--endpoint-url",
                stack.url() + LocalSecretsManager.PATH);
        long rotated = System.currentTimeMillis();
        // Past the cached read's TTL, still within one TTL of the rotation.
        sleepUntil(read + TTL_SECONDS * 1000L + 300);

        // The local provider signs with the current value now, and the function verifies it.
        assertThat(paidThroughTheLocalProvider()).isEqualTo("CONFIRMED");
        assertThat(webhookSignedWith("rotated-local-secret")).isEqualTo(404);
        assertThat(webhookSignedWith(LiveshopDevLayer.LOCAL_WEBHOOK_SECRET))
                .as("the previous secret, within one TTL")
                .isEqualTo(404);
        assertThat(System.currentTimeMillis())
                .as("the checks above ran within one TTL of the rotation")
                .isLessThan(rotated + TTL_SECONDS * 1000L);
        assertThat(webhookSignedWith("neither-secret")).isEqualTo(401);

        sleepUntil(rotated + TTL_SECONDS * 1000L + 300);
        assertThat(webhookSignedWith(LiveshopDevLayer.LOCAL_WEBHOOK_SECRET))
                .as("the previous secret, after one TTL")
                .isEqualTo(401);
        assertThat(webhookSignedWith("rotated-local-secret")).isEqualTo(404);
    }

    /** Places an order for two seeded scarves and pays it through POST /_local/payments; returns its status. */
    private static String paidThroughTheLocalProvider() throws Exception {
        String cart = UUID.randomUUID().toString();
        HttpResponse<String> hold = LocalHttp.send(
                stack.url(), "POST", "/carts/" + cart + "/items", "{\"sku\":\"cds-silk-scarf\",\"quantity\":2}");
        assertThat(hold.statusCode()).as(hold.body()).isEqualTo(201);
        HttpResponse<String> placed = LocalHttp.send(
                stack.url(),
                "POST",
                "/orders",
                "{\"cartId\":\"" + cart + "\",\"email\":\"buyer@example.com\"}",
                "idempotency-key",
                "key-" + cart);
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        String orderId = LocalHttp.json(placed).get("orderId").asText();
        HttpResponse<String> paid =
                LocalHttp.send(stack.url(), "POST", "/_local/payments/" + orderId, "{\"status\":\"PAID\"}");
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        JsonNode view = LocalHttp.json(paid);
        return view.get("status").asText();
    }

    /**
     * The webhook's status for a notice about an unknown order signed with {@code secret}: 404 accepted, 401 refused.
     */
    private static int webhookSignedWith(String secret) throws Exception {
        String body = "{\"orderId\":\"" + UUID.randomUUID()
                + "\",\"status\":\"PAID\",\"paymentId\":\"pay_rot\",\"amountCents\":100,\"currency\":\"USD\"}";
        HttpResponse<String> response = LocalHttp.send(
                stack.url(),
                "POST",
                LocalPayments.WEBHOOK_PATH,
                body,
                LocalPayments.SIGNATURE_HEADER,
                LocalPayments.signatureHeader(secret, Instant.now().getEpochSecond(), body));
        assertThat(response.body()).doesNotContain(secret);
        return response.statusCode();
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long wait = epochMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
