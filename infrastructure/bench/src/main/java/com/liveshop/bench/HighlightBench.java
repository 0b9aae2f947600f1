package com.liveshop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalIvs;
import com.liveshop.local.LocalStack;
import com.liveshop.local.Options;
import com.liveshop.shared.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Time from {@code POST /sessions/{id}/highlights} to the cue arriving at a local player, over the whole local
 * stack (HTTP API → JWT check → HighlightFunction → IvsClient → local IVS → player WebSocket), paced within
 * IVS's 5 PutMetadata/s per channel.
 */
final class HighlightBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HighlightBench() {}

    static void run(int highlights, int perSecond) throws Exception {
        try (LocalStack stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false))) {
            String token = json(send(stack, "GET", "/_local/host-token", null, null)).get("token").asText();
            String sku = "bench-highlight";
            expect(send(stack, "PUT", "/products/" + sku, token,
                    "{\"title\":\"Bench Lamp\",\"priceCents\":3900,\"currency\":\"USD\",\"stock\":100}"), 201);
            JsonNode session = json(expect(send(stack, "POST", "/sessions", token, "{\"title\":\"Bench show\",\"startsAt\":\""
                    + Instant.now().plusSeconds(60) + "\",\"lineup\":[\"" + sku + "\"]}"), 201));
            String sessionId = session.get("sessionId").asText();
            String channelArn = session.get("channelArn").asText();

            BlockingQueue<String> cues = new LinkedBlockingQueue<>();
            WebSocket player = HTTP.newWebSocketBuilder().buildAsync(URI.create(stack.url().replace("http://", "ws://")
                    + LocalIvs.PLAYER_PATH + "?channelArn=" + URLEncoder.encode(channelArn, StandardCharsets.UTF_8)),
                    new Collector(cues)).join();
            stack.ivs().broadcast(channelArn, LocalIvs.Action.START);
            awaitLive(stack, sessionId);

            String body = "{\"sku\":\"" + sku + "\"}";
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
            long[] latencies = new long[highlights];
            int throttled = 0;
            int lost = 0;
            long start = System.nanoTime();
            for (int i = 0; i < highlights; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long t0 = System.nanoTime();
                HttpResponse<String> response = send(stack, "POST", "/sessions/" + sessionId + "/highlights", token, body);
                if (response.statusCode() == 429) {
                    throttled++;
                    latencies[i] = Long.MAX_VALUE;
                    continue;
                }
                expect(response, 202);
                String highlightId = json(response).get("highlightId").asText();
                String cue = cues.poll(10, TimeUnit.SECONDS);
                if (cue == null || !cue.contains(highlightId)) {
                    lost++;
                    latencies[i] = Long.MAX_VALUE;
                    continue;
                }
                latencies[i] = System.nanoTime() - t0;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            player.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();

            long[] delivered = Arrays.stream(latencies).filter(l -> l != Long.MAX_VALUE).sorted().toArray();
            System.out.println();
            System.out.printf("highlights: %d POST /sessions/{id}/highlights at %d/s (IVS allows 5/s per channel), %.1f s%n",
                    highlights, perSecond, seconds);
            System.out.printf("  cues delivered=%d throttled429=%d lost=%d%n", delivered.length, throttled, lost);
            System.out.printf("  POST -> TEXT_METADATA_CUE at the player: p50 %.1f ms  p99 %.1f ms  max %.1f ms%n",
                    percentile(delivered, 50), percentile(delivered, 99), percentile(delivered, 100));
        }
    }

    private static void awaitLive(LocalStack stack, String sessionId) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (json(send(stack, "GET", "/sessions/" + sessionId, null, null)).get("status").asText().equals("LIVE")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The session did not go LIVE");
    }

    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(sorted.length * p / 100.0) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("Expected " + status + " but got " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    private static HttpResponse<String> send(LocalStack stack, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    /** A player: collects each cue's text (the JDK client may hand a message over in several parts). */
    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<String> cues;
        private final StringBuilder partial = new StringBuilder();

        Collector(BlockingQueue<String> cues) {
            this.cues = cues;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    cues.add(Json.MAPPER.readTree(partial.toString()).get("text").asText());
                } catch (Exception e) {
                    cues.add("unreadable: " + partial);
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }
}
