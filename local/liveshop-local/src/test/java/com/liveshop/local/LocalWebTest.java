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
