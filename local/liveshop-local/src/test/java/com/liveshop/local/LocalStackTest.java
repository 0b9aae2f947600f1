package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import dev.samlocal.Options;
import dev.samlocal.core.LocalAws;
import dev.samlocal.eventbridge.LocalEventBridge;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.template.TemplateParameters;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

/** The whole stack in-process on free ports, driven over real HTTP like a frontend or the AWS CLI would. */
class LocalStackTest {

    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral().withSchedules(false));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return LocalHttp.json(response);
    }

    private static String token(String path) throws Exception {
        return json(send("GET", path, null)).get("token").asText();
    }

    private static final String PRODUCT =
            "{\"title\":\"Test Lamp\",\"priceCents\":1999,\"currency\":\"USD\",\"stock\":3}";

    @Test
    void saysReadyWithItsUrlAndListsItsEndpoints() throws Exception {
        assertThat(stack.readyLine()).contains("Ready").contains(stack.url()).contains(stack.dynamoDbEndpoint());
        assertThat(stack.url()).startsWith("http://localhost:");
        JsonNode index = json(send("GET", "/_local", null));
        assertThat(index.get("api").asText()).isEqualTo(stack.url());
        assertThat(index.get("routes").findValuesAsText("routeKey")).contains("PUT /products/{sku}", "POST /orders");
    }

    @Test
    void usageCountsWhatAwsWouldBillPerServiceAndOnlyGrows() throws Exception {
        JsonNode before = json(send("GET", "/_local/usage", null));
        assertThat(send("GET", "/products", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/no-such-route", null).statusCode()).isEqualTo(404);
        JsonNode after = json(send("GET", "/_local/usage", null));
        // The counters are shared by the whole class's stack: compare growth, not absolute values.
        assertThat(after.at("/apiGatewayRequests/GET ~1products").asLong()
                        - before.at("/apiGatewayRequests/GET ~1products").asLong())
                .isGreaterThanOrEqualTo(1);
        assertThat(after.at("/apiGatewayRequests/(no route)").asLong())
                .isGreaterThan(before.at("/apiGatewayRequests/(no route)").asLong());
        assertThat(after.at("/cloudFrontEligible/GET ~1products").asLong())
                .isGreaterThan(before.at("/cloudFrontEligible/GET ~1products").asLong());
        assertThat(after.at("/lambdaInvocations/CatalogReadFunction").asLong())
                .isGreaterThan(
                        before.at("/lambdaInvocations/CatalogReadFunction").asLong());
        assertThat(after.at("/dynamoDbRequests").size()).isPositive();
        assertThat(after.path("appSyncEvents").has("messagesDelivered")).isTrue();
        assertThat(after.path("eventBridge").has("putEventsRequests")).isTrue();
        assertThat(after.has("ivsRequests")).isTrue();
        // Admin and cart routes are not CDN material.
        assertThat(after.path("cloudFrontEligible").has("PUT /products/{sku}")).isFalse();
        assertThat(stack.usage().apiGatewayRequests()).containsKey("GET /products");
    }

    @Test
    void getLocalGivesTheParametersInForceAndTheWebhookSigningSecret() throws Exception {
        JsonNode index = json(send("GET", "/_local", null));
        JsonNode parameters = index.get("parameters");
        assertThat(parameters.get("HoldSeconds").asText()).isEqualTo("600");
        assertThat(parameters.get("MaxQuantityPerSku").asText()).isEqualTo("5");
        assertThat(parameters.get("StageName").asText()).isEqualTo("live");
        assertThat(parameters.get("PaymentWebhookSecretTtlSeconds").asText()).isEqualTo("300");
        // Every template parameter with a default is listed.
        assertThat(parameters.properties())
                .extracting(Map.Entry::getKey)
                .containsAll(TemplateParameters.defaults(dev.samlocal.template.SamTemplate.loadFromRepo())
                        .values()
                        .keySet());
        assertThat(index.get("paymentWebhookSecret").asText()).isEqualTo(LiveshopDevLayer.LOCAL_WEBHOOK_SECRET);
        assertThat(index.get("paymentWebhookSecretArn").asText())
                .isEqualTo(TemplateFunctions.secretArn("PaymentWebhookSecret"));
    }

    @Test
    void theDemoCatalogIsSeededThroughTheAdminRoute() throws Exception {
        HttpResponse<String> response = send("GET", "/products?limit=100", null);
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> skus = json(response).get("items").findValuesAsText("sku");
        assertThat(skus)
                .containsAll(DemoSeed.PRODUCTS.stream()
                        .map(DemoSeed.DemoProduct::sku)
                        .toList());
        assertThat(stack.seededProducts()).isEqualTo(DemoSeed.PRODUCTS.size());
        JsonNode sweater = json(send("GET", "/products/cds-cashmere-sweater", null));
        assertThat(sweater.get("priceCents").asLong()).isEqualTo(12900);
        assertThat(sweater.get("currency").asText()).isEqualTo("USD");

        // The demo show is scheduled through POST /sessions and listed for the viewer page's "/".
        assertThat(stack.demoShowId()).isNotNull();
        JsonNode show = json(send("GET", "/sessions/" + stack.demoShowId(), null));
        assertThat(show.get("title").asText()).isEqualTo("Cyber Deals Sunday");
        assertThat(show.get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(show.get("lineup")).hasSize(6);
        assertThat(json(send("GET", "/sessions", null)).get("items").findValuesAsText("sessionId"))
                .contains(stack.demoShowId());
    }

    @Test
    void adminRoutesRefuseMissingGarbageAndExpiredTokensWithoutInvokingTheFunction() throws Exception {
        String sku = "lt-denied-" + UUID.randomUUID().toString().substring(0, 8);
        List<HttpResponse<String>> refused = List.of(
                send("PUT", "/products/" + sku, PRODUCT),
                send("PUT", "/products/" + sku, PRODUCT, "authorization", "Bearer garbage"),
                send(
                        "PUT",
                        "/products/" + sku,
                        PRODUCT,
                        "authorization",
                        "Bearer " + stack.jwt().expiredHostToken(Duration.ofMinutes(5))));
        for (HttpResponse<String> response : refused) {
            assertThat(response.statusCode()).isEqualTo(401);
            JsonNode body = json(response);
            assertThat(body.get("message").asText()).isEqualTo("Unauthorized");
            assertThat(body.at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
            assertThat(body.at("/error/message").asText()).isNotBlank();
        }
        assertThat(send("GET", "/products/" + sku, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aSignedInNonHostIsForbiddenAndAHostCreatesThenUpdates() throws Exception {
        String sku = "lt-lamp-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> viewer =
                send("PUT", "/products/" + sku, PRODUCT, "authorization", "Bearer " + token("/_local/token?groups="));
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(json(viewer).at("/error/code").asText()).isNotBlank();
        assertThat(send("GET", "/products/" + sku, null).statusCode()).isEqualTo(404);

        String host = token("/_local/host-token");
        assertThat(send("PUT", "/products/" + sku, PRODUCT, "authorization", "Bearer " + host)
                        .statusCode())
                .isEqualTo(201);
        assertThat(send("PUT", "/products/" + sku, PRODUCT, "authorization", host)
                        .statusCode())
                .isEqualTo(200);
        assertThat(json(send("GET", "/products/" + sku, null)).get("available").asLong())
                .isEqualTo(3);
    }

    /** Holds two scarves in a new cart and places the order; returns its id. */
    private static String placeOrder() throws Exception {
        return placeOrderWithToken()[0];
    }

    /** Holds two scarves in a new cart and places the order; returns its id and the buyer's order token. */
    private static String[] placeOrderWithToken() throws Exception {
        String cart = UUID.randomUUID().toString();
        HttpResponse<String> hold =
                send("POST", "/carts/" + cart + "/items", "{\"sku\":\"cds-silk-scarf\",\"quantity\":2}");
        assertThat(hold.statusCode()).as(hold.body()).isEqualTo(201);

        String order = "{\"cartId\":\"" + cart + "\",\"email\":\"buyer@example.com\"}";
        HttpResponse<String> placed = send("POST", "/orders", order, "idempotency-key", "key-" + cart);
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        String orderId = json(placed).get("orderId").asText();
        assertThat(json(placed).get("status").asText()).isEqualTo("PENDING_PAYMENT");
        HttpResponse<String> again = send("POST", "/orders", order, "idempotency-key", "key-" + cart);
        assertThat(json(again).get("orderId").asText()).isEqualTo(orderId);
        return new String[] {orderId, json(placed).get("orderToken").asText()};
    }

    @Test
    void aCheckoutPutsOrderPlacedOnTheBusOnce() throws Exception {
        String orderId = placeOrder();
        JsonNode placedEvents = awaitEvent("OrderPlaced", orderId);
        assertThat(placedEvents.findValuesAsText("orderId")).containsOnlyOnce(orderId);
        JsonNode event = placedEvents.get(placedEvents.size() - 1);
        assertThat(event.get("version").asText()).isEqualTo("0");
        assertThat(event.get("source").asText()).isEqualTo("liveshop");
        assertThat(event.get("account").asText()).isEqualTo(TemplateFunctions.ACCOUNT_ID);
        assertThat(event.get("region").asText()).isEqualTo(LocalAws.REGION);
        assertThat(event.get("detail").isObject()).isTrue();
        assertThat(event.get("eventBusName").asText()).isEqualTo(LiveshopDevLayer.STACK_NAME + "-orders");
    }

    @Test
    void aTestPaymentConfirmsTheOrderThroughTheRealWebhookAndPutsOrderConfirmedOnTheBus() throws Exception {
        String[] placed = placeOrderWithToken();
        String orderId = placed[0];
        HttpResponse<String> paid = send("POST", "/_local/payments/" + orderId, "{\"status\":\"PAID\"}");
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        assertThat(json(send("GET", "/orders/" + orderId, null, "x-order-token", placed[1]))
                        .get("status")
                        .asText())
                .isEqualTo("CONFIRMED");
        assertThat(send("GET", "/orders/" + orderId, null).statusCode())
                .as("no token, no order")
                .isEqualTo(404);

        JsonNode confirmed = awaitEvent("OrderConfirmed", orderId);
        JsonNode event = confirmed.get(confirmed.size() - 1);
        assertThat(event.get("eventBusName").asText()).isEqualTo(LiveshopDevLayer.STACK_NAME + "-orders");
        JsonNode all = json(send("GET", "/_local/events", null));
        assertThat(all.get(all.size() - 1).get("id").asText())
                .isEqualTo(event.get("id").asText());
    }

    /**
     * The recorded events of {@code detailType} once one is about {@code orderId}: order events may leave through the
     * table's stream (an outbox), so they arrive shortly after the request that caused them, not with its answer.
     */
    private static JsonNode awaitEvent(String detailType, String orderId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode events = json(send("GET", "/_local/events?detailType=" + detailType, null));
            if (events.findValuesAsText("orderId").contains(orderId)) {
                return events;
            }
            assertThat(System.nanoTime())
                    .as("no %s event for order %s within 30 s", detailType, orderId)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void everyOrderEventArrivesWhenPutEventsFailsAndThenRecovers() throws Exception {
        stack.eventBridge().failPutEventsUntilRecovered();
        String orderId;
        try {
            orderId = placeOrder();
            // The webhook's answer does not depend on the bus.
            HttpResponse<String> paid = send("POST", "/_local/payments/" + orderId, "{\"status\":\"PAID\"}");
            assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (stack.eventBridge().faults().failedRequests() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(stack.eventBridge().faults().failedRequests())
                    .as("the outbox tried while the bus was down")
                    .isPositive();
            assertThat(json(send("GET", "/_local/events?detailType=OrderPlaced", null))
                            .findValuesAsText("orderId"))
                    .doesNotContain(orderId);
        } finally {
            stack.eventBridge().recover();
        }
        JsonNode placedEvents = awaitEvent("OrderPlaced", orderId);
        JsonNode confirmedEvents = awaitEvent("OrderConfirmed", orderId);
        assertThat(placedEvents.findValuesAsText("eventKey")).contains(orderId + "#PENDING_PAYMENT");
        assertThat(confirmedEvents.findValuesAsText("eventKey")).contains(orderId + "#CONFIRMED");
    }

    @Test
    void aTestPaymentForAnUnknownOrderPassesBackTheOrderRoutes404() throws Exception {
        HttpResponse<String> response = send("POST", "/_local/payments/" + UUID.randomUUID(), "{\"status\":\"PAID\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("ORDER_NOT_FOUND");
    }

    @Test
    void aBadWebhookSignatureIsRefusedByTheFunction() throws Exception {
        String body = "{\"orderId\":\"" + UUID.randomUUID()
                + "\",\"status\":\"PAID\",\"paymentId\":\"p1\",\"amountCents\":100,\"currency\":\"USD\"}";
        HttpResponse<String> response = send(
                "POST",
                "/payments/webhook",
                body,
                "x-signature",
                LocalPayments.signatureHeader(
                        LiveshopDevLayer.LOCAL_WEBHOOK_SECRET, Instant.now().getEpochSecond(), "something else"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("INVALID_SIGNATURE");
        assertThat(send("POST", "/_local/payments/x", "{\"status\":\"MAYBE\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void aScheduleRunsOnRequest() throws Exception {
        HttpResponse<String> run = send("POST", "/_local/schedules/HoldExpiryFunction/run", null);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        assertThat(json(run).isObject()).isTrue();
        HttpResponse<String> unknown = send("POST", "/_local/schedules/NoSuchFunction/run", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).at("/error/code").asText()).isEqualTo("SCHEDULE_NOT_FOUND");
    }

    @Test
    void unknownRoutesAreApiGateways404() throws Exception {
        HttpResponse<String> response = send("GET", "/nowhere", null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("message").asText()).isEqualTo("Not Found");
        assertThat(json(response).at("/error/code").asText()).isEqualTo("NOT_FOUND");
        assertThat(send("PATCH", "/orders", "{}").statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("apigw-requestid")).isPresent();
    }

    @Test
    void corsFollowsTheTemplateWithTheLocalOriginAsCorsAllowOrigin() throws Exception {
        // CorsAllowOrigin has no default (no '*' for a deployed API); locally it is the stack's own origin.
        String origin = stack.url();
        assertThat(stack.parameters()).containsEntry("CorsAllowOrigin", origin);
        HttpResponse<String> preflight = send(
                "OPTIONS",
                "/orders",
                null,
                "origin",
                origin,
                "access-control-request-method",
                "POST",
                "access-control-request-headers",
                "content-type,idempotency-key");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin"))
                .hasValue(origin);
        assertThat(preflight
                        .headers()
                        .firstValue("access-control-allow-methods")
                        .orElseThrow())
                .contains("POST");
        assertThat(preflight
                        .headers()
                        .firstValue("access-control-allow-headers")
                        .orElseThrow())
                .contains("idempotency-key");
        assertThat(preflight.headers().firstValue("access-control-max-age")).hasValue("600");
        HttpResponse<String> get = send("GET", "/products/cds-silk-scarf", null, "origin", origin);
        assertThat(get.headers().firstValue("access-control-allow-origin")).hasValue(origin);
        HttpResponse<String> elsewhere =
                send("GET", "/products/cds-silk-scarf", null, "origin", "https://evil.example");
        assertThat(elsewhere.headers().firstValue("access-control-allow-origin"))
                .isEmpty();
    }

    @Test
    void theDemoBrandSiteIsTheLocalEmbedAllowedOriginAndTheApiAnswersItsBrowsers() throws Exception {
        // The demo shop is this stack under the name localhost: another origin, as a brand's site is (issue 27).
        String demoShop = stack.url().replace("127.0.0.1", "localhost");
        assertThat(stack.parameters()).containsEntry("EmbedAllowedOrigins", demoShop);
        HttpResponse<String> sessions = send("GET", "/sessions", null, "origin", demoShop);
        assertThat(sessions.statusCode()).isEqualTo(200);
        assertThat(sessions.headers().firstValue("access-control-allow-origin")).hasValue(demoShop);
        HttpResponse<String> preflight = send(
                "OPTIONS",
                "/carts/" + java.util.UUID.randomUUID() + "/items",
                null,
                "origin",
                demoShop,
                "access-control-request-method",
                "POST",
                "access-control-request-headers",
                "content-type");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin"))
                .hasValue(demoShop);
        // The storefront still is, and a site nobody listed is not.
        assertThat(send("GET", "/sessions", null, "origin", stack.url())
                        .headers()
                        .firstValue("access-control-allow-origin"))
                .hasValue(stack.url());
        assertThat(send("GET", "/sessions", null, "origin", "http://localhost:1")
                        .headers()
                        .firstValue("access-control-allow-origin"))
                .isEmpty();
    }

    @Test
    void manyConcurrentRequestsAreServed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(
                        () -> send("GET", "/products/cds-espresso-maker", null).statusCode()));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void dynamoDbLocalIsReachableWithAPlainSdkClient() {
        AppConfig config =
                new AppConfig(LocalAws.settings(Map.of("AWS_ENDPOINT_URL_DYNAMODB", stack.dynamoDbEndpoint())));
        try (DynamoDbClient client = AwsClients.dynamoDb(config)) {
            assertThat(client.listTables().tableNames()).contains("CatalogTable", "ReservationsTable", "SessionsTable");
        }
    }

    @Test
    void theRealEventBridgeClientPutsEventsWithEventBridgesLimits() {
        AppConfig config = new AppConfig(LocalAws.settings(
                Map.of("AWS_ENDPOINT_URL_EVENTBRIDGE", stack.eventBridge().endpoint())));
        try (EventBridgeClient client = AwsClients.eventBridge(config)) {
            String bus = LiveshopDevLayer.STACK_NAME + "-orders";
            PutEventsResponse ok = client.putEvents(r -> r.entries(
                    entry(bus, "{\"n\":1}"),
                    PutEventsRequestEntry.builder()
                            .eventBusName(bus)
                            .source("tests")
                            .detailType("NoDetail")
                            .build()));
            assertThat(ok.failedEntryCount()).isEqualTo(1);
            assertThat(ok.entries().get(0).eventId()).isNotBlank();
            assertThat(ok.entries().get(1).errorCode()).isEqualTo("InvalidArgument");
            assertThat(stack.eventBridge()
                            .events("LocalTest")
                            .get(0)
                            .get("detail")
                            .get("n")
                            .asInt())
                    .isEqualTo(1);

            List<PutEventsRequestEntry> eleven = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                eleven.add(entry(bus, "{}"));
            }
            assertThatThrownBy(() -> client.putEvents(r -> r.entries(eleven)))
                    .isInstanceOfSatisfying(
                            EventBridgeException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
            String big = "{\"x\":\"" + "a".repeat(LocalEventBridge.MAX_REQUEST_BYTES) + "\"}";
            assertThatThrownBy(() -> client.putEvents(r -> r.entries(entry(bus, big))))
                    .isInstanceOfSatisfying(
                            EventBridgeException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
            assertThatThrownBy(() -> client.putEvents(r -> r.entries(entry("no-such-bus", "{}"))))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }

    private static PutEventsRequestEntry entry(String bus, String detail) {
        return PutEventsRequestEntry.builder()
                .eventBusName(bus)
                .source("tests")
                .detailType("LocalTest")
                .detail(detail)
                .build();
    }
}
