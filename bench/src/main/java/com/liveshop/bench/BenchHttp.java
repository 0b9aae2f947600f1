package com.liveshop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalStack;
import com.liveshop.shared.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** What the benchmarks that drive a local stack over HTTP share: requests, answers, a live show, percentiles. */
final class BenchHttp {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private BenchHttp() {}

    /** A JSON request; {@code headers} as name, value pairs (e.g. authorization, X-Chat-Ticket). */
    static HttpResponse<String> send(LocalStack stack, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.url() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** As {@link #send} with the host's token. */
    static HttpResponse<String> asHost(LocalStack stack, String token, String method, String path, String body)
            throws Exception {
        return send(stack, method, path, body, "authorization", "Bearer " + token);
    }

    static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(
                    "Expected " + status + " but got " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    static void awaitLive(LocalStack stack, String sessionId) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (json(send(stack, "GET", "/sessions/" + sessionId, null))
                    .get("status")
                    .asText()
                    .equals("LIVE")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The session did not go LIVE");
    }

    /** The p-th percentile of sorted nanosecond figures, in milliseconds. */
    static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(sorted.length * p / 100.0) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
