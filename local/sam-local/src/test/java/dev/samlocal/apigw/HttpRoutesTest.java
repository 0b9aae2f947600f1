package dev.samlocal.apigw;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpRoutesTest {

    private static HttpRoutes routes(String... keys) {
        HttpRoutes routes = new HttpRoutes();
        for (String key : keys) {
            String[] parts = HttpRoutes.parseRouteKey(key);
            routes.add(new HttpRoutes.Route(key.equals("$default") ? "$default" : key, parts[0], parts[1], null, null));
        }
        return routes;
    }

    @Test
    void literalSegmentsBeatParametersWhichBeatGreedyOnes() {
        HttpRoutes routes =
                routes("GET /products/{sku}", "GET /products/featured", "GET /{proxy+}", "ANY /products/{sku}");

        assertThat(routes.match("GET", "/products/featured")
                        .orElseThrow()
                        .route()
                        .routeKey())
                .isEqualTo("GET /products/featured");
        var sku = routes.match("GET", "/products/cds-silk-scarf").orElseThrow();
        assertThat(sku.route().routeKey()).isEqualTo("GET /products/{sku}");
        assertThat(sku.pathParameters()).containsEntry("sku", "cds-silk-scarf");
        assertThat(routes.match("DELETE", "/products/x").orElseThrow().route().routeKey())
                .isEqualTo("ANY /products/{sku}");
        var greedy = routes.match("GET", "/a/b/c").orElseThrow();
        assertThat(greedy.route().routeKey()).isEqualTo("GET /{proxy+}");
        assertThat(greedy.pathParameters()).containsEntry("proxy", "a/b/c");
    }

    @Test
    void unmatchedPathsAndMethodsFallToDefaultOrNothing() {
        HttpRoutes routes = routes("GET /products/{sku}", "POST /orders");
        assertThat(routes.match("POST", "/products/x")).isEmpty();
        assertThat(routes.match("GET", "/products/")).isEmpty();
        assertThat(routes.match("GET", "/products/a/b")).isEmpty();
        assertThat(routes.match("GET", "/orders")).isEmpty();

        HttpRoutes withDefault = routes("POST /orders", "$default");
        assertThat(withDefault.match("GET", "/anything").orElseThrow().route().routeKey())
                .isEqualTo("$default");
    }

    @Test
    void pathParametersAreDecoded() {
        var match =
                routes("GET /products/{sku}").match("GET", "/products/a%20b+c").orElseThrow();
        assertThat(match.pathParameters()).containsEntry("sku", "a b+c");
    }
}
