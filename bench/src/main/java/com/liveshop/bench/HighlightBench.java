package com.liveshop.bench;

import static com.liveshop.bench.BenchHttp.asHost;
import static com.liveshop.bench.BenchHttp.awaitLive;
import static com.liveshop.bench.BenchHttp.expect;
import static com.liveshop.bench.BenchHttp.json;
import static com.liveshop.bench.BenchHttp.percentile;
import static com.liveshop.bench.BenchHttp.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalStack;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.ivs.LocalIvs;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Time from {@code POST /sessions/{id}/highlights} to the cue arriving at a local player, over the whole local stack
 * (HTTP API → JWT check → HighlightFunction → IvsClient → local IVS → player WebSocket), paced within IVS's 5
 * PutMetadata/s per channel.
 */
final class HighlightBench {

    private static final HttpClient HTTP = BenchHttp.HTTP;

    private HighlightBench() {}

    static void run(int highlights, int perSecond) throws Exception {
        try (LocalStack stack =
                LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false))) {
            String token = json(send(stack, "GET", "/_local/host-token", null))
                    .get("token")
                    .asText();
            String sku = "bench-highlight";
            expect(
                    asHost(
                            stack,
                            token,
                            "PUT",
                            "/products/" + sku,
                            "{\"title\":\"Bench Lamp\",\"priceCents\":3900,\"currency\":\"USD\",\"stock\":100}"),
                    201);
            JsonNode session = json(expect(
                    asHost(
                            stack,
                            token,
                            "POST",
                            "/sessions",
                            "{\"title\":\"Bench show\",\"startsAt\":\""
                                    + Instant.now().plusSeconds(60) + "\",\"lineup\":[\"" + sku + "\"]}"),
                    201));
            String sessionId = session.get("sessionId").asText();
            String channelArn = session.get("channelArn").asText();

            BlockingQueue<String> cues = new LinkedBlockingQueue<>();
            WebSocket player = HTTP.newWebSocketBuilder()
                    .buildAsync(
                            URI.create(stack.url().replace("http://", "ws://") + LocalIvs.PLAYER_PATH + "?channelArn="
                                    + URLEncoder.encode(channelArn, StandardCharsets.UTF_8)),
                            new Collector(cues))
                    .join();
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
                HttpResponse<String> response =
                        asHost(stack, token, "POST", "/sessions/" + sessionId + "/highlights", body);
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

            long[] delivered = Arrays.stream(latencies)
                    .filter(l -> l != Long.MAX_VALUE)
                    .sorted()
                    .toArray();
            System.out.println();
            System.out.printf(
                    "highlights: %d POST /sessions/{id}/highlights at %d/s (IVS allows 5/s per channel), %.1f s%n",
                    highlights, perSecond, seconds);
            System.out.printf("  cues delivered=%d throttled429=%d lost=%d%n", delivered.length, throttled, lost);
            System.out.printf(
                    "  POST -> TEXT_METADATA_CUE at the player: p50 %.1f ms  p99 %.1f ms  max %.1f ms%n",
                    percentile(delivered, 50), percentile(delivered, 99), percentile(delivered, 100));
        }
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
                    cues.add(
                            Json.MAPPER.readTree(partial.toString()).get("text").asText());
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
