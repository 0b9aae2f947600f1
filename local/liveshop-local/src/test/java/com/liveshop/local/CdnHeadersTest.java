package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.samlocal.Options;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Through the local stack's real HTTP server, the headers a deployed stack's CDN serves: a public read's own
 * Cache-Control, no-store on admin and cart answers (errors too), and the CDN's security headers on every answer.
 */
class CdnHeadersTest {

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

    private static void assertEdgeHeaders(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("referrer-policy")).hasValue("strict-origin-when-cross-origin");
        assertThat(r.headers().firstValue("content-security-policy")).hasValue("frame-ancestors 'none'");
    }

    @Test
    void aPublicReadIsCacheableByItsOwnTtls() throws Exception {
        HttpResponse<String> product = send("GET", "/products/cds-silk-scarf", null);
        assertThat(product.statusCode()).isEqualTo(200);
        assertThat(product.headers().firstValue("cache-control"))
                .hasValue("public, max-age=2, s-maxage=5, stale-while-revalidate=5");
        assertEdgeHeaders(product);
        HttpResponse<String> list = send("GET", "/sessions?limit=5", null);
        assertThat(list.headers().firstValue("cache-control"))
                .hasValue("public, max-age=5, s-maxage=5, stale-while-revalidate=10");
        HttpResponse<String> withToken =
                send("GET", "/products/cds-silk-scarf", null, "authorization", "Bearer anything");
        assertThat(withToken.headers().firstValue("cache-control"))
                .as("a host's read: never shared, never kept")
                .hasValue("no-store");
        HttpResponse<String> unknown = send("GET", "/products/no-such-sku", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("cache-control")).hasValue("public, max-age=5, s-maxage=5");
    }

    @Test
    void adminAnswersAreNoStoreErrorsIncluded() throws Exception {
        String host = LocalHttp.json(send("GET", "/_local/host-token", null))
                .get("token")
                .asText();
        HttpResponse<String> stock =
                send("GET", "/products/cds-silk-scarf/stock", null, "authorization", "Bearer " + host);
        assertThat(stock.statusCode()).isEqualTo(200);
        assertThat(stock.headers().firstValue("cache-control")).hasValue("no-store");
        assertEdgeHeaders(stock);
        HttpResponse<String> put =
                send("PUT", "/products/cds-silk-scarf", "{\"title\":\"\"}", "authorization", "Bearer " + host);
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(put.headers().firstValue("cache-control")).hasValue("no-store");
    }

    @Test
    void cartAnswersAreNoStore() throws Exception {
        String cart = UUID.randomUUID().toString();
        HttpResponse<String> hold =
                send("POST", "/carts/" + cart + "/items", "{\"sku\":\"cds-silk-scarf\",\"quantity\":1}");
        assertThat(hold.statusCode()).as(hold.body()).isEqualTo(201);
        assertThat(hold.headers().firstValue("cache-control")).hasValue("no-store");
        assertEdgeHeaders(hold);
        HttpResponse<String> read = send("GET", "/carts/" + cart, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("cache-control")).hasValue("no-store");
    }
}
