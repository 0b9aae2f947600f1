package com.liveshop.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cost of a show, line by line, against a hand-computed example with round prices. */
class ShowCostTest {

    /** Round prices, so the example can be checked by hand. */
    static final Prices ROUND = Prices.parse("""
            ## Prices
            | Name | Price | Unit |
            |---|---|---|
            | `ivs.input.standard` | 2 | per channel-hour |
            | `ivs.input.basic` | 0.2 | per channel-hour |
            | `ivs.output.sd` | 0.05 | per viewer-hour |
            | `ivs.output.hd` | 0.1 | per viewer-hour |
            | `ivs.output.fullhd` | 0.2 | per viewer-hour |
            | `appsync.events.operation` | 1 | per million operations |
            | `appsync.events.connectionMinute` | 0.1 | per million connection-minutes |
            | `lambda.request` | 0.2 | per million requests |
            | `lambda.arm64.gbSecond` | 0.00001 | per GB-second |
            | `lambda.x86.gbSecond` | 0.00002 | per GB-second |
            | `apigateway.http.request` | 1 | per million requests |
            | `cloudfront.https.request` | 0.01 | per 10,000 requests |
            | `cloudfront.dataOut` | 0.1 | per GB |
            | `dynamodb.ondemand.read` | 0.2 | per million read request units |
            | `dynamodb.ondemand.write` | 1 | per million write request units |
            | `ses.email` | 0.1 | per 1,000 emails |
            | `eventbridge.customEvent` | 1 | per million events |
            """);

    static final ShowCost.Assumptions ASSUMPTIONS =
            new ShowCost.Assumptions("standard", "hd", 100, 1024, "arm64", 1024, 250, 1, 0.5);

    /** Per viewer per minute: 10 requests (8 public GETs), 10.5 invocations, 100 deliveries, 4 DynamoDB requests. */
    static Map<String, Double> rates() {
        Map<String, Double> r = new HashMap<>();
        r.put("apiGateway", 10.0);
        r.put("cloudFront", 8.0);
        r.put("lambda", 10.5);
        r.put("appSyncInbound", 0.001);
        r.put("appSyncOutbound", 100.0);
        r.put("eventBridgePutEvents", 0.01);
        r.put("dynamoDb", 4.0);
        return r;
    }

    @Test
    void aThousandViewersForAnHourCostWhatTheArithmeticSaysLineByLine() {
        ShowCost.Bill bill = ShowCost.bill(
                new ShowCost.Show(1_000, 60, 2, 0.1, 0.5),
                rates(),
                "measured",
                new ShowCost.DynamoMix(0.75, 0.25),
                ASSUMPTIONS,
                ROUND);
        Map<String, Double> usd = new HashMap<>();
        bill.lines().forEach(l -> usd.put(l.service(), l.usd()));

        // 60,000 viewer-minutes = 1,000 viewer-hours of a 1-hour show.
        assertThat(usd.get("IVS input (standard channel)")).isCloseTo(2.00, within(1e-9)); // 1 h × $2
        assertThat(usd.get("IVS output (hd, North America)")).isCloseTo(100.00, within(1e-9)); // 1,000 h × $0.10
        // 60,000 × (0.001 + 100) deliveries and publishes + 1,000 × 2 (connect, subscribe); a 2-message batch < 5 KB.
        assertThat(usd.get("AppSync Events operations")).isCloseTo(6.00206, within(1e-9));
        assertThat(usd.get("AppSync Events connection minutes")).isCloseTo(0.006, within(1e-12)); // 60,000 × $0.1/M
        // 60,000 × (10.5 − 8) = 150,000 invocations: $0.03 of requests + 15,000 GB-s × $0.00001.
        assertThat(usd.get("Lambda")).isCloseTo(0.18, within(1e-9));
        assertThat(usd.get("API Gateway (HTTP API)")).isCloseTo(0.12, within(1e-9)); // 60,000 × 2 requests
        // 600,000 API + 10,000 page requests = $0.61; 600,000 × 1 KB + 1,000 × 100 KB = 716,800,000 B = 0.66757 GB ×
        // $0.1.
        assertThat(usd.get("CloudFront")).isCloseTo(0.61 + 716_800_000 / (1024.0 * 1024 * 1024) * 0.1, within(1e-9));
        // 240,000 requests: 180,000 reads × 1 RRU × $0.2/M + 60,000 writes × 2 WRU × $1/M.
        assertThat(usd.get("DynamoDB (on demand)")).isCloseTo(0.036 + 0.12, within(1e-9));
        assertThat(usd.get("SES")).isCloseTo(0.06, within(1e-9)); // 500 reminders + 100 orders
        assertThat(usd.get("EventBridge")).isCloseTo(0.0006, within(1e-12)); // 600 events

        assertThat(bill.totalUsd()).isCloseTo(109.2014172, within(1e-6));
        assertThat(bill.per1000ViewerHoursUsd()).isCloseTo(109.2014172, within(1e-6));
        assertThat(bill.mostExpensive()).isEqualTo("IVS output (hd, North America)");
        assertThat(bill.summary())
                .contains("$109.20 per 1,000 viewer-hours")
                .contains("most expensive: IVS output (hd, North America)");
    }

    @Test
    void streamReadsAreFreeSoOnlyReadsAndWritesOfTheTablesAreBilled() {
        ShowCost.DynamoMix mix = ShowCost.DynamoMix.of(Map.of(
                "GetItem",
                30L,
                "Query",
                10L,
                "UpdateItem",
                15L,
                "TransactWriteItems",
                5L,
                "GetRecords",
                35L,
                "DescribeStream",
                5L));
        assertThat(mix.readShare()).isEqualTo(0.4);
        assertThat(mix.writeShare()).isEqualTo(0.2);
        assertThat(ShowCost.DynamoMix.of(Map.of())).isNull();
    }

    @Test
    void aChatBatchOverFiveKilobytesCostsTwoOperationsPerDelivery() {
        // 100 messages/s in ≤ 4 frames/s: 25 messages × 250 B + the envelope = 6,350 B, two 5 KB units per chat
        // delivery.
        ShowCost.Show busy = new ShowCost.Show(1_000, 60, 100, 0.1, 0.5);
        assertThat(ShowCost.extraChatUnits(busy, 300, ASSUMPTIONS)).isEqualTo(240);
        assertThat(ShowCost.extraChatUnits(new ShowCost.Show(1_000, 60, 50, 0.1, 0.5), 300, ASSUMPTIONS))
                .isZero();
        assertThat(ShowCost.extraChatUnits(new ShowCost.Show(1_000, 60, 0, 0.1, 0.5), 300, ASSUMPTIONS))
                .isZero();
    }

    @Test
    void theModelDeliversChatInBatchesSoDeliveriesStopGrowingWithTheChatRate() {
        Map<String, Double> at50 =
                ViewerCadence.perViewerPerMinute(new ViewerCadence.Show(100_000, 60, 50, 0.1, 6, 0.8));
        Map<String, Double> at20 =
                ViewerCadence.perViewerPerMinute(new ViewerCadence.Show(100_000, 60, 20, 0.1, 6, 0.8));
        // ≤ 4 chat frames/s + 1 stock frame/s + the highlights: ≤ 300 deliveries per viewer-minute at 50 msgs/s.
        assertThat(at50.get("appSyncOutbound")).isBetween(299.0, 301.0);
        assertThat(at50.get("appSyncOutbound") - at20.get("appSyncOutbound")).isLessThan(2);
    }

    @Test
    void theDefaultLambdaAssumptionsAreTheTemplates() throws Exception {
        String template = Files.readString(Path.of("../template.yaml"));
        String globals = template.substring(template.indexOf("Globals:"), template.indexOf("Resources:"));
        ShowCost.Assumptions d = ShowCost.Assumptions.defaults();
        assertThat(globals)
                .contains("Architectures: [" + d.lambdaArch() + "]")
                .contains("MemorySize: " + d.lambdaMemoryMb());
    }

    @Test
    void theCapacityCommandPricesAShowAndTakesPriceOverrides() throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("viewers", "100000", "minutes", "60", "chat-rate", "50"));
        String list = Capacity.run(o);
        assertThat(list)
                .contains("Cost of one show")
                .contains("IVS output (fullhd, North America)")
                .contains("per 1,000 viewer-hours")
                .contains("most expensive: IVS output (fullhd, North America)");
        assertThat(line(list, "IVS output")).contains("$15,000.00"); // 100,000 viewer-hours × $0.15

        o.put("price", "ivs.output.fullhd=0.05,appsync.events.operation=0.5");
        String negotiated = Capacity.run(o);
        assertThat(line(negotiated, "IVS output")).contains("$5,000.00");

        o.put("price", "ivs.output.4k=1");
        assertThatThrownBy(() -> Capacity.run(o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown price ivs.output.4k");
    }

    @Test
    void aBillSerializesForReportJson() throws Exception {
        ShowCost.Bill bill = ShowCost.bill(
                new ShowCost.Show(1_000, 60, 2, 0.1, 0.5),
                rates(),
                "measured",
                new ShowCost.DynamoMix(0.75, 0.25),
                ASSUMPTIONS,
                ROUND);
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(bill));
        assertThat(json.path("per1000ViewerHoursUsd").asDouble()).isCloseTo(109.2014172, within(1e-6));
        assertThat(json.path("mostExpensive").asText()).isEqualTo("IVS output (hd, North America)");
        assertThat(json.path("lines")).hasSize(10);
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    }
}
