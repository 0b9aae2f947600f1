package dev.samlocal.protocol;

import dev.samlocal.core.Json;
import io.javalin.http.Context;
import java.util.Map;

/** JSON answers of the local control endpoints, in the project's error shape for errors. */
public final class LocalJson {

    private LocalJson() {}

    public static void write(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    public static void error(Context ctx, int status, String code, String message) {
        write(ctx, status, Map.of("error", Map.of("code", code, "message", message)));
    }
}
