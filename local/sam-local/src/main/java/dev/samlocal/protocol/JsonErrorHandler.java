package dev.samlocal.protocol;

import dev.samlocal.core.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers by itself, before any route runs (431 headers too large, 400 for a malformed request line or path,
 * …), in the API's one error shape instead of Jetty's HTML page: a frontend or a fuzzer sees
 * {@code {"error":{"code":"…","message":"…"}}} from the local stack whatever went wrong, as from API Gateway.
 */
public final class JsonErrorHandler extends ErrorHandler {

    /**
     * Every method gets the body: Jetty's default writes one only for GET, POST and HEAD, so a PUT or DELETE refused by
     * the server (431, a malformed path) came back with no body and no content type.
     */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        String reason = HttpStatus.getMessage(code);
        String body = Json.write(Map.of(
                "error",
                Map.of(
                        "code",
                        reason.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_"),
                        // Jetty's own reason phrase: its detail messages can echo the request back.
                        "message",
                        reason)));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
