package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests the routes never see — refused by the HTTP server itself — still get the API's JSON error shape, never an
 * HTML page: oversized headers (431), a malformed path (400), an unknown method (404). Sent over a raw socket, since a
 * well-behaved client refuses to send such requests at all.
 */
class LocalServerErrorsTest {

    private static LocalStack stack;
    private static int port;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        port = URI.create(stack.url()).getPort();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    /** Status line and body of one raw HTTP/1.1 exchange. */
    private record Raw(int status, String contentType, String body) {
        JsonNode json() throws Exception {
            return Json.MAPPER.readTree(body);
        }
    }

    private static Raw send(String requestHead) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            int split = response.indexOf("\r\n\r\n");
            String head = response.substring(0, split);
            String body = response.substring(split + 4);
            String type = head.lines()
                    .filter(l -> l.toLowerCase().startsWith("content-type:"))
                    .findFirst()
                    .map(l -> l.substring(13).strip())
                    .orElse("");
            return new Raw(
                    Integer.parseInt(head.split(" ")[1]),
                    type,
                    body.contains("{") ? body.substring(body.indexOf('{'), body.lastIndexOf('}') + 1) : body);
        }
    }

    private static void assertErrorShape(Raw raw, int status) throws Exception {
        assertThat(raw.status()).isEqualTo(status);
        assertThat(raw.contentType()).startsWith("application/json");
        JsonNode error = raw.json().path("error");
        assertThat(error.path("code").isTextual()).isTrue();
        assertThat(error.path("message").isTextual()).isTrue();
        assertThat(raw.body()).doesNotContain("<html");
    }

    @Test
    void oversizedHeadersAre431InTheErrorShape() throws Exception {
        assertErrorShape(
                send("GET /products HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "x".repeat(20_000)
                        + "\r\nConnection: close\r\n\r\n"),
                431);
    }

    @Test
    void aMalformedPathIs400InTheErrorShape() throws Exception {
        assertErrorShape(send("GET /products/%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
        assertErrorShape(send("GET /% HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void aPutOrDeleteRefusedByTheServerGetsTheErrorBodyToo() throws Exception {
        // Jetty writes an error body for GET, POST and HEAD only by default.
        assertErrorShape(
                send("PUT /products/x HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "x".repeat(20_000)
                        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
                431);
        assertErrorShape(
                send("DELETE /carts/%FF%FE/items/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void aPathTheRouterCannotPercentDecodeIs400InTheErrorShape() throws Exception {
        // Jetty lets "%u002e" through; Javalin's router failed to decode it and answered a plain-text 500.
        assertErrorShape(send("GET /products/%u002e HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
        assertErrorShape(
                send("POST /sessions/%u002e/end HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n"),
                400);
    }

    @Test
    void anUnknownMethodIs404InTheErrorShape() throws Exception {
        assertErrorShape(send("BREW /products HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 404);
        assertErrorShape(send("TRACE /products HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 404);
    }
}
