package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local payment provider against a tiny fake of the two routes it calls (GET /orders/{id}, POST /payments/webhook)
 * on a loopback port: what it reads, what it signs and what it sends, over real HTTP on both sides.
 */
class LocalPaymentsTest {

    private static final String SECRET = "whsec_local_test";
    private static final String ORDER_ID = "0b9f6a52-3c1e-4d7a-9a57-2f1f8f6b9c10";
    private static final Instant NOW = Instant.parse("2026-11-29T18:00:00Z");
    private static final Pattern HEADER = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})");

    /** One request the fake API received. */
    record Received(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer fakeApi;
    private Javalin provider;

    @BeforeEach
    void start() throws IOException {
        fakeApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        fakeApi.createContext("/orders/", exchange -> {
            record(exchange);
            if (exchange.getRequestURI().getPath().endsWith(ORDER_ID)) {
                answer(
                        exchange,
                        200,
                        "{\"orderId\":\"" + ORDER_ID + "\",\"status\":\"PENDING_PAYMENT\",\"totalCents\":25800,"
                                + "\"currency\":\"USD\",\"email\":\"buyer@example.com\"}");
            } else {
                answer(exchange, 404, "{\"error\":{\"code\":\"ORDER_NOT_FOUND\",\"message\":\"No order\"}}");
            }
        });
        fakeApi.createContext(LocalPayments.WEBHOOK_PATH, exchange -> {
            record(exchange);
            answer(exchange, 200, "{\"orderId\":\"" + ORDER_ID + "\",\"status\":\"CONFIRMED\"}");
        });
        fakeApi.start();
        String apiUrl = "http://127.0.0.1:" + fakeApi.getAddress().getPort();
        LocalPayments payments = new LocalPayments(
                HttpClient.newHttpClient(), apiUrl, SECRET, () -> "host-token-123", Clock.fixed(NOW, ZoneOffset.UTC));
        provider = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    config.routes.post("/_local/payments/{orderId}", payments::handle);
                })
                .start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        provider.stop();
        fakeApi.stop(0);
    }

    private void record(HttpExchange exchange) throws IOException {
        received.add(new Received(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                Map.copyOf(exchange.getRequestHeaders()),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private HttpResponse<String> pay(String orderId, String body) throws Exception {
        return LocalHttp.send("http://127.0.0.1:" + provider.port(), "POST", "/_local/payments/" + orderId, body);
    }

    private Received webhookCall() {
        return received.stream()
                .filter(r -> r.path().equals(LocalPayments.WEBHOOK_PATH))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theSignatureHeaderMatchesAVectorComputedWithOpenssl() {
        // printf '%s' '1767225600.<body>' | openssl dgst -sha256 -hmac 'local-webhook-secret-not-for-production'
        String body =
                "{\"orderId\":\"0b9f6a52-3c1e-4d7a-9a57-2f1f8f6b9c10\",\"status\":\"PAID\",\"paymentId\":\"pay_test\","
                        + "\"amountCents\":12900,\"currency\":\"USD\"}";
        assertThat(LocalPayments.signatureHeader(LiveshopDevLayer.LOCAL_WEBHOOK_SECRET, 1767225600L, body))
                .isEqualTo("t=1767225600,v1=bbcc0831c895e961cb813531aedef4a2a9bb89116f45e5d8b9cd5148a0fb9fb9");
        // printf '%s' '1700000000.{}' | openssl dgst -sha256 -hmac 'whsec_test'
        assertThat(LocalPayments.signatureHeader("whsec_test", 1700000000L, "{}"))
                .isEqualTo("t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91");
    }

    @Test
    void readsTheOrderAsAHostThenSendsItsAmountSignedWithTheTimestamp() throws Exception {
        HttpResponse<String> response = pay(ORDER_ID, "{\"status\":\"PAID\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"orderId\":\"" + ORDER_ID + "\",\"status\":\"CONFIRMED\"}");
        assertThat(received)
                .extracting(Received::method, Received::path)
                .containsExactly(tuple("GET", "/orders/" + ORDER_ID), tuple("POST", LocalPayments.WEBHOOK_PATH));
        assertThat(received.get(0).header("Authorization")).isEqualTo("Bearer host-token-123");

        Received webhook = webhookCall();
        assertThat(webhook.header("Content-Type")).startsWith("application/json");
        JsonNode body = Json.MAPPER.readTree(webhook.body());
        assertThat(body.properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("orderId", "status", "paymentId", "amountCents", "currency");
        assertThat(body.get("orderId").asText()).isEqualTo(ORDER_ID);
        assertThat(body.get("status").asText()).isEqualTo("PAID");
        assertThat(body.get("amountCents").isIntegralNumber()).isTrue();
        assertThat(body.get("amountCents").asLong()).isEqualTo(25800);
        assertThat(body.get("currency").asText()).isEqualTo("USD");
        assertThat(body.get("paymentId").asText()).matches("pay_local_[0-9a-f]{32}");

        // t is the clock's now in seconds; v1 signs "<t>.<the raw body as sent>".
        Matcher signature = HEADER.matcher(webhook.header(LocalPayments.SIGNATURE_HEADER));
        assertThat(signature.matches())
                .as(webhook.header(LocalPayments.SIGNATURE_HEADER))
                .isTrue();
        assertThat(Long.parseLong(signature.group(1))).isEqualTo(NOW.getEpochSecond());
        assertThat(webhook.header(LocalPayments.SIGNATURE_HEADER))
                .isEqualTo(LocalPayments.signatureHeader(SECRET, NOW.getEpochSecond(), webhook.body()));
        assertThat(hmacHex(SECRET, NOW.getEpochSecond() + "." + webhook.body())).isEqualTo(signature.group(2));
    }

    @Test
    void overridesReplaceTheOrdersAmountCurrencyAndThePaymentId() throws Exception {
        HttpResponse<String> response =
                pay(ORDER_ID, "{\"status\":\"FAILED\",\"amountCents\":1,\"currency\":\"EUR\",\"paymentId\":\"pay_x\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(webhookCall().body());
        assertThat(body.get("status").asText()).isEqualTo("FAILED");
        assertThat(body.get("amountCents").asLong()).isEqualTo(1);
        assertThat(body.get("currency").asText()).isEqualTo("EUR");
        assertThat(body.get("paymentId").asText()).isEqualTo("pay_x");
    }

    @Test
    void anUnknownOrdersAnswerIsPassedBackAndNoWebhookIsSent() throws Exception {
        HttpResponse<String> response = pay("7d1c3f0e-0000-4000-8000-000000000000", "{\"status\":\"PAID\"}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":{\"code\":\"ORDER_NOT_FOUND\",\"message\":\"No order\"}}");
        assertThat(received).extracting(Received::path).containsExactly("/orders/7d1c3f0e-0000-4000-8000-000000000000");
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsCalled() throws Exception {
        for (String bad : List.of(
                "",
                "not json",
                "{\"status\":\"MAYBE\"}",
                "{}",
                "{\"status\":\"PAID\",\"amountCents\":\"12\"}",
                "{\"status\":\"PAID\",\"amountCents\":12.5}",
                "{\"status\":\"PAID\",\"currency\":7}",
                "{\"status\":\"PAID\",\"paymentId\":true}")) {
            HttpResponse<String> response = pay(ORDER_ID, bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            JsonNode error = LocalHttp.json(response).get("error");
            assertThat(error.get("code").asText()).isEqualTo("VALIDATION_FAILED");
            assertThat(error.get("message").asText()).contains("PAID").contains("amountCents");
        }
        assertThat(received).isEmpty();
    }

    /** HMAC-SHA256 as hex, computed here independently of LocalPayments. */
    private static String hmacHex(String key, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
