package com.liveshop.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import com.liveshop.testkit.DynamoDbLocalExtension;
import dev.samlocal.lambda.TestContext;
import dev.samlocal.template.SamTemplate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The catalog routes through the real handlers on DynamoDB Local, with events from events-samples/catalog. */
class CatalogHandlersTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static CatalogAdminHandler admin;
    private static CatalogReadHandler read;

    @BeforeAll
    static void start() {
        AppConfig config = new AppConfig(DYNAMO.functionSettings());
        admin = new CatalogAdminHandler(config);
        read = new CatalogReadHandler(config);
    }

    @Test
    void createsReadsAndUpdatesAProductWithoutTouchingItsStock() {
        String sku = newSku();
        APIGatewayV2HTTPResponse created = admin.handleRequest(
                put(sku, "{\"title\":\"Cashmere Crew\",\"priceCents\":12900,\"currency\":\"usd\",\"stock\":50}"),
                ctx());
        assertThat(created.getStatusCode()).isEqualTo(201);
        JsonNode body = json(created);
        assertThat(body.get("sku").asText()).isEqualTo(sku);
        assertThat(body.get("currency").asText()).isEqualTo("USD");
        assertThat(body.get("available").asLong()).isEqualTo(50);

        APIGatewayV2HTTPResponse updated = admin.handleRequest(
                put(
                        sku,
                        "{\"title\":\"Cashmere Crew Sweater\",\"priceCents\":9900,\"currency\":\"USD\",\"stock\":1,"
                                + "\"imageUrl\":\"https://cdn.brand-shop.com/img/crew.jpg?w=640\"}"),
                ctx());
        assertThat(updated.getStatusCode()).isEqualTo(200);
        JsonNode after = json(read.handleRequest(get(sku), ctx()));
        assertThat(after.get("imageUrl").asText()).isEqualTo("https://cdn.brand-shop.com/img/crew.jpg?w=640");
        assertThat(after.get("title").asText()).isEqualTo("Cashmere Crew Sweater");
        assertThat(after.get("priceCents").asLong()).isEqualTo(9900);
        assertThat(after.get("available").asLong())
                .as("stock is ignored on update")
                .isEqualTo(50);
        assertThat(after.get("createdAt").asText())
                .isEqualTo(body.get("createdAt").asText());

        APIGatewayV2HTTPResponse withoutStock = admin.handleRequest(
                put(sku, "{\"title\":\"Cashmere\",\"priceCents\":9900,\"currency\":\"USD\"}"), ctx());
        assertThat(withoutStock.getStatusCode()).isEqualTo(200);
    }

    @Test
    void aNewProductNeedsItsStock() {
        String sku = newSku();
        APIGatewayV2HTTPResponse response =
                admin.handleRequest(put(sku, "{\"title\":\"Scarf\",\"priceCents\":2500,\"currency\":\"USD\"}"), ctx());
        assertError(response, 400, "VALIDATION_FAILED");
        assertNoProduct(sku);
    }

    @Test
    void restockAddsUnitsAndKeepsTheInvariant() {
        String sku = newSku();
        admin.handleRequest(
                put(sku, "{\"title\":\"Boots\",\"priceCents\":15900,\"currency\":\"EUR\",\"stock\":10}"), ctx());
        APIGatewayV2HTTPResponse response = admin.handleRequest(restock(sku, "{\"quantity\":25}"), ctx());
        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode stock = json(response);
        assertThat(stock.get("initial").asLong()).isEqualTo(35);
        assertThat(stock.get("available").asLong()).isEqualTo(35);
        assertThat(json(read.handleRequest(get(sku), ctx())).get("available").asLong())
                .isEqualTo(35);

        assertError(admin.handleRequest(restock(newSku(), "{\"quantity\":1}"), ctx()), 404, "PRODUCT_NOT_FOUND");
        for (String bad : new String[] {
            "{\"quantity\":0}",
            "{\"quantity\":-3}",
            "{\"quantity\":\"5\"}",
            "{}",
            "{\"quantity\":99999999999}",
            "{\"quantity\":1.5}",
            "[1]",
            "{\"quantity\":1,\"quantity\":99}"
        }) {
            assertThat(admin.handleRequest(restock(sku, bad), ctx()).getStatusCode())
                    .as(bad)
                    .isEqualTo(400);
        }
        assertThat(json(read.handleRequest(get(sku), ctx())).get("available").asLong())
                .isEqualTo(35);
    }

    @Test
    void aHotSkuSpreadsItsStockOverBucketsAndShowsTheTotals(DynamoDbClient client) {
        String sku = newSku();
        APIGatewayV2HTTPResponse created = admin.handleRequest(
                put(sku, "{\"title\":\"Hot\",\"priceCents\":900,\"currency\":\"USD\",\"stock\":100,\"stockShards\":8}"),
                ctx());
        assertThat(created.getStatusCode()).isEqualTo(201);
        assertThat(json(read.handleRequest(get(sku), ctx())).get("available").asLong())
                .isEqualTo(100);
        JsonNode stock = json(admin.handleRequest(stock(sku), ctx()));
        assertThat(stock.get("shards").asInt()).isEqualTo(8);
        assertThat(stock.get("initial").asLong()).isEqualTo(100);
        JsonNode restocked = json(admin.handleRequest(restock(sku, "{\"quantity\":5}"), ctx()));
        assertThat(restocked.get("available").asLong()).isEqualTo(105);
        assertThat(restocked.get("shards").asInt()).isEqualTo(8);

        // Growing spreads the units anew over more buckets; shrinking is refused and changes nothing.
        assertThat(admin.handleRequest(
                                put(
                                        sku,
                                        "{\"title\":\"Hot\",\"priceCents\":900,"
                                                + "\"currency\":\"USD\",\"stockShards\":12}"),
                                ctx())
                        .getStatusCode())
                .isEqualTo(200);
        JsonNode grown = json(admin.handleRequest(stock(sku), ctx()));
        assertThat(grown.get("shards").asInt()).isEqualTo(12);
        assertThat(grown.get("initial").asLong()).isEqualTo(105);
        assertThat(grown.get("available").asLong()).isEqualTo(105);
        assertError(
                admin.handleRequest(
                        put(sku, "{\"title\":\"Hot\",\"priceCents\":900," + "\"currency\":\"USD\",\"stockShards\":4}"),
                        ctx()),
                400,
                "VALIDATION_FAILED");
        assertThat(json(admin.handleRequest(stock(sku), ctx())).get("shards").asInt())
                .isEqualTo(12);
        // Every bucket balances on its own, with 8 or 9 units each.
        client
                .query(q -> q.tableName("CatalogTable")
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(java.util.Map.of(
                                ":pk",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("PRODUCT#" + sku))))
                .items()
                .stream()
                .filter(i -> i.get("sk").s().startsWith("STOCK#"))
                .forEach(b -> {
                    assertThat(Long.parseLong(b.get("available").n())).isBetween(8L, 9L);
                    assertThat(b.get("initial").n())
                            .isEqualTo(b.get("available").n());
                });
    }

    @Test
    void hostsReadTheStockCountersOthersCannot() {
        String sku = newSku();
        admin.handleRequest(put(sku, "{\"title\":\"Mug\",\"priceCents\":900,\"currency\":\"USD\",\"stock\":0}"), ctx());
        admin.handleRequest(restock(sku, "{\"quantity\":12}"), ctx());
        JsonNode stock = json(admin.handleRequest(stock(sku), ctx()));
        assertThat(stock.get("sku").asText()).isEqualTo(sku);
        assertThat(stock.get("initial").asLong()).isEqualTo(12);
        assertThat(stock.get("available").asLong()).isEqualTo(12);
        assertThat(stock.get("held").asLong()).isZero();
        assertThat(stock.get("sold").asLong()).isZero();

        String empty = newSku();
        admin.handleRequest(
                put(empty, "{\"title\":\"Sold out\",\"priceCents\":900,\"currency\":\"USD\",\"stock\":0}"), ctx());
        assertThat(json(admin.handleRequest(stock(empty), ctx())).get("initial").asLong())
                .isZero();
        assertError(admin.handleRequest(stock(newSku()), ctx()), 404, "PRODUCT_NOT_FOUND");
        APIGatewayV2HTTPEvent viewer = stock(sku);
        viewer.getRequestContext().getAuthorizer().getJwt().getClaims().put("cognito:groups", "[viewers]");
        assertError(admin.handleRequest(viewer, ctx()), 403, "FORBIDDEN");
        APIGatewayV2HTTPEvent anonymous = stock(sku);
        anonymous.getRequestContext().setAuthorizer(null);
        assertError(admin.handleRequest(anonymous, ctx()), 401, "UNAUTHORIZED");
    }

    @Test
    void listsPageByPageWithACursor() {
        String prefix = "page-" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 5; i++) {
            admin.handleRequest(
                    put(
                            prefix + "-" + i,
                            "{\"title\":\"Item " + i + "\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":3}"),
                    ctx());
        }
        int seen = 0;
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> query = new HashMap<>(Map.of("limit", "2"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            APIGatewayV2HTTPResponse response = read.handleRequest(list(query), ctx());
            assertThat(response.getStatusCode()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.get("items").size()).isLessThanOrEqualTo(2);
            for (JsonNode item : body.get("items")) {
                assertThat(item.has("available")).isTrue();
                if (item.get("sku").asText().startsWith(prefix)) {
                    seen++;
                }
            }
            cursor = body.hasNonNull("nextCursor") ? body.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 100);
        assertThat(seen).isEqualTo(5);
    }

    @Test
    void rejectsBadListParameters() {
        assertError(read.handleRequest(list(Map.of("limit", "0")), ctx()), 400, "VALIDATION_FAILED");
        assertError(read.handleRequest(list(Map.of("limit", "abc")), ctx()), 400, "VALIDATION_FAILED");
        assertError(read.handleRequest(list(Map.of("limit", "101")), ctx()), 400, "VALIDATION_FAILED");
        assertError(read.handleRequest(list(Map.of("cursor", "not-a-cursor")), ctx()), 400, "INVALID_CURSOR");
        assertError(read.handleRequest(get("no-such-sku-" + UUID.randomUUID()), ctx()), 404, "PRODUCT_NOT_FOUND");
        assertError(read.handleRequest(get("bad sku!"), ctx()), 400, "VALIDATION_FAILED");
    }

    @Test
    void adminRoutesNeedAHostAndChangeNothingOtherwise() {
        String sku = newSku();
        APIGatewayV2HTTPEvent anonymous =
                put(sku, "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1}");
        anonymous.getRequestContext().setAuthorizer(null);
        assertError(admin.handleRequest(anonymous, ctx()), 401, "UNAUTHORIZED");

        APIGatewayV2HTTPEvent viewer =
                put(sku, "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1}");
        viewer.getRequestContext().getAuthorizer().getJwt().getClaims().put("cognito:groups", "[viewers]");
        assertError(admin.handleRequest(viewer, ctx()), 403, "FORBIDDEN");

        APIGatewayV2HTTPEvent noGroups = restock(sku, "{\"quantity\":5}");
        noGroups.getRequestContext().getAuthorizer().getJwt().getClaims().remove("cognito:groups");
        assertError(admin.handleRequest(noGroups, ctx()), 403, "FORBIDDEN");
        assertNoProduct(sku);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{not json",
                "[]",
                "\"text\"",
                "{\"title\":\"X\",\"priceCents\":\"100\",\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":100.5,\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":0,\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":-100,\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":100000000000000000000000,\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"DOLLARS\",\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"QQQ\",\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":-1}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":true}",
                "{\"title\":\"   \",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":123,\"priceCents\":100,\"currency\":\"USD\",\"stock\":1}",
                "{\"priceCents\":100,\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"X\",\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":100,\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,"
                        + "\"imageUrl\":\"javascript:alert(1)\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,"
                        + "\"imageUrl\":\"//evil.com/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,"
                        + "\"imageUrl\":\"/\\\\evil.com/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"imageUrl\":\"/images/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"imageUrl\":\"http://cdn.brand.com/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"imageUrl\":\"https://127.0.0.1/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"imageUrl\":\"https://[::1]/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"imageUrl\":\"https://localhost/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"imageUrl\":\"https://shop.localhost/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"imageUrl\":\"https://intranet/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"imageUrl\":\"https://user:pw@cdn.brand.com/x.jpg\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"imageUrl\":\"https://cdn.brand.com/x.jpg\\u0000\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"stockShards\":0}",
                "{\"title\":\"X\\u0000\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"\\ud800\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"X\",\"title\":\"Y\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"stockShards\":51}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"stockShards\":\"8\"}",
                "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"stockShards\":2.5}",
                ""
            })
    void badProductBodiesAre400AndWriteNothing(String body) {
        String sku = newSku();
        APIGatewayV2HTTPResponse response = admin.handleRequest(put(sku, body), ctx());
        assertThat(response.getStatusCode()).as(body).isEqualTo(400);
        assertThat(json(response).at("/error/code").asText()).isNotEmpty();
        assertNoProduct(sku);
    }

    @Test
    void oversizedBodyIs413AndWritesNothing() {
        String sku = newSku();
        String big = "{\"title\":\"X\",\"priceCents\":100,\"currency\":\"USD\",\"stock\":1,\"description\":\""
                + "a".repeat(70 * 1024) + "\"}";
        assertError(admin.handleRequest(put(sku, big), ctx()), 413, "PAYLOAD_TOO_LARGE");
        assertNoProduct(sku);
    }

    @Test
    void productTextIsStoredAsText() {
        String sku = newSku();
        String title = "<script>alert('x')</script> Über-Soft ☃";
        admin.handleRequest(
                put(sku, Json.write(Map.of("title", title, "priceCents", 100, "currency", "USD", "stock", 1))), ctx());
        assertThat(json(read.handleRequest(get(sku), ctx())).get("title").asText())
                .isEqualTo(title);
    }

    @Test
    void publicReadsAreCacheableByTheirOwnTtlsAndAdminAnswersAreNoStore() {
        String sku = newSku();
        APIGatewayV2HTTPResponse created = admin.handleRequest(
                put(sku, "{\"title\":\"Cap\",\"priceCents\":900,\"currency\":\"USD\",\"stock\":3}"), ctx());
        assertThat(created.getHeaders()).containsEntry("cache-control", "no-store");
        assertThat(admin.handleRequest(restock(sku, "{\"quantity\":2}"), ctx()).getHeaders())
                .containsEntry("cache-control", "no-store");
        assertThat(admin.handleRequest(stock(sku), ctx()).getHeaders()).containsEntry("cache-control", "no-store");
        APIGatewayV2HTTPEvent anonymous = stock(sku);
        anonymous.getRequestContext().setAuthorizer(null);
        assertThat(admin.handleRequest(anonymous, ctx()).getHeaders())
                .as("an admin error too")
                .containsEntry("cache-control", "no-store");
        assertThat(admin.handleRequest(put(sku, "{not json"), ctx()).getHeaders())
                .containsEntry("cache-control", "no-store");

        assertThat(read.handleRequest(get(sku), ctx()).getHeaders())
                .containsEntry("cache-control", "public, max-age=2, s-maxage=5, stale-while-revalidate=5");
        assertThat(read.handleRequest(list(Map.of("limit", "2")), ctx()).getHeaders())
                .containsEntry("cache-control", "public, max-age=5, s-maxage=10, stale-while-revalidate=30");
        // Asked with a token (the host console): fresh for that caller and never kept, whatever the token.
        APIGatewayV2HTTPEvent withToken = get(sku);
        Map<String, String> headers = new HashMap<>(withToken.getHeaders() == null ? Map.of() : withToken.getHeaders());
        headers.put("authorization", "Bearer any");
        withToken.setHeaders(headers);
        APIGatewayV2HTTPResponse hosts = read.handleRequest(withToken, ctx());
        assertThat(hosts.getStatusCode()).isEqualTo(200);
        assertThat(hosts.getHeaders()).containsEntry("cache-control", "no-store");
        // A public read's 4xx depends on the URL alone: kept briefly, never stale.
        assertThat(read.handleRequest(get(newSku()), ctx()).getHeaders())
                .containsEntry("cache-control", "public, max-age=5, s-maxage=5");
        assertThat(read.handleRequest(list(Map.of("limit", "abc")), ctx()).getHeaders())
                .containsEntry("cache-control", "public, max-age=5, s-maxage=5");
    }

    // ------------------------------------------------------------------ helpers

    private static String newSku() {
        return "test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static APIGatewayV2HTTPEvent sample(String name) {
        return EventLoader.loadApiGatewayHttpEvent(
                SamTemplate.repoRoot().resolve("events-samples/catalog/" + name).toString());
    }

    private static APIGatewayV2HTTPEvent put(String sku, String body) {
        APIGatewayV2HTTPEvent event = sample("put-product.json");
        event.setPathParameters(Map.of("sku", sku));
        event.setRawPath("/products/" + sku);
        event.setBody(body);
        return event;
    }

    private static APIGatewayV2HTTPEvent restock(String sku, String body) {
        APIGatewayV2HTTPEvent event = sample("restock.json");
        event.setPathParameters(Map.of("sku", sku));
        event.setBody(body);
        return event;
    }

    private static APIGatewayV2HTTPEvent stock(String sku) {
        APIGatewayV2HTTPEvent event = sample("get-stock.json");
        event.setPathParameters(Map.of("sku", sku));
        return event;
    }

    private static APIGatewayV2HTTPEvent get(String sku) {
        APIGatewayV2HTTPEvent event = sample("get-product.json");
        event.setPathParameters(Map.of("sku", sku));
        return event;
    }

    private static APIGatewayV2HTTPEvent list(Map<String, String> query) {
        APIGatewayV2HTTPEvent event = sample("list-products.json");
        event.setQueryStringParameters(query);
        return event;
    }

    private static TestContext ctx() {
        return new TestContext("catalog-test");
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (Exception e) {
            throw new AssertionError("Response is not JSON: " + response.getBody(), e);
        }
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
        assertThat(json(response).at("/error/code").asText()).isEqualTo(code);
        assertThat(json(response).at("/error/message").asText()).isNotBlank();
    }

    private static void assertNoProduct(String sku) {
        assertThat(read.handleRequest(get(sku), ctx()).getStatusCode()).isEqualTo(404);
    }
}
