package com.liveshop.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Plays the payment provider: {@code POST /_local/payments/{orderId}} with {@code {"status":"PAID"|"FAILED"}}
 * signs {@code {orderId, status, paymentId}} with the local webhook secret (HMAC-SHA256, {@code X-Signature:
 * sha256=<hex>}) and sends it through the real {@code POST /payments/webhook} route; the webhook's answer is
 * passed back as is.
 */
public final class LocalPayments {

    public static final String WEBHOOK_PATH = "/payments/webhook";

    private final HttpClient http;
    private final String baseUrl;
    private final String secret;

    public LocalPayments(HttpClient http, String baseUrl, String secret) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.secret = secret;
    }

    public void handle(Context ctx) throws IOException, InterruptedException {
        String orderId = ctx.pathParam("orderId");
        String status;
        try {
            JsonNode body = Json.MAPPER.readTree(ctx.body().isBlank() ? "{}" : ctx.body());
            status = body.path("status").asText("");
        } catch (JsonProcessingException e) {
            status = "";
        }
        if (!status.equals("PAID") && !status.equals("FAILED")) {
            LocalJson.error(ctx, 400, "VALIDATION_FAILED", "Body must be {\"status\": \"PAID\" | \"FAILED\"}");
            return;
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("orderId", orderId);
        payload.put("status", status);
        payload.put("paymentId", "pay_local_" + UUID.randomUUID().toString().replace("-", ""));
        String json = Json.write(payload);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + WEBHOOK_PATH))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .header("x-signature", signature(json, secret))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        ctx.status(response.statusCode());
        response.headers().firstValue("content-type").ifPresent(ctx::contentType);
        ctx.result(response.body());
    }

    /** {@code sha256=<hex HMAC-SHA256(body, secret)>}, the provider's signature header value. */
    public static String signature(String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
