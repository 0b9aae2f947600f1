package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.liveshop.checkout.secrets.SecretsManagerWebhookSecrets;
import com.liveshop.checkout.service.OrderOutbox;
import com.liveshop.checkout.service.PaymentService;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import com.liveshop.testkit.DynamoDbLocalExtension;
import com.liveshop.testkit.RecordingMetrics;
import com.liveshop.testkit.TableSnapshot;
import com.liveshop.testkit.TableStream;
import com.liveshop.testkit.TestIssuer;
import dev.samlocal.lambda.TestContext;
import dev.samlocal.template.SamTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The real handlers wired to the test's DynamoDB Local ({@link DynamoDbLocalExtension}) with a movable clock and a
 * recording publisher, and builders for the events-samples/checkout events.
 */
final class CheckoutFixture {

    static final String WEBHOOK_SECRET = "local-webhook-secret";
    static final String WEBHOOK_SECRET_ARN =
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:PaymentWebhookSecret-AbCdEf";
    static final String CATALOG = "CatalogTable";
    static final String RESERVATIONS = "ReservationsTable";
    static final String SESSIONS = "SessionsTable";

    /** A handler's answer: status and parsed JSON body (NullNode for 204). */
    record Response(int status, JsonNode body, String rawBody, Map<String, String> headers) {
        String errorCode() {
            return body.path("error").path("code").asText(null);
        }
    }

    static final String FINGERPRINT_SECRET_ARN =
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:ChatTicketSecret-AbCdEf";
    final com.liveshop.testkit.TestSecrets secrets;
    final DynamoDbLocalExtension dynamo;
    final DynamoDbClient client;
    final AppConfig app;
    /**
     * Starts at the real now: DynamoDB Local deletes items whose TTL (a hold's expiresAt + grace) is in the real past,
     * so a fixed date would go stale and make holds vanish mid-test.
     */
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    /**
     * The webhook secret's version stages, read through the real cache ({@link #WEBHOOK_SECRET_TTL}), so a test can
     * rotate it or make it unreadable and move the clock past the TTL to see it.
     */
    final FakeSecretStages webhookSecret = new FakeSecretStages(WEBHOOK_SECRET, clock);

    static final Duration WEBHOOK_SECRET_TTL = Duration.ofSeconds(60);
    /** What the outbox put on the bus; read it through {@link #events()}, which relays the stream first. */
    private final RecordingPublisher published = new RecordingPublisher();

    final TestIssuer issuer = new TestIssuer();
    final ProductRepository products;
    final CheckoutWiring wiring;
    final CartHandler cart;
    final OrderHandler orders;
    final PaymentWebhookHandler webhook;
    final HoldExpiryHandler sweep;
    final OrderEventsHandler outbox;
    final HoldReclaimHandler reclaim;
    final TableStream stream;
    /** Every business metric the services recorded (the wiring's ShowMetrics). */
    final RecordingMetrics metrics = new RecordingMetrics();

    static final String FINGERPRINT_SECRET = "test-fingerprint-secret-0123456789";

    CheckoutFixture(DynamoDbLocalExtension dynamo) {
        this(dynamo, Map.of());
    }

    /** With {@code extraSettings} over the defaults (e.g. MAX_QUANTITY_PER_SKU, MAX_UNITS_PER_CLIENT_PER_SKU). */
    CheckoutFixture(DynamoDbLocalExtension dynamo, Map<String, String> extraSettings) {
        this.dynamo = dynamo;
        secrets = dynamo.closeWith(new com.liveshop.testkit.TestSecrets());
        client = dynamo.client();
        Map<String, String> settings = new HashMap<>(dynamo.functionSettings());
        settings.put("EVENT_BUS_NAME", "liveshop-orders");
        settings.put("PAYMENT_WEBHOOK_SECRET_ARN", WEBHOOK_SECRET_ARN);
        // The per-address limits' key, read at run time from (test) Secrets Manager as the template wires it.
        settings.putAll(secrets.settings("FINGERPRINT_SECRET_ARN", FINGERPRINT_SECRET_ARN, FINGERPRINT_SECRET));
        settings.putAll(extraSettings);
        app = new AppConfig(settings);
        products = new ProductRepository(client, AwsClients.enhanced(client), CATALOG);
        wiring = new CheckoutWiring(app, metrics);
        cart = new CartHandler(wiring.cartService(clock));
        orders = new OrderHandler(wiring.orderService(clock), issuer.verifier());
        webhook = new PaymentWebhookHandler(wiring.paymentService(
                clock, new SecretsManagerWebhookSecrets(webhookSecret, WEBHOOK_SECRET_TTL, clock)));
        sweep = new HoldExpiryHandler(wiring.holdExpiryService(clock));
        outbox = new OrderEventsHandler(new OrderOutbox(), published);
        reclaim = new HoldReclaimHandler(wiring.holdExpiryService(clock));
        stream = dynamo.stream(RESERVATIONS);
    }

    /**
     * The order events so far: the Reservations stream's new records are first relayed by the real outbox handler (as
     * its event source mapping would), then what it published is returned.
     */
    RecordingPublisher events() {
        outbox.handleRequest(stream.next(), new TestContext("OrderEventsFunction"));
        return published;
    }

    // ------------------------------------------------------------------ data

    void product(String sku, long priceCents, String currency, long stock) {
        product(sku, priceCents, currency, stock, 1);
    }

    /** A product whose stock is spread over {@code shards} buckets. */
    void product(String sku, long priceCents, String currency, long stock, int shards) {
        Product p = Product.of(sku);
        p.setStockShards(shards);
        p.setTitle("Title of " + sku);
        p.setPriceCents(priceCents);
        p.setCurrency(currency);
        p.setCreatedAt(clock.instant().toString());
        p.setUpdatedAt(clock.instant().toString());
        products.createOrUpdate(p, stock);
    }

    StockLevel stock(String sku) {
        return products.stock(sku);
    }

    /**
     * Every stock bucket of {@code sku} balances on its own ({@code initial = available + held + sold}) and none is
     * negative.
     */
    void assertBucketsBalance(String sku) {
        snapshot().stream()
                .filter(m -> m.get("pk").s().equals("PRODUCT#" + sku)
                        && m.get("sk").s().startsWith("STOCK#"))
                .forEach(b -> {
                    long available = Long.parseLong(b.get("available").n());
                    org.assertj.core.api.Assertions.assertThat(available).isNotNegative();
                    org.assertj.core.api.Assertions.assertThat(
                                    Long.parseLong(b.get("initial").n()))
                            .isEqualTo(available
                                    + Long.parseLong(b.get("held").n())
                                    + Long.parseLong(b.get("sold").n()));
                });
    }

    /** Every item of both tables, in key order: equal snapshots mean nothing was written. */
    List<Map<String, AttributeValue>> snapshot() {
        return TableSnapshot.of(client, CATALOG, RESERVATIONS);
    }

    long countReservations(String pkPrefix) {
        return snapshot().stream()
                .filter(m -> m.get("_table").s().equals(RESERVATIONS)
                        && m.get("pk").s().startsWith(pkPrefix))
                .count();
    }

    // ------------------------------------------------------------------ events

    static APIGatewayV2HTTPEvent sample(String name) {
        Path file = SamTemplate.repoRoot().resolve("events-samples/checkout/" + name);
        return EventLoader.loadApiGatewayHttpEvent(file.toString());
    }

    static ScheduledEvent scheduledSample() {
        return EventLoader.loadScheduledEvent(SamTemplate.repoRoot()
                .resolve("events-samples/checkout/hold-expiry.json")
                .toString());
    }

    /**
     * From the cart's own client address ({@link #addressOf}): every cart is a different buyer unless a test says so.
     */
    static APIGatewayV2HTTPEvent addItemEvent(String cartId, String body) {
        return addItemEvent(cartId, body, addressOf(cartId));
    }

    static APIGatewayV2HTTPEvent addItemEvent(String cartId, String body, String clientAddress) {
        APIGatewayV2HTTPEvent e = sample("add-item.json");
        e.setPathParameters(Map.of("cartId", cartId));
        e.setRawPath("/live/carts/" + cartId + "/items");
        e.setBody(body);
        e.getRequestContext().getHttp().setSourceIp(clientAddress);
        return e;
    }

    /**
     * A client address of its own for each cart (10.x.y.z from the cart id), so the per-client caps see many buyers.
     */
    static String addressOf(String cartId) {
        int h = cartId.hashCode();
        return "10." + (h >>> 16 & 255) + "." + (h >>> 8 & 255) + "." + (h & 255);
    }

    static APIGatewayV2HTTPEvent addItemEvent(String cartId, String sku, int quantity) {
        return addItemEvent(cartId, "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}");
    }

    static APIGatewayV2HTTPEvent removeItemEvent(String cartId, String sku) {
        APIGatewayV2HTTPEvent e = sample("remove-item.json");
        e.setPathParameters(Map.of("cartId", cartId, "sku", sku));
        e.setRawPath("/live/carts/" + cartId + "/items/" + sku);
        return e;
    }

    static APIGatewayV2HTTPEvent getCartEvent(String cartId) {
        APIGatewayV2HTTPEvent e = sample("get-cart.json");
        e.setPathParameters(Map.of("cartId", cartId));
        e.setRawPath("/live/carts/" + cartId);
        return e;
    }

    /** {@code key} null leaves the Idempotency-Key header out. */
    static APIGatewayV2HTTPEvent placeOrderEvent(String key, String body) {
        APIGatewayV2HTTPEvent e = withHeader(sample("place-order.json"), "idempotency-key", key);
        e.setBody(body);
        return e;
    }

    /** The sample's header {@code name} replaced by {@code value}, or left out when {@code value} is null. */
    private static APIGatewayV2HTTPEvent withHeader(APIGatewayV2HTTPEvent e, String name, String value) {
        Map<String, String> headers = new HashMap<>(e.getHeaders());
        headers.remove(name);
        if (value != null) {
            headers.put(name, value);
        }
        e.setHeaders(headers);
        return e;
    }

    /** From the cart's own client address, as its holds. */
    static APIGatewayV2HTTPEvent placeOrderEvent(String key, String cartId, String email) {
        return placeOrderEvent(key, cartId, email, addressOf(cartId));
    }

    static APIGatewayV2HTTPEvent placeOrderEvent(String key, String cartId, String email, String clientAddress) {
        APIGatewayV2HTTPEvent e = placeOrderEvent(key, "{\"cartId\":\"" + cartId + "\",\"email\":\"" + email + "\"}");
        e.getRequestContext().getHttp().setSourceIp(clientAddress);
        return e;
    }

    /** The sample's read with its X-Order-Token replaced by {@code token} (left out when null). */
    static APIGatewayV2HTTPEvent getOrderEvent(String orderId, String token) {
        APIGatewayV2HTTPEvent e = withHeader(sample("get-order.json"), "x-order-token", token);
        e.setPathParameters(Map.of("orderId", orderId));
        e.setRawPath("/live/orders/" + orderId);
        return e;
    }

    /** A read with a JWT in Authorization and no order token. */
    static APIGatewayV2HTTPEvent getOrderEventWithJwt(String orderId, String jwt) {
        return withHeader(getOrderEvent(orderId, null), "authorization", "Bearer " + jwt);
    }

    /** {@code signature} null leaves the X-Signature header out. */
    static APIGatewayV2HTTPEvent webhookEvent(String body, String signature) {
        APIGatewayV2HTTPEvent e = withHeader(sample("payment-webhook.json"), "x-signature", signature);
        e.setBody(body);
        return e;
    }

    /** A provider's notification body. */
    static String noticeBody(String orderId, String status, String paymentId, long amountCents, String currency) {
        return "{\"orderId\":\"" + orderId + "\",\"status\":\"" + status + "\",\"paymentId\":\"" + paymentId
                + "\",\"amountCents\":" + amountCents + ",\"currency\":\"" + currency + "\"}";
    }

    /** The notification signed now (by the fixture's clock), as the provider sends it. */
    APIGatewayV2HTTPEvent signedWebhook(
            String orderId, String status, String paymentId, long amountCents, String currency) {
        String body = noticeBody(orderId, status, paymentId, amountCents, currency);
        return webhookEvent(
                body,
                PaymentService.signatureFor(WEBHOOK_SECRET, clock.instant().getEpochSecond(), body));
    }

    // ------------------------------------------------------------------ invoking

    Response invoke(com.liveshop.shared.http.ApiHandler handler, APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, new TestContext("checkout-test"));
        String body = response.getBody();
        try {
            JsonNode node = body == null || body.isEmpty() ? NullNode.getInstance() : Json.MAPPER.readTree(body);
            return new Response(
                    response.getStatusCode(),
                    node,
                    body,
                    response.getHeaders() == null ? Map.of() : response.getHeaders());
        } catch (JsonProcessingException e) {
            throw new AssertionError("Response body is not JSON: " + body, e);
        }
    }

    Response addItem(String cartId, String sku, int quantity) {
        return invoke(cart, addItemEvent(cartId, sku, quantity));
    }

    Response placeOrder(String key, String cartId, String email) {
        return invoke(orders, placeOrderEvent(key, cartId, email));
    }
}
