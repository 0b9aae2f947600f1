package com.liveshop.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import dev.samlocal.protocol.LocalJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Plays the payment provider: {@code POST /_local/payments/{orderId}} with {@code {"status":"PAID"|"FAILED"}} reads the
 * order through the real {@code GET /orders/{orderId}} route (as a host, so it sees the amount), then sends
 * {@code {orderId, status, paymentId, amountCents, currency}} through the real {@code POST /payments/webhook} route,
 * signed as {@code X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}. The webhook's answer is
 * passed back as is; so is the order route's when it is not 200 (404 ORDER_NOT_FOUND).
 *
 * <p>The body may also carry {@code amountCents}, {@code currency} and {@code paymentId}: they replace what the order
 * says (and the random payment id), so a test can prove that the webhook refuses a wrong amount or currency.
 */
public final class LocalPayments {

    public static final String WEBHOOK_PATH = "/payments/webhook";
    public static final String SIGNATURE_HEADER = "X-Signature";

    /** The body of {@code POST /_local/payments/{orderId}}; null fields are taken from the order. */
    record PaymentRequest(String status, Long amountCents, String currency, String paymentId) {}

    /** The body the webhook gets, in the order the provider sends its fields. */
    record PaymentNotice(String orderId, String status, String paymentId, long amountCents, String currency) {}

    private static final String USAGE =
            "Body must be {\"status\": \"PAID\" | \"FAILED\"}, optionally with \"amountCents\" (integer), "
                    + "\"currency\" (string) and \"paymentId\" (string) to send instead of the order's";

    private final HttpClient http;
    private final String apiUrl;
    private final Supplier<String> secret;
    private final Supplier<String> hostToken;
    private final Clock clock;

    /**
     * @param apiUrl base URL of the HTTP API that serves {@code GET /orders/{orderId}} and the webhook
     * @param secret the webhook signing secret the payment function reads
     * @param hostToken a hosts-group JWT for the order read (a host gets the full order view, with its amount)
     * @param clock the signature's timestamp ({@code t})
     */
    public LocalPayments(HttpClient http, String apiUrl, String secret, Supplier<String> hostToken, Clock clock) {
        this(http, apiUrl, () -> secret, hostToken, clock);
    }

    /**
     * @param secret the webhook signing secret's current value, asked at each payment: after a rotation (PutSecretValue
     *     on the local Secrets Manager) the provider signs with the new one, as a real provider does once its dashboard
     *     has the new key
     */
    public LocalPayments(
            HttpClient http, String apiUrl, Supplier<String> secret, Supplier<String> hostToken, Clock clock) {
        this.http = http;
        this.apiUrl = apiUrl;
        this.secret = secret;
        this.hostToken = hostToken;
        this.clock = clock;
    }

    public void handle(Context ctx) throws IOException, InterruptedException {
        String orderId = ctx.pathParam("orderId");
        PaymentRequest request = parse(ctx.body());
        if (request == null) {
            LocalJson.error(ctx, 400, "VALIDATION_FAILED", USAGE);
            return;
        }
        HttpResponse<String> order = http.send(
                HttpRequest.newBuilder(URI.create(apiUrl + "/orders/" + pathSegment(orderId)))
                        .timeout(Duration.ofSeconds(30))
                        .header("authorization", "Bearer " + hostToken.get())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (order.statusCode() != 200) {
            passBack(ctx, order);
            return;
        }
        JsonNode view = Json.MAPPER.readTree(order.body());
        Long amountCents = request.amountCents() != null
                ? request.amountCents()
                : view.path("totalCents").isIntegralNumber()
                        ? view.get("totalCents").asLong()
                        : null;
        String currency = request.currency() != null
                ? request.currency()
                : view.path("currency").textValue();
        if (amountCents == null || currency == null) {
            LocalJson.error(
                    ctx,
                    502,
                    "ORDER_VIEW_INCOMPLETE",
                    "GET /orders/" + orderId + " answered without totalCents or currency");
            return;
        }
        String paymentId = request.paymentId() != null
                ? request.paymentId()
                : "pay_local_" + UUID.randomUUID().toString().replace("-", "");
        // The exact bytes signed are the bytes sent: the webhook verifies the raw body, not a re-serialization.
        String body = Json.write(new PaymentNotice(orderId, request.status(), paymentId, amountCents, currency));
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(apiUrl + WEBHOOK_PATH))
                        .timeout(Duration.ofSeconds(30))
                        .header("content-type", "application/json")
                        .header(
                                SIGNATURE_HEADER,
                                signatureHeader(secret.get(), clock.instant().getEpochSecond(), body))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        passBack(ctx, answer);
    }

    /** The request, or null when it is not one (not JSON, wrong types, status other than PAID/FAILED). */
    private static PaymentRequest parse(String body) {
        try {
            PaymentRequest request = Json.MAPPER.readValue(body.isBlank() ? "{}" : body, PaymentRequest.class);
            return request != null && ("PAID".equals(request.status()) || "FAILED".equals(request.status()))
                    ? request
                    : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static void passBack(Context ctx, HttpResponse<String> response) {
        ctx.status(response.statusCode());
        response.headers().firstValue("content-type").ifPresent(ctx::contentType);
        ctx.result(response.body());
    }

    private static String pathSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The provider's signature header value for {@code body} sent at {@code unixSeconds}:
     * {@code t=<unixSeconds>,v1=<lowercase hex HMAC-SHA256(key = secret as UTF-8, message = "<t>.<body>")>}. Signing
     * the timestamp with the body lets the webhook refuse a replayed request once it is old.
     */
    public static String signatureHeader(String secret, long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
