package com.liveshop.shared.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.lambda.Invocation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The EMF lines Powertools writes for ShowMetrics, read back from stdout. */
class EmfShowMetricsTest {

    @Test
    void oneInvocationWritesOneLinePerDimensionSetWithItsPointsSummed() throws Exception {
        EmfShowMetrics metrics = new EmfShowMetrics("LiveShop", "liveshop");

        List<JsonNode> lines = emfLines(() -> Invocation.run(null, () -> {
            metrics.holdPlaced();
            metrics.holdPlaced();
            metrics.orderPaid(2500, "USD");
            metrics.framesPublished("stock", 3);
            return null;
        }));

        assertThat(lines).hasSize(3);
        JsonNode plain = only(lines, "HoldsPlaced");
        assertThat(plain.path("HoldsPlaced").asDouble()).isEqualTo(2.0);
        assertThat(plain.path("OrdersPaid").asDouble()).isEqualTo(1.0); // same (empty) dimensions: same line
        assertThat(plain.path("_aws")
                        .path("CloudWatchMetrics")
                        .path(0)
                        .path("Namespace")
                        .asText())
                .isEqualTo("LiveShop");
        assertThat(plain.path("_aws")
                        .path("CloudWatchMetrics")
                        .path(0)
                        .path("Dimensions")
                        .toString())
                .isEqualTo("[[\"Service\"]]");
        JsonNode revenue = only(lines, "RevenueCents");
        assertThat(revenue.path("RevenueCents").asDouble()).isEqualTo(2500.0);
        assertThat(revenue.path("Currency").asText()).isEqualTo("USD");
        assertThat(revenue.path("_aws")
                        .path("CloudWatchMetrics")
                        .path(0)
                        .path("Metrics")
                        .path(0)
                        .path("Unit")
                        .asText())
                .isEqualTo("None");
        JsonNode frames = only(lines, "FramesPublished");
        assertThat(frames.path("FrameType").asText()).isEqualTo("stock");
        assertThat(frames.path("FramesPublished").asDouble()).isEqualTo(3.0);
        assertThat(frames.path("_aws")
                        .path("CloudWatchMetrics")
                        .path(0)
                        .path("Dimensions")
                        .toString())
                .isEqualTo("[[\"Service\"],[\"Service\",\"FrameType\"]]");
    }

    @Test
    void nothingRecordedWritesNothingAndADimensionValueThatIsNotACodeIsRecordedAsOther() throws Exception {
        EmfShowMetrics metrics = new EmfShowMetrics("LiveShop", "liveshop");
        assertThat(emfLines(() -> Invocation.run(null, () -> null))).isEmpty();

        List<JsonNode> lines = emfLines(() -> Invocation.run(null, () -> {
            metrics.chatRefused("3f2a9c1e-0b7d-4c55-9a41-8e2f6d1b7c90");
            return null;
        }));
        assertThat(lines)
                .singleElement()
                .satisfies(l -> assertThat(l.path("Code").asText()).isEqualTo("other"));
    }

    /**
     * The local stack runs many invocations of one handler at once in one JVM: each one's points are written by its own
     * flush, never with another's (each line holds exactly what one invocation recorded).
     */
    @Test
    void concurrentInvocationsOnManyThreadsEachWriteOnlyTheirOwnPoints() throws Exception {
        EmfShowMetrics metrics = new EmfShowMetrics("LiveShop", "liveshop");
        int threads = 16;
        int invocationsPerThread = 40;

        List<JsonNode> lines = emfLines(() -> {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String code = "CODE_" + (char) ('A' + t);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < invocationsPerThread; i++) {
                        Invocation.run(null, () -> {
                            metrics.holdPlaced();
                            metrics.chatRefused(code);
                            return null;
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            try {
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                pool.shutdownNow();
            }
        });

        int invocations = threads * invocationsPerThread;
        assertThat(lines).hasSize(2 * invocations);
        assertThat(lines.stream().filter(l -> l.has("HoldsPlaced")))
                .hasSize(invocations)
                .allSatisfy(l -> assertThat(l.path("HoldsPlaced").asDouble()).isEqualTo(1.0));
        List<JsonNode> refused =
                lines.stream().filter(l -> l.has("ChatRefused")).toList();
        assertThat(refused)
                .hasSize(invocations)
                .allSatisfy(l -> assertThat(l.path("ChatRefused").asDouble()).isEqualTo(1.0))
                .allSatisfy(l -> assertThat(l.has("HoldsPlaced")).isFalse());
        for (int t = 0; t < threads; t++) {
            String code = "CODE_" + (char) ('A' + t);
            assertThat(refused.stream().filter(l -> l.path("Code").asText().equals(code)))
                    .hasSize(invocationsPerThread);
        }
    }

    @Test
    void disabledByConfigurationRecordsNothing() {
        assertThat(ShowMetrics.fromConfig(new AppConfig(Map.of("POWERTOOLS_METRICS_DISABLED", "true"))))
                .isSameAs(ShowMetrics.NONE);
        assertThat(ShowMetrics.fromConfig(new AppConfig(Map.of()))).isInstanceOf(EmfShowMetrics.class);
    }

    private static JsonNode only(List<JsonNode> lines, String metric) {
        List<JsonNode> with = lines.stream().filter(l -> l.has(metric)).toList();
        assertThat(with).as(metric).hasSize(1);
        return with.get(0);
    }

    /** The EMF lines (JSON with an {@code _aws} key) written to stdout while {@code body} runs. */
    static List<JsonNode> emfLines(Runnable body) throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"")) {
                lines.add(Json.MAPPER.readTree(line));
            }
        }
        return lines;
    }
}
