package com.liveshop.bench;

import static com.liveshop.bench.BenchHttp.asHost;
import static com.liveshop.bench.BenchHttp.expect;
import static com.liveshop.bench.BenchHttp.json;
import static com.liveshop.bench.BenchHttp.percentile;
import static com.liveshop.bench.BenchHttp.send;

import com.liveshop.local.LocalStack;
import dev.samlocal.Options;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What the per-client cap costs a hold (issue 24): the same add-to-cart storm on the local stack twice, once with the
 * template's caps (each hold also counts against its client's counter, in the same transaction) and once with
 * {@code MaxUnitsPerClientPerSku=-1} (nothing counted). Every buyer has its own cart and its own
 * {@code CloudFront-Viewer-Address}, so with the cap on each hold writes its own client's counter, as real viewers do.
 * Prints hold p50/p99 for both and what answered; asserts nothing.
 *
 * <pre>hold-cap [--buyers 2000] [--concurrency 16] [--rounds 2]</pre>
 */
final class HoldCapBench {

    private HoldCapBench() {}

    static void run(int buyers, int concurrency, int rounds) throws Exception {
        // Alternating rounds in one JVM: the first ones also warm the JIT, so compare the last round of each.
        List<Result> results = new ArrayList<>();
        Result off = null;
        Result on = null;
        for (int round = 1; round <= rounds; round++) {
            off = measure(
                    "off (MaxUnitsPerClientPerSku=-1), round " + round,
                    Options.ephemeral()
                            .withSeed(false)
                            .withSchedules(false)
                            .withParameter("MaxUnitsPerClientPerSku", "-1"),
                    buyers,
                    concurrency);
            on = measure(
                    "on (template defaults), round " + round,
                    Options.ephemeral().withSeed(false).withSchedules(false),
                    buyers,
                    concurrency);
            results.add(off);
            results.add(on);
        }
        System.out.println();
        System.out.printf(
                "hold-cap: %d buyers, one unit each of one sku, %d in flight, "
                        + "each its own cart and CloudFront-Viewer-Address%n",
                buyers, concurrency);
        for (Result r : results) {
            System.out.printf(
                    "  cap %-43s: hold p50 %6.1f ms  p99 %6.1f ms  (%.0f holds/s)  answers %s%n",
                    r.label(), percentile(r.sorted(), 50), percentile(r.sorted(), 99), r.perSecond(), r.statuses());
        }
        System.out.printf(
                "  cost of the cap (last round): p50 %+.1f ms  p99 %+.1f ms%n",
                percentile(on.sorted(), 50) - percentile(off.sorted(), 50),
                percentile(on.sorted(), 99) - percentile(off.sorted(), 99));
        if (on.statuses().keySet().stream().anyMatch(s -> s.contains("CLIENT_LIMIT"))) {
            System.out.println("  NOTE: CLIENT_LIMIT answers mean the local stack took every buyer for one client "
                    + "(it did not honour"
                    + " CloudFront-Viewer-Address): the 'on' figures are not the cost of the check.");
        }
    }

    private record Result(String label, long[] sorted, double perSecond, Map<String, Integer> statuses) {}

    private static Result measure(String label, Options options, int buyers, int concurrency) throws Exception {
        try (LocalStack stack = LocalStack.start(options)) {
            String token = json(send(stack, "GET", "/_local/host-token", null))
                    .get("token")
                    .asText();
            String sku = "bench-cap";
            expect(
                    asHost(
                            stack,
                            token,
                            "PUT",
                            "/products/" + sku,
                            "{\"title\":\"Bench Lamp\",\"priceCents\":2500,\"currency\":\"USD\",\"stock\":"
                                    + (buyers + 1000) + "}"),
                    201);
            // Warm-up (JIT, connections), from addresses the measured buyers do not use.
            storm(stack, sku, 200, concurrency, 1_000_000);
            Map<String, Integer> statuses = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            long[] latencies = storm(stack, sku, buyers, concurrency, 0, statuses);
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(latencies);
            return new Result(label, latencies, buyers / seconds, new TreeMap<>(statuses));
        }
    }

    private static long[] storm(LocalStack stack, String sku, int buyers, int concurrency, int firstAddress)
            throws Exception {
        return storm(stack, sku, buyers, concurrency, firstAddress, new ConcurrentHashMap<>());
    }

    /** {@code buyers} holds of one unit, each from its own cart and client address; their latencies in ns. */
    private static long[] storm(
            LocalStack stack, String sku, int buyers, int concurrency, int firstAddress, Map<String, Integer> statuses)
            throws Exception {
        long[] latencies = new long[buyers];
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        String body = "{\"sku\":\"" + sku + "\",\"quantity\":1}";
        for (int i = 0; i < buyers; i++) {
            int buyer = i;
            int n = firstAddress + i;
            String viewer =
                    "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255) + ":" + (40000 + n % 20000);
            futures.add(pool.submit(() -> {
                go.await();
                long t0 = System.nanoTime();
                HttpResponse<String> r = send(
                        stack,
                        "POST",
                        "/carts/" + UUID.randomUUID() + "/items",
                        body,
                        "CloudFront-Viewer-Address",
                        viewer);
                latencies[buyer] = System.nanoTime() - t0;
                String code = r.statusCode() == 201
                        ? "201"
                        : r.statusCode() + " "
                                + json(r).path("error").path("code").asText();
                statuses.merge(code, 1, Integer::sum);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(300, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return latencies;
    }
}
