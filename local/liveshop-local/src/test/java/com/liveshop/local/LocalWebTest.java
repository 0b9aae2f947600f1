package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.samlocal.Options;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pages' routes: /, /watch/{id}, /host and /web/* with the right content types; nothing outside web/. */
class LocalWebTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void pagesAndModulesAreServedWithTheirTypes() throws Exception {
        assertThat(get("/")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(r.body()).contains("/web/index.js");
        });
        assertThat(get("/watch/0b6f1c1e-5e0c-4a57-9d7e-2f1b0d0c7a11").body()).contains("/web/viewer.js");
        assertThat(get("/host").body()).contains("/web/host.js");
        assertThat(get("/host/report/0b6f1c1e-5e0c-4a57-9d7e-2f1b0d0c7a11").body())
                .contains("/web/report.js");
        HttpResponse<String> module = get("/web/viewer.js");
        assertThat(module.statusCode()).isEqualTo(200);
        assertThat(module.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(get("/web/app.css").headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    }

    /** The aws-amplify Events client bundled at build time (skipped where npm was missing and nothing was bundled). */
    @Test
    void everyPageCarriesAStrictContentSecurityPolicyAndTheSecurityHeaders() throws Exception {
        for (String page : new String[] {
            "/",
            "/watch/0b6f1c1e-5e0c-4a57-9d7e-2f1b0d0c7a11",
            "/host",
            "/host/report/0b6f1c1e-5e0c-4a57-9d7e-2f1b0d0c7a11"
        }) {
            var r = get(page);
            assertThat(r.body())
                    .as(page)
                    .contains("http-equiv=\"Content-Security-Policy\"")
                    .contains("default-src 'self'")
                    .contains("object-src 'none'")
                    .contains("base-uri 'none'")
                    .doesNotContain("unsafe-inline")
                    .doesNotContain("'unsafe-eval'")
                    .contains("<meta name=\"referrer\" content=\"strict-origin-when-cross-origin\">");
            assertThat(r.headers().firstValue("x-content-type-options"))
                    .as(page)
                    .hasValue("nosniff");
            assertThat(r.headers().firstValue("referrer-policy")).as(page).hasValue("strict-origin-when-cross-origin");
            assertThat(r.headers().firstValue("content-security-policy"))
                    .as(page)
                    .hasValue("frame-ancestors 'none'");
        }
        assertThat(get("/web/app.css").headers().firstValue("x-content-type-options"))
                .hasValue("nosniff");
    }

    @Test
    void theBundledAmplifyEventsClientIsServed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                LocalWeb.class
                                .getClassLoader()
                                .getResource(LocalWeb.RESOURCE_ROOT + "vendor/aws-amplify/amplify-events.min.js")
                        != null,
                "npm was not available at build time: the amplify Events client is not bundled");
        HttpResponse<String> bundle = get("/web/vendor/aws-amplify/amplify-events.min.js");
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(bundle.body()).contains("LiveshopEvents");
        // Its build-time entry point stays out of the served files.
        assertThat(get("/web/tools/amplify-events.js").statusCode()).isEqualTo(404);
    }

    /**
     * The embed: the loader, the watch page at /embed/watch/{id} that the brand sites of EmbedAllowedOrigins (and only
     * they) may frame, and the demo shop, whose one script tag and CSP name the stack under its other loopback name.
     */
    @Test
    void theEmbedAndTheDemoShopAreServed() throws Exception {
        HttpResponse<String> loader = get("/embed/liveshop.js");
        assertThat(loader.statusCode()).isEqualTo(200);
        assertThat(loader.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        HttpResponse<String> player = get("/embed/watch/0b6f1c1e-5e0c-4a57-9d7e-2f1b0d0c7a11");
        assertThat(player.body()).contains("/web/viewer.js");
        String shopOrigin = stack.parameters().get("EmbedAllowedOrigins");
        assertThat(shopOrigin).isEqualTo(stack.url());
        assertThat(player.headers().firstValue("content-security-policy"))
                .hasValue("frame-ancestors 'self' " + shopOrigin);
        assertThat(player.headers().firstValue("x-content-type-options")).hasValue("nosniff");

        String embedOrigin = stack.url().replace("//localhost:", "//127.0.0.1:");
        for (String page : new String[] {"/demo-shop/", "/demo-shop/product.html"}) {
            HttpResponse<String> shop = get(page);
            assertThat(shop.statusCode()).as(page).isEqualTo(200);
            assertThat(shop.body())
                    .as(page)
                    .contains("<script src=\"" + embedOrigin + "/embed/liveshop.js\" async></script>")
                    .contains("frame-src " + embedOrigin + ";")
                    .doesNotContain("{{")
                    .doesNotContain("unsafe-inline");
            assertThat(shop.headers().firstValue("content-security-policy"))
                    .as(page)
                    .hasValue("frame-ancestors 'none'");
        }
        assertThat(get("/demo-shop/shop.js").statusCode()).isEqualTo(200);
        assertThat(get("/demo-shop/missing.html").statusCode()).isEqualTo(404);
        assertThat(get("/demo-shop/..%2Flog4j2.xml").statusCode()).isEqualTo(404);
    }

    @Test
    void onlyFilesOfTheWebFolderAreServed() throws Exception {
        assertThat(get("/web/missing.js").statusCode()).isEqualTo(404);
        assertThat(get("/web/..%2Fliveshop%2Ftemplate.yaml").statusCode()).isEqualTo(404);
        assertThat(get("/web/vendor/..%2F..%2Fliveshop%2Ftemplate.yaml").statusCode())
                .isEqualTo(404);
        assertThat(get("/web/vendor/amazon-ivs-player/..min.js").statusCode()).isEqualTo(404);
        assertThat(get("/web/%2E%2E/log4j2.xml").statusCode()).isEqualTo(404);
        // The HTTP API still answers everything else.
        assertThat(get("/products").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
