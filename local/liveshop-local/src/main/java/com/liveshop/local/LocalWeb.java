package com.liveshop.local;

import com.liveshop.shared.http.EdgeHeaders;
import dev.samlocal.protocol.LocalJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The viewer page and the host console ({@code web}, copied into the jar under {@code liveshop-web/}): {@code /} picks
 * the live or next show, {@code /watch/{sessionId}} is the viewer page, {@code /host} the host console, {@code /web/*}
 * the static files themselves. The same files can be hosted on S3 and pointed at a deployed API through
 * {@code web/config.js}.
 */
final class LocalWeb {

    static final String RESOURCE_ROOT = "liveshop-web/";
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
    }

    Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("GET /", "the viewer page of the live or next show");
        d.put("GET /watch/{sessionId}", "the viewer page of one show");
        d.put("GET /host", "the host console");
        d.put("GET /host/report/{sessionId}", "a show's sales report (hosts), printable");
        d.put("GET /web/*", "the pages' static files (web)");
        return d;
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
