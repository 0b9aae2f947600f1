package com.liveshop.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.Options;
import dev.samlocal.ivs.LocalIvs;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * A running local stack driven over HTTP as a frontend and a host console do, for end-to-end tests: requests with or
 * without the host's token, a product, a show that is live (the simulated broadcast started), and waiting on a
 * condition that the stack's asynchronous paths (rules, streams, queues) make true.
 */
final class LocalShow implements AutoCloseable {

    interface Check {
        boolean ok() throws Exception;
    }

    final LocalStack stack;
    private final String hostToken;

    private LocalShow(LocalStack stack, String hostToken) {
        this.stack = stack;
        this.hostToken = hostToken;
    }

    /** An ephemeral stack without the demo seed and schedules. */
    static LocalShow start() throws Exception {
        LocalStack stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        String token = LocalHttp.json(LocalHttp.send(stack.url(), "GET", "/_local/host-token", null))
                .get("token")
                .asText();
        return new LocalShow(stack, token);
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }

    HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, body, "authorization", "Bearer " + hostToken);
    }

    /** Creates a product (201) with {@code stock} units. */
    void product(String sku, String title, long priceCents, int stock) throws Exception {
        HttpResponse<String> created = admin(
                "PUT",
                "/products/" + sku,
                "{\"title\":\"" + title + "\",\"priceCents\":" + priceCents + ",\"currency\":\"USD\",\"stock\":" + stock
                        + "}");
        if (created.statusCode() != 201) {
            throw new AssertionError("PUT /products/" + sku + ": " + created.statusCode() + " " + created.body());
        }
    }

    /** Creates a show with {@code sku} in its lineup, starts its broadcast and waits until it is LIVE; its id. */
    String liveShow(String title, String sku) throws Exception {
        JsonNode session = LocalHttp.json(admin(
                "POST",
                "/sessions",
                "{\"title\":\"" + title + "\",\"startsAt\":\"" + Instant.now().plusSeconds(600) + "\",\"lineup\":[\""
                        + sku + "\"]}"));
        String sessionId = session.get("sessionId").asText();
        send(
                "POST",
                LocalIvs.BROADCAST_PATH,
                "{\"channelArn\":\"" + session.get("channelArn").asText() + "\",\"action\":\"start\"}");
        await(
                () -> LocalHttp.json(send("GET", "/sessions/" + sessionId, null))
                        .get("status")
                        .asText()
                        .equals("LIVE"),
                "LIVE");
        return sessionId;
    }

    /** Waits up to 30 s for {@code condition}. */
    static void await(Check condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        stack.close();
    }
}
