package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import dev.samlocal.apigw.PayloadV2EventFactory;
import dev.samlocal.apigw.PayloadV2EventFactory.IncomingRequest;
import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.lambda.LambdaSerialization;
import dev.samlocal.template.SamTemplate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PayloadV2EventFactoryTest {

    private static final Instant NOW = Instant.parse("2026-11-29T18:02:11Z");
    private final PayloadV2EventFactory factory = new PayloadV2EventFactory(Clock.fixed(NOW, ZoneOffset.UTC));
    private final JwtAuthorizer jwt =
            new JwtAuthorizer("http://localhost:3000/_local/cognito", Clock.fixed(NOW, ZoneOffset.UTC));

    private IncomingRequest put(String body) {
        return new IncomingRequest(
                "PUT",
                "/products/cds-cashmere-sweater",
                "",
                List.of(
                        Map.entry("Accept", "application/json"),
                        Map.entry("Content-Type", "application/json"),
                        Map.entry("Host", "localhost:3000"),
                        Map.entry("User-Agent", "curl/8.0"),
                        Map.entry("Authorization", "Bearer x")),
                body.getBytes(StandardCharsets.UTF_8),
                "127.0.0.1",
                "HTTP/1.1",
                3000);
    }

    @Test
    void hasTheSameFieldsAsTheEventApiGatewaySendsForTheSameRoute() throws Exception {
        JwtAuthorizer.Decision decision = jwt.authorize(jwt.hostToken());
        Map<String, Object> event = factory.build(
                put("{\"title\":\"x\"}"),
                "PUT /products/{sku}",
                Map.of("sku", "cds-cashmere-sweater"),
                decision,
                "CkE2Wg3NoAMEbOQ=");
        JsonNode local = Json.MAPPER.readTree(PayloadV2EventFactory.toJson(event));
        JsonNode sample = Json.MAPPER.readTree(
                Files.readString(SamTemplate.repoRoot().resolve("events-samples/catalog/put-product.json")));

        // Claims differ by token; every other field path is the one API Gateway sends.
        assertThat(paths(local, "")).containsAll(paths(sample, ""));
        assertThat(local.get("version").asText()).isEqualTo("2.0");
        assertThat(local.at("/requestContext/stage").asText()).isEqualTo("$default");
        assertThat(local.at("/requestContext/time").asText()).isEqualTo("29/Nov/2026:18:02:11 +0000");
        assertThat(local.at("/requestContext/timeEpoch").asLong()).isEqualTo(NOW.toEpochMilli());
        assertThat(local.at("/requestContext/http/method").asText()).isEqualTo("PUT");
        assertThat(local.at("/requestContext/domainName").asText()).isEqualTo("localhost");
        assertThat(local.at("/requestContext/authorizer/jwt/claims/cognito:groups")
                        .asText())
                .isEqualTo("[hosts]");
        assertThat(local.at("/requestContext/authorizer/jwt/claims/exp").asText())
                .matches("\\d{10}");
        assertThat(local.at("/requestContext/authorizer/jwt/claims/email_verified")
                        .asText())
                .isEqualTo("true");
        assertThat(local.get("headers").has("Content-Type")).isFalse();
        assertThat(local.at("/headers/content-type").asText()).isEqualTo("application/json");
        assertThat(local.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(local.get("body").asText()).isEqualTo("{\"title\":\"x\"}");
    }

    private static Set<String> paths(JsonNode node, String prefix) {
        Set<String> out = new TreeSet<>();
        node.properties().forEach(e -> {
            String path = prefix + "/" + e.getKey();
            if (path.startsWith("/requestContext/authorizer/jwt/claims/")) {
                return;
            }
            out.add(path);
            if (e.getValue().isObject()) {
                out.addAll(paths(e.getValue(), path));
            }
        });
        return out;
    }

    @Test
    void headersCookiesAndQueryAreShapedAsPayloadV2() {
        IncomingRequest request = new IncomingRequest(
                "GET",
                "/products",
                "limit=5&tag=a&tag=b%20c&flag",
                List.of(
                        Map.entry("X-Multi", "1"),
                        Map.entry("x-multi", "2"),
                        Map.entry("Cookie", "a=1; b=2"),
                        Map.entry("Host", "localhost:3000")),
                new byte[0],
                "127.0.0.1",
                "HTTP/1.1",
                3000);
        Map<String, Object> event = factory.build(request, "GET /products", Map.of(), null, "id");

        assertThat(event).doesNotContainKeys("body", "pathParameters");
        assertThat(event.get("isBase64Encoded")).isEqualTo(false);
        assertThat(event.get("cookies")).isEqualTo(List.of("a=1", "b=2"));
        @SuppressWarnings("unchecked")
        Map<String, String> headers = (Map<String, String>) event.get("headers");
        assertThat(headers)
                .containsEntry("x-multi", "1,2")
                .doesNotContainKey("cookie")
                .containsKey("x-forwarded-for");
        assertThat(event.get("queryStringParameters")).isEqualTo(Map.of("limit", "5", "tag", "a,b c", "flag", ""));
        assertThat(event.get("rawQueryString")).isEqualTo("limit=5&tag=a&tag=b%20c&flag");
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) event.get("requestContext");
        assertThat(context).doesNotContainKey("authorizer");
    }

    @Test
    void nonTextBodiesAreBase64Encoded() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1};
        IncomingRequest request = new IncomingRequest(
                "POST",
                "/upload",
                "",
                List.of(Map.entry("content-type", "image/png")),
                png,
                "127.0.0.1",
                "HTTP/1.1",
                3000);
        Map<String, Object> event = factory.build(request, "POST /upload", Map.of(), null, "id");

        assertThat(event.get("isBase64Encoded")).isEqualTo(true);
        assertThat(Base64.getDecoder().decode((String) event.get("body"))).isEqualTo(png);
        assertThat(PayloadV2EventFactory.isText("application/json; charset=utf-8"))
                .isTrue();
        assertThat(PayloadV2EventFactory.isText("application/vnd.api+json")).isTrue();
        assertThat(PayloadV2EventFactory.isText("application/x-www-form-urlencoded"))
                .isFalse();
        assertThat(PayloadV2EventFactory.isText(null)).isFalse();
    }

    @Test
    void theLambdaRuntimeSerializerReadsItIntoTheEventClass() {
        JwtAuthorizer.Decision decision = jwt.authorize("Bearer " + jwt.hostToken());
        IncomingRequest request = new IncomingRequest(
                "POST",
                "/carts/c1/items",
                "x=1",
                List.of(Map.entry("content-type", "application/json"), Map.entry("cookie", "s=1")),
                "{\"sku\":\"a\"}".getBytes(StandardCharsets.UTF_8),
                "10.0.0.1",
                "HTTP/1.1",
                3000);
        String json = PayloadV2EventFactory.toJson(
                factory.build(request, "POST /carts/{cartId}/items", Map.of("cartId", "c1"), decision, "rid"));

        APIGatewayV2HTTPEvent event =
                (APIGatewayV2HTTPEvent) LambdaSerialization.fromJson(json, APIGatewayV2HTTPEvent.class);

        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("POST /carts/{cartId}/items");
        assertThat(event.getRawPath()).isEqualTo("/carts/c1/items");
        assertThat(event.getRawQueryString()).isEqualTo("x=1");
        assertThat(event.getCookies()).containsExactly("s=1");
        assertThat(event.getQueryStringParameters()).containsEntry("x", "1");
        assertThat(event.getPathParameters()).containsEntry("cartId", "c1");
        assertThat(event.getBody()).isEqualTo("{\"sku\":\"a\"}");
        assertThat(event.getIsBase64Encoded()).isFalse();
        assertThat(event.getRequestContext().getRequestId()).isEqualTo("rid");
        assertThat(event.getRequestContext().getStage()).isEqualTo("$default");
        assertThat(event.getRequestContext().getHttp().getMethod()).isEqualTo("POST");
        assertThat(event.getRequestContext().getHttp().getSourceIp()).isEqualTo("10.0.0.1");
        assertThat(event.getRequestContext().getAuthorizer().getJwt().getClaims())
                .containsEntry("cognito:groups", "[hosts]")
                .containsKey("sub");
        assertThat(event.getRequestContext().getTimeEpoch()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void requestIdsLookLikeApiGatewayOnes() {
        assertThat(PayloadV2EventFactory.newRequestId()).matches("[A-Za-z0-9+/]{14}==");
    }
}
