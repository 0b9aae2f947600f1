package com.liveshop.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small rehearsal (100 viewers, 1 minute, 5 chat messages/s, 10 % buyers) against an in-process local stack: nothing
 * oversold, no 5xx, every frame delivered, chat in chatBatch frames (fewer than messages, every message accepted), the
 * deliveries by frame type adding up to the stack's count, both reports written, and the capacity model's per-viewer
 * rates within 20 % of what the local stack counted.
 */
class RehearsalTest {

    /**
     * Services the model and the counters both give. Left out: ivsGetStream (the viewer-count schedule runs once a
     * minute, so a 1-minute run sees 0 or 1 rounds) and dynamoDb (the model has no per-request DynamoDB figure; the
     * capacity plan uses the hot SKU's writes instead).
     */
    static final List<String> COMPARED = List.of(
            "apiGateway",
            "lambda",
            "appSyncInbound",
            "appSyncOutbound",
            "appSyncConnections",
            "ivsPutMetadata",
            "eventBridgePutEvents",
            "cloudFront");

    @TempDir
    Path out;

    @Test
    void aSmallRehearsalSellsNothingTwiceDeliversEveryFrameAndMatchesTheModel() throws Exception {
        Rehearsal.Config config = new Rehearsal.Config(100, 1, 5, 0.1, 0.8, 4, null, null, null, null, out, 42, false);
        RehearsalReport report = Rehearsal.run(
                config, Path.of("../template.yaml").toAbsolutePath().normalize());
        report.write(out);
        System.out.println(report.summary());
        System.out.println("errors " + report.errors() + " stock " + report.stock());

        assertThat(report.summary()).contains("oversold=0").contains("5xx=0");
        assertThat(report.deliveredPercent()).isGreaterThanOrEqualTo(99.0);
        assertThat(report.stock().values()).allMatch(RehearsalReport.StockCheck::balanced);
        assertThat(report.holds()).isPositive();
        assertThat(report.frames()).containsKeys("chat", "highlight");
        assertThat(report.frames().get("chat").p99Ms()).isNotNull();
        // Chat arrives in chatBatch frames only, every message accepted, and far fewer frames than messages.
        assertThat(report.chat().accepted()).isEqualTo(report.chat().posts()).isPositive();
        assertThat(report.chat().p99ToLastMs()).isNotNull();
        assertThat(report.deliveriesPerViewerPerMinute())
                .containsKeys("chatBatch", "highlight")
                .doesNotContainKey("chat");
        assertThat(report.deliveriesPerViewerPerMinute().get("chatBatch"))
                .isLessThan(report.chat().accepted() / report.showMinutes());
        // What the viewers received, by type, adds up to what the stack counted as delivered.
        double byType = report.deliveriesPerViewerPerMinute().values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        assertThat(byType)
                .isCloseTo(
                        report.perViewerPerMinute().get("appSyncOutbound"),
                        within(report.perViewerPerMinute().get("appSyncOutbound") * 0.05));
        assertThat(report.summary()).contains("deliveriesPerViewerMinute=").contains("chatP99=");

        JsonNode json = Json.MAPPER.readTree(Files.readString(out.resolve("report.json")));
        assertThat(json.fieldNames())
                .toIterable()
                .contains(
                        "deliveredPercent",
                        "fiveXx",
                        "stock",
                        "frames",
                        "errors",
                        "audiencePerSecond",
                        "framesPerSecond",
                        "holdsPerMinute",
                        "ordersPerMinute",
                        "perViewerPerMinute",
                        "modelPerViewerPerMinute",
                        "usage",
                        "deliveriesPerViewerPerMinute",
                        "chat");
        assertThat(json.path("perViewerPerMinute").fieldNames()).toIterable().containsAll(RehearsalReport.SERVICES);
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html)
                .contains("<svg")
                .contains("delivered=")
                .doesNotContain("<script")
                .doesNotContain("http://")
                .doesNotContain("https://");
        // The show's bill at list prices: same rates, in both reports.
        assertThat(json.path("cost").path("per1000ViewerHoursUsd").asDouble()).isPositive();
        assertThat(json.path("cost").path("mostExpensive").asText()).isNotBlank();
        assertThat(html).contains("Cost of this show").contains("per 1,000 viewer-hours");

        for (String service : COMPARED) {
            double measured = report.perViewerPerMinute().get(service);
            double model = report.modelPerViewerPerMinute().get(service);
            System.out.printf("  %-22s measured %10.4f  model %10.4f%n", service, measured, model);
            assertThat(measured)
                    .as(service + " per viewer per minute (model %.4f)", model)
                    .isCloseTo(model, within(model * 0.2));
        }
    }
}
