package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.checkout.service.PaymentService;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue section 8 on the checkout routes: every bad input is a 4xx with the one JSON error shape, and nothing in either
 * table changes (a snapshot of both tables before and after).
 */
class BadInputTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static CheckoutFixture f;
    static final String SKU = "bad-input-sku";
    static final String CART = "5b0c3a8e-2f4d-4e6a-9b1c-7d8e9f0a1b2c";
    static String orderId;

    @BeforeAll
    static void start() {
        f = new CheckoutFixture(DYNAMO);
        f.product(SKU, 2500, "EUR", 10);
        // A cart with a hold and a pending order, so "unchanged" covers them too.
        assertThat(f.addItem(CART, SKU, 2).status()).isEqualTo(201);
        String other = UUID.randomUUID().toString();
        f.addItem(other, SKU, 1);
        orderId = f.placeOrder(UUID.randomUUID().toString(), other, "gil@example.com")
                .body()
                .path("orderId")
                .asText();
    }

    private static final String BIG =
            "{\"sku\":\"" + SKU + "\",\"quantity\":1,\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";

    static Stream<Arguments> badAddItemBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"sku\":", 400),
                Arguments.of("not an object", "[1,2]", 400),
                Arguments.of("JSON null", "null", 400),
                Arguments.of("trailing garbage", "{\"sku\":\"" + SKU + "\",\"quantity\":1} x", 400),
                Arguments.of("empty body", "", 400),
                Arguments.of("quantity as string", "{\"sku\":\"" + SKU + "\",\"quantity\":\"2\"}", 400),
                Arguments.of("quantity as float", "{\"sku\":\"" + SKU + "\",\"quantity\":2.5}", 400),
                Arguments.of("quantity as bool", "{\"sku\":\"" + SKU + "\",\"quantity\":true}", 400),
                Arguments.of("quantity missing", "{\"sku\":\"" + SKU + "\"}", 400),
                Arguments.of("quantity null", "{\"sku\":\"" + SKU + "\",\"quantity\":null}", 400),
                Arguments.of("quantity zero", "{\"sku\":\"" + SKU + "\",\"quantity\":0}", 400),
                Arguments.of("quantity negative", "{\"sku\":\"" + SKU + "\",\"quantity\":-1}", 400),
                Arguments.of("quantity above the per-sku limit", "{\"sku\":\"" + SKU + "\",\"quantity\":6}", 400),
                Arguments.of("quantity huge", "{\"sku\":\"" + SKU + "\",\"quantity\":99999999999}", 400),
                Arguments.of(
                        "quantity beyond long",
                        "{\"sku\":\"" + SKU + "\",\"quantity\":123456789012345678901234567890}",
                        400),
                Arguments.of("sku missing", "{\"quantity\":1}", 400),
                Arguments.of("sku as number", "{\"sku\":42,\"quantity\":1}", 400),
                Arguments.of("sku as object", "{\"sku\":{\"a\":1},\"quantity\":1}", 400),
                Arguments.of("sku empty", "{\"sku\":\"\",\"quantity\":1}", 400),
                Arguments.of("sku with bad characters", "{\"sku\":\"../etc/passwd\",\"quantity\":1}", 400),
                Arguments.of("unknown sku", "{\"sku\":\"no-such-product\",\"quantity\":1}", 404),
                Arguments.of("body over 64 KB", BIG, 413));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAddItemBodies")
    void badAddItemBodiesWriteNothing(String name, String body, int status) {
        assertRejected(f.cart, CheckoutFixture.addItemEvent(CART, body), status);
    }

    static Stream<Arguments> badCartIds() {
        return Stream.of(
                Arguments.of("not-a-uuid"),
                Arguments.of("5b0c3a8e2f4d4e6a9b1c7d8e9f0a1b2c"),
                Arguments.of("' OR 1=1 --"),
                Arguments.of("5b0c3a8e-2f4d-4e6a-9b1c-7d8e9f0a1b2"));
    }

    @ParameterizedTest(name = "cartId {0}")
    @MethodSource("badCartIds")
    void nonUuidCartIsRejectedOnEveryCartRoute(String cartId) {
        assertRejected(f.cart, CheckoutFixture.addItemEvent(cartId, SKU, 1), 400);
        assertRejected(f.cart, CheckoutFixture.removeItemEvent(cartId, SKU), 400);
        assertRejected(f.cart, CheckoutFixture.getCartEvent(cartId), 400);
        assertRejected(
                f.orders,
                CheckoutFixture.placeOrderEvent(
                        UUID.randomUUID().toString(),
                        "{\"cartId\":\"" + cartId.replace("'", "") + "\",\"email\":\"a@example.com\"}"),
                400);
    }

    @Test
    void removeItemWithBadSkuOrNoHold() {
        assertRejected(f.cart, CheckoutFixture.removeItemEvent(CART, "bad sku!"), 400);
        assertRejected(f.cart, CheckoutFixture.removeItemEvent(CART, "not-held"), 404);
    }

    @Test
    void base64BodyThatIsNotBase64() {
        APIGatewayV2HTTPEvent event = CheckoutFixture.addItemEvent(CART, "%%%not base64%%%");
        event.setIsBase64Encoded(true);
        assertRejected(f.cart, event, 400);
    }

    @Test
    void base64BodyIsDecodedAndValidated() {
        APIGatewayV2HTTPEvent event = CheckoutFixture.addItemEvent(
                CART,
                Base64.getEncoder()
                        .encodeToString(
                                ("{\"sku\":\"" + SKU + "\",\"quantity\":\"1\"}").getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);
        assertRejected(f.cart, event, 400);
    }

    static Stream<Arguments> badOrders() {
        String good = "{\"cartId\":\"" + CART + "\",\"email\":\"hal@example.com\"}";
        String key = UUID.randomUUID().toString();
        return Stream.of(
                Arguments.of("missing Idempotency-Key", null, good, 400, "IDEMPOTENCY_KEY_REQUIRED"),
                Arguments.of("empty Idempotency-Key", "", good, 400, "IDEMPOTENCY_KEY_REQUIRED"),
                Arguments.of("Idempotency-Key too long", "k".repeat(129), good, 400, "VALIDATION_FAILED"),
                Arguments.of("Idempotency-Key with a space", "a b", good, 400, "VALIDATION_FAILED"),
                Arguments.of("Idempotency-Key with a control char", "a\u0001b", good, 400, "VALIDATION_FAILED"),
                Arguments.of("Idempotency-Key not ASCII", "clé", good, 400, "VALIDATION_FAILED"),
                Arguments.of("malformed JSON", key, "{\"cartId\":", 400, null),
                Arguments.of("cartId missing", key, "{\"email\":\"hal@example.com\"}", 400, null),
                Arguments.of("cartId as number", key, "{\"cartId\":7,\"email\":\"hal@example.com\"}", 400, null),
                Arguments.of("email missing", key, "{\"cartId\":\"" + CART + "\"}", 400, null),
                Arguments.of("email not an email", key, "{\"cartId\":\"" + CART + "\",\"email\":\"nope\"}", 400, null),
                Arguments.of("email as array", key, "{\"cartId\":\"" + CART + "\",\"email\":[\"a@b.co\"]}", 400, null),
                Arguments.of(
                        "body over 64 KB",
                        key,
                        "{\"cartId\":\"" + CART + "\",\"email\":\"hal@example.com\",\"pad\":\"" + "x".repeat(70 * 1024)
                                + "\"}",
                        413,
                        "PAYLOAD_TOO_LARGE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOrders")
    void badOrderRequestsWriteNothing(String name, String key, String body, int status, String code) {
        Response r = assertRejected(f.orders, CheckoutFixture.placeOrderEvent(key, body), status);
        if (code != null) {
            assertThat(r.errorCode()).isEqualTo(code);
        }
    }

    @Test
    void badGetOrder() {
        assertRejected(f.orders, CheckoutFixture.getOrderEvent("123", "token"), 400);
        assertRejected(f.orders, CheckoutFixture.getOrderEvent(UUID.randomUUID().toString(), "token"), 404);
        assertRejected(
                f.orders, CheckoutFixture.getOrderEventWithJwt(UUID.randomUUID().toString(), "not.a.jwt"), 401);
    }

    static Stream<Arguments> badWebhookBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"orderId\":"),
                Arguments.of("unknown status", "{\"orderId\":\"ORDER\",\"status\":\"REFUNDED\",\"paymentId\":\"p\"}"),
                Arguments.of("status lower case", "{\"orderId\":\"ORDER\",\"status\":\"paid\",\"paymentId\":\"p\"}"),
                Arguments.of("status missing", "{\"orderId\":\"ORDER\",\"paymentId\":\"p\"}"),
                Arguments.of("status as number", "{\"orderId\":\"ORDER\",\"status\":1,\"paymentId\":\"p\"}"),
                Arguments.of("orderId not a uuid", "{\"orderId\":\"x\",\"status\":\"PAID\",\"paymentId\":\"p\"}"),
                Arguments.of("paymentId missing", "{\"orderId\":\"ORDER\",\"status\":\"PAID\"}"),
                Arguments.of(
                        "paymentId too long",
                        "{\"orderId\":\"ORDER\",\"status\":\"PAID\",\"paymentId\":\"" + "p".repeat(129)
                                + "\",\"amountCents\":1,\"currency\":\"USD\"}"),
                Arguments.of(
                        "amountCents missing",
                        "{\"orderId\":\"ORDER\",\"status\":\"PAID\"," + "\"paymentId\":\"p\",\"currency\":\"USD\"}"),
                Arguments.of(
                        "amountCents negative",
                        "{\"orderId\":\"ORDER\",\"status\":\"PAID\","
                                + "\"paymentId\":\"p\",\"amountCents\":-1,\"currency\":\"USD\"}"),
                Arguments.of(
                        "amountCents a string",
                        "{\"orderId\":\"ORDER\",\"status\":\"PAID\","
                                + "\"paymentId\":\"p\",\"amountCents\":\"10\",\"currency\":\"USD\"}"),
                Arguments.of(
                        "currency missing",
                        "{\"orderId\":\"ORDER\",\"status\":\"PAID\"," + "\"paymentId\":\"p\",\"amountCents\":1}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badWebhookBodies")
    void badSignedWebhookBodiesWriteNothing(String name, String template) {
        String body = template.replace("ORDER", orderId);
        assertRejected(
                f.webhook,
                CheckoutFixture.webhookEvent(
                        body,
                        PaymentService.signatureFor(
                                CheckoutFixture.WEBHOOK_SECRET,
                                f.clock.instant().getEpochSecond(),
                                body)),
                400);
    }

    @Test
    void oversizedWebhookBodyIs413() {
        String body = "{\"orderId\":\"" + orderId + "\",\"status\":\"PAID\",\"paymentId\":\"p\",\"pad\":\""
                + "x".repeat(70 * 1024) + "\"}";
        assertRejected(
                f.webhook,
                CheckoutFixture.webhookEvent(
                        body,
                        PaymentService.signatureFor(
                                CheckoutFixture.WEBHOOK_SECRET,
                                f.clock.instant().getEpochSecond(),
                                body)),
                413);
    }

    @Test
    void unknownRouteIs404() {
        APIGatewayV2HTTPEvent event = CheckoutFixture.getCartEvent(CART);
        event.setRouteKey("PATCH /carts/{cartId}");
        assertRejected(f.cart, event, 404);
    }

    /** Asserts the status, the error shape, and that neither table changed. */
    private static Response assertRejected(ApiHandler handler, APIGatewayV2HTTPEvent event, int status) {
        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> before = f.snapshot();
        int eventsBefore = f.events().all().size();
        Response r = f.invoke(handler, event);
        assertThat(r.status()).as(r.rawBody()).isEqualTo(status);
        assertThat(r.body().path("error").path("code").isTextual())
                .as(r.rawBody())
                .isTrue();
        assertThat(r.body().path("error").path("message").isTextual())
                .as(r.rawBody())
                .isTrue();
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.events().all()).hasSize(eventsBefore);
        return r;
    }
}
