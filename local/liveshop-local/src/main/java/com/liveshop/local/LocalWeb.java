package com.liveshop.local;

import com.liveshop.shared.http.EdgeHeaders;
import dev.samlocal.protocol.LocalJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The viewer page and the host console ({@code web}, copied into the jar under {@code liveshop-web/}): {@code /} picks
 * the live or next show, {@code /watch/{sessionId}} is the viewer page, {@code /host} the host console, {@code /web/*}
 * the static files themselves. The same files can be hosted on S3 and pointed at a deployed API through
 * {@code web/config.js}.
 *
 * <p>The embed: {@code /embed/liveshop.js} is the loader a brand's page includes, {@code /embed/watch/{sessionId}} the
 * same viewer page in embed mode, frameable only by the origins of EmbedAllowedOrigins. {@code /demo-shop/} is a
 * pretend brand's site (local only) that embeds the demo show cross-origin: it is opened as
 * {@code http://localhost:port} while its script tag points at {@code http://127.0.0.1:port}, so CORS, frame-ancestors
 * and the postMessage origins are checked exactly as on a real brand's site.
 */
final class LocalWeb {

    static final String RESOURCE_ROOT = "liveshop-web/";
    static final String DEMO_SHOP_ROOT = "demo-shop/";
    /** The demo shop's pages; {{EMBED_ORIGIN}} and {{DEMO_SHOW_ID}} in them are filled in when served. */
    private static final List<String> DEMO_SHOP_FILES = List.of("index.html", "product.html", "shop.css", "shop.js");
    /** Names with inner dots (amazon-ivs-player.min.js) but never an empty segment or "..". */
    private static final Pattern SAFE_PATH = Pattern.compile(
            "[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*(/[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*)*\\.[a-z0-9]+");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json",
            "wasm", "application/wasm");

    /** Where the embed is loaded from by the demo shop (the stack's other loopback name: a different origin). */
    private final String embedOrigin;
    /** EmbedAllowedOrigins: who may frame /embed/watch/*. */
    private final List<String> embedAllowedOrigins;
    /** The demo show's id once seeded (null before, or without the seed). */
    private final Supplier<String> demoShowId;

    LocalWeb(String stackUrl, List<String> embedAllowedOrigins, Supplier<String> demoShowId) {
        this.embedOrigin = embedOrigin(stackUrl);
        this.embedAllowedOrigins = embedAllowedOrigins;
        this.demoShowId = demoShowId;
    }

    /** The stack as seen from the demo shop at http://localhost:port: http://127.0.0.1:port (another origin). */
    static String embedOrigin(String stackUrl) {
        return stackUrl.replaceFirst("^http://localhost:", "http://127.0.0.1:");
    }

    void register(RoutesConfig routes) {
        // "/" is also the HTTP API's catch-all route, registered after this: answer GET / here and skip it.
        routes.before("/", ctx -> {
            if (ctx.method() == HandlerType.GET) {
                serve(ctx, "index.html");
                ctx.skipRemainingHandlers();
            }
        });
        routes.get("/watch/{sessionId}", ctx -> serve(ctx, "watch.html"));
        routes.get("/host", ctx -> serve(ctx, "host.html"));
        routes.get("/host/report/{sessionId}", ctx -> serve(ctx, "report.html"));
        routes.get("/web/<path>", ctx -> serve(ctx, ctx.pathParam("path")));
        routes.get("/embed/liveshop.js", ctx -> serve(ctx, "embed/liveshop.js"));
        routes.get("/embed/watch/{sessionId}", ctx -> {
            serve(ctx, "watch.html");
            EdgeHeaders.embedding(embedAllowedOrigins).forEach(ctx::header);
        });
        routes.get("/demo-shop/", ctx -> serveDemoShop(ctx, "index.html"));
        routes.get("/demo-shop/{file}", ctx -> serveDemoShop(ctx, ctx.pathParam("file")));
    }

    static Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("GET /", "the viewer page of the live or next show");
        d.put("GET /watch/{sessionId}", "the viewer page of one show");
        d.put("GET /host", "the host console");
        d.put("GET /host/report/{sessionId}", "a show's sales report (hosts), printable");
        d.put("GET /web/*", "the pages' static files (web)");
        d.put(
                "GET /embed/liveshop.js",
                "the embed loader: one script tag on a brand's page (docs/web-pages.md \"Embed\")");
        d.put("GET /embed/watch/{sessionId}", "the viewer page in embed mode, frameable by EmbedAllowedOrigins");
        d.put("GET /demo-shop/", "a pretend brand's site embedding the demo show (open it at http://localhost:port)");
        d.put("GET /demo-shop/product.html", "the demo shop's product page (the player's product links lead here)");
        return d;
    }

    private void serveDemoShop(Context ctx, String file) throws IOException {
        if (!DEMO_SHOP_FILES.contains(file)) {
            LocalJson.error(ctx, 404, "NOT_FOUND", "No such file: " + file);
            return;
        }
        try (InputStream in = LocalWeb.class.getClassLoader().getResourceAsStream(DEMO_SHOP_ROOT + file)) {
            String id = demoShowId.get();
            String page = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{{EMBED_ORIGIN}}", embedOrigin)
                    .replace("{{DEMO_SHOW_ID}}", id == null ? "" : id);
            String extension = file.substring(file.lastIndexOf('.') + 1);
            ctx.status(200).contentType(TYPES.get(extension)).header("cache-control", "no-cache");
            EdgeHeaders.SECURITY.forEach(ctx::header);
            ctx.result(page);
        }
    }

    private static void serve(Context ctx, String path) throws IOException {
        if (!SAFE_PATH.matcher(path).matches()) {
            LocalJson.error(ctx, 404, "NOT_FOUND", "No such file");
            return;
        }
        String extension = path.substring(path.lastIndexOf('.') + 1);
        try (InputStream in = LocalWeb.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + path)) {
            if (in == null) {
                LocalJson.error(ctx, 404, "NOT_FOUND", "No such file: " + path);
                return;
            }
            ctx.status(200)
                    .contentType(TYPES.getOrDefault(extension, "application/octet-stream"))
                    .header("cache-control", "no-cache");
            // What the CDN's response-headers policy adds in front of the pages (and of the API: HttpApiEmulator).
            EdgeHeaders.SECURITY.forEach(ctx::header);
            ctx.result(in.readAllBytes());
        }
    }
}
