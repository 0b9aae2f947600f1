package com.liveshop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The capacity table from the model (a 60-minute show, 5 chat messages/s, 10 % buyers, 6 products, 100 ms per
 * invocation, the audience joining within 60 s): which quota binds first, at which audience, and what to ask for.
 */
class CapacityTest {

    static final int[] AUDIENCES = {10_000, 100_000, 1_000_000};
    static final Capacity.Assumptions ASSUMPTIONS = new Capacity.Assumptions(60, 5, 0.1, 0.8, 6, 100, 60, 10, 1);

    private static List<Capacity.Row> model(int... audiences) {
        return Capacity.table(
                n -> ViewerCadence.perViewerPerMinute(new ViewerCadence.Show(n, 60, 5, 0.1, 6, 0.8)),
                "model",
                audiences,
                ASSUMPTIONS);
    }

    private static Map<String, Capacity.Row> byName(List<Capacity.Row> rows) {
        Map<String, Capacity.Row> m = new HashMap<>();
        rows.forEach(r -> m.put(r.quota().name(), r));
        return m;
    }

    @Test
    void withoutACdnThePagesPollingBindsTheApiAndLambdaBeforeSixtyThousandViewers() {
        List<Capacity.Row> rows = model(AUDIENCES);
        Capacity.Row first = Capacity.firstBinding(rows, false);
        // ≈ 10.2 requests per viewer per minute (4 session polls, 6 stock polls, the rest small): 10,000 req/s at ≈
        // 59,000
        // viewers, and at 100 ms each the same requests fill 1,000 concurrent executions at the same audience.
        assertThat(first.quota().name())
                .isIn("API Gateway account throttle, no CDN", "Lambda concurrent executions, no CDN");
        assertThat(first.bindsAt()).isBetween(55_000L, 62_000L);
        Capacity.Row api = byName(rows).get("API Gateway account throttle, no CDN");
        assertThat(api.percents()[0]).isBetween(15.0, 20.0);
        assertThat(api.percents()[2]).isBetween(1_600.0, 1_800.0);
        assertThat(api.increase()).startsWith("to 220,000 req/s");
    }

    @Test
    void withTheCdnTheConnectStormBindsFirstThenOutboundDeliveries() {
        List<Capacity.Row> rows = model(AUDIENCES);
        Map<String, Capacity.Row> m = byName(rows);
        Capacity.Row first = Capacity.firstBinding(rows, true);
        // 1M viewers joining within 60 s: 16,700 connections/s against 2,000/s; binds at 120,000 viewers.
        assertThat(first.quota().name()).isEqualTo("AppSync Events connection rate");
        assertThat(first.bindsAt()).isBetween(119_000L, 121_000L);
        assertThat(first.increase()).startsWith("to 21,000 conn/s");
        // 5 chat msgs/s arrive in ≈ 2.9 chatBatch frames/s (one per stream poll that found messages), + 1 stock frame/s
        // to every viewer: ≈ 3.9M deliveries/s at 1M viewers against 1M/s.
        Capacity.Row outbound = m.get("AppSync Events outbound deliveries");
        assertThat(outbound.percents()[2]).isBetween(370.0, 400.0);
        assertThat(outbound.bindsAt()).isBetween(250_000L, 270_000L);
        // Behind the CDN the API keeps carts, orders and chat: far below the quota even at 1M.
        assertThat(m.get("API Gateway account throttle, public GETs on CloudFront")
                        .percents()[2])
                .isLessThan(100);
        // Per-show rates do not grow with the audience.
        assertThat(m.get("IVS PutMetadata per channel").bindsAt()).isNull();
        assertThat(m.get("IVS GetStream").increase()).isEqualTo("—");
        // 100,000 buyers over an hour, 10× crowding on a product's first moments, 4 WCU each on one bucket.
        assertThat(m.get("DynamoDB per-partition writes, hot SKU bucket").percents()[2])
                .isBetween(100.0, 125.0);
        String table = Capacity.render(rows, AUDIENCES);
        assertThat(table)
                .contains("1,000,000")
                .contains("First quota to bind with public GETs on CloudFront: AppSync Events connection rate");
    }

    @Test
    void noQuotaBindsAtAThousandViewers() {
        List<Capacity.Row> rows = model(1_000);
        for (Capacity.Row r : rows) {
            assertThat(r.percents()[0]).as(r.quota().name()).isLessThan(100);
        }
    }

    /**
     * Measured rates of a 2,000-viewer rehearsal: what the show makes (cues, frames published) does not grow with
     * viewers.
     */
    @Test
    void measuredRatesScaleWhatViewersDoButNotWhatTheShowDoes() {
        Map<String, Double> measured = new HashMap<>(
                ViewerCadence.perViewerPerMinute(new ViewerCadence.Show(2_000, 3, 5, 0.1, 6, 0.8, false)));
        Map<String, Capacity.Row> m = byName(Capacity.table(
                n -> Capacity.atAudience(measured, Map.of(), 2_000, n), "measured", AUDIENCES, ASSUMPTIONS));
        Capacity.Row cues = m.get("IVS PutMetadata per channel");
        assertThat(cues.percents()[0]).isEqualTo(cues.percents()[2]);
        assertThat(cues.bindsAt()).isNull();
        assertThat(m.get("AppSync Events inbound events").percents()[2])
                .isEqualTo(m.get("AppSync Events inbound events").percents()[0]);
        Capacity.Row outbound = m.get("AppSync Events outbound deliveries");
        assertThat(outbound.percents()[2])
                .isCloseTo(100 * outbound.percents()[0], org.assertj.core.api.Assertions.within(1e-6));
    }

    /**
     * A 300-viewer minute at 50 chat messages/s: 3,000 message POSTs are the show's, not 10 per viewer-minute of any
     * audience; at 100,000 viewers they are 0.03 per viewer-minute, and what the viewers themselves asked stays.
     */
    @Test
    void measuredChatRequestsKeepTheRehearsalsRatePerShow() throws Exception {
        com.fasterxml.jackson.databind.JsonNode usage = com.liveshop.shared.json.Json.MAPPER.readTree("""
                {"apiGatewayRequests": {"POST /sessions/{sessionId}/messages": 3000, "GET /carts/{cartId}": 300},
                 "lambdaInvocations": {"ChatSendFunction": 3000, "ChatBatchFunction": 240, "CartFunction": 300,
                                       "OrderFunction": 60}}""");
        Map<String, Double> measured =
                new HashMap<>(Map.of("apiGateway", 23.0, "lambda", 24.0, "dynamoDb", 90.0, "appSyncOutbound", 249.0));
        Map<String, Double> chat = Capacity.chatPart(usage, measured, 300);
        assertThat(chat.get("apiGateway")).isEqualTo(10.0);
        assertThat(chat.get("lambda")).isEqualTo(10.8);
        assertThat(chat.get("dynamoDb")).isCloseTo(90.0 * 3240 / 3600, org.assertj.core.api.Assertions.within(1e-9));
        Map<String, Double> at100k = Capacity.atAudience(measured, chat, 300, 100_000);
        assertThat(at100k.get("apiGateway"))
                .isCloseTo(13.0 + 10.0 * 300 / 100_000, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(at100k.get("lambda"))
                .isCloseTo(13.2 + 10.8 * 300 / 100_000, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(at100k.get("appSyncOutbound")).isEqualTo(249.0);
    }

    @Test
    void aHundredThousandWeAreLiveEmailsAtFourteenPerSecondTakeAboutTwoHours() {
        assertThat(Capacity.reminderMinutes(100_000, 14)).isBetween(119.0, 120.0);
        String row = Capacity.reminders(new int[] {5_000, 100_000}, 14);
        assertThat(row)
                .contains("SesMaxSendRate 14/s")
                .contains("100,000")
                .contains(" 120 ")
                .contains("SES maximum send rate to 167/s")
                .contains("24-hour sending quota of at least 100,000");
        assertThat(row.lines().filter(l -> l.contains("5,000")))
                .singleElement()
                .satisfies(l -> assertThat(l).contains(" 6 ").endsWith("—"));
    }
}
