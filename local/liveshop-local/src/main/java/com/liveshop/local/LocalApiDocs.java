package com.liveshop.local;

import com.liveshop.shared.http.EdgeHeaders;
import dev.samlocal.protocol.LocalJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The API contract for frontend developers: {@code GET /openapi.yaml} (the repository's file, copied into the jar under
 * {@code liveshop-api/} at build time) and {@code GET /docs}, a reference page rendering it with Redoc's standalone
 * bundle (copied from npm at build time to {@code /web/vendor/redoc/}, like the IVS player). Without that bundle (no
 * npm at build time) {@code /docs} says so and links the file.
 */
final class LocalApiDocs {

    static final String SPEC_RESOURCE = "liveshop-api/openapi.yaml";
    static final String REDOC_RESOURCE = LocalWeb.RESOURCE_ROOT + "vendor/redoc/redoc.standalone.js";

    /**
     * Redoc renders with inline styles (styled-components) and runs its search index in a blob: worker; everything else
     * stays on this origin, as on the pages.
     */
    private static final String CSP = "default-src 'self'; script-src 'self'; worker-src blob:; style-src 'self' "
            + "'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'none'";

    private static final String HEAD = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <meta http-equiv="Content-Security-Policy" content="%s">
              <meta name="referrer" content="strict-origin-when-cross-origin">
              <title>LiveShop API reference</title>
            </head>
            """.formatted(CSP);

    private static final String REDOC_PAGE = HEAD + """
            <body>
              <redoc spec-url="/openapi.yaml"></redoc>
              <script src="/web/vendor/redoc/redoc.standalone.js"></script>
            </body>
            </html>
            """;

    private static final String NOT_BUNDLED_PAGE = HEAD + """
            <body>
              <h1>LiveShop API reference</h1>
              <p>The reference page is not bundled in this build (npm was missing when it was built, so Redoc could not
              be copied). The contract itself is <a href="/openapi.yaml">/openapi.yaml</a> (OpenAPI 3.1).</p>
            </body>
            </html>
            """;

    void register(RoutesConfig routes) {
        routes.get("/openapi.yaml", LocalApiDocs::spec);
        routes.get("/docs", LocalApiDocs::page);
    }

    static Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("GET /openapi.yaml", "the HTTP API's contract (OpenAPI 3.1), real-time frames included");
        d.put("GET /docs", "the API reference (Redoc) rendering /openapi.yaml");
        return d;
    }

    private static void spec(Context ctx) throws IOException {
        try (InputStream in = LocalApiDocs.class.getClassLoader().getResourceAsStream(SPEC_RESOURCE)) {
            if (in == null) {
                LocalJson.error(ctx, 404, "NOT_FOUND", "openapi.yaml is not in this build");
                return;
            }
            headers(ctx.status(200).contentType("application/yaml; charset=utf-8"));
            ctx.result(in.readAllBytes());
        }
    }

    private static void page(Context ctx) {
        boolean bundled = LocalApiDocs.class.getClassLoader().getResource(REDOC_RESOURCE) != null;
        headers(ctx.status(200).contentType("text/html; charset=utf-8"));
        ctx.result(bundled ? REDOC_PAGE : NOT_BUNDLED_PAGE);
    }

    private static void headers(Context ctx) {
        ctx.header("cache-control", "no-cache");
        // What the CDN's response-headers policy adds in front of the pages.
        EdgeHeaders.SECURITY.forEach(ctx::header);
    }
}
