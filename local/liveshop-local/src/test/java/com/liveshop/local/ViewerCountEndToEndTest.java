package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.sessions.SessionsWiring;
import com.liveshop.sessions.ivs.LiveVideo;
import com.liveshop.sessions.service.IntervalPacer;
import com.liveshop.sessions.service.ViewerCountService;
import com.liveshop.shared.config.AppConfig;
import dev.samlocal.Options;
import dev.samlocal.ivs.LocalIvs;
import dev.samlocal.lambda.LocalFunction;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The viewer-count function's service as the template wires it (its environment in the local stack): the real IvsClient
 * reads GetStream's viewerCount from the local IVS (a simulated audience), the count lands on the session that GET
 * /sessions/{id} answers, and the frame goes through the signed AppSync Events publish. One round is run directly (no
 * sleeping between rounds); the schedule itself is the template's.
 */
class ViewerCountEndToEndTest {

    private static LocalStack stack;
    private static String hostToken;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        hostToken = LocalHttp.json(send("GET", "/_local/host-token", null))
                .get("token")
                .asText();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aLiveShowsIvsAudienceReachesTheSessionAndOneFrame() throws Exception {
        LocalFunction function = stack.functions().stream()
                .filter(f -> f.logicalId().equals("ViewerCountFunction"))
                .findFirst()
                .orElseThrow();
        assertThat(function.handlerClass()).isEqualTo("com.liveshop.sessions.ViewerCountHandler");
        assertThat(function.unavailableReason()).isEmpty();
        SessionsWiring wiring = new SessionsWiring(new AppConfig(function.environment()));
        LiveVideo ivs = wiring.ivs();
        ViewerCountService viewers = wiring.viewerCountService(
                ivs,
                wiring.channelPublisher(),
                Clock.systemUTC(),
                d -> {},
                IntervalPacer.perSecond(SessionsWiring.GET_STREAM_PER_SECOND));

        String sku = "lamp-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin(
                                "PUT",
                                "/products/" + sku,
                                "{\"title\":\"Lamp\",\"priceCents\":3900,\"currency\":\"USD\",\"stock\":5}")
                        .statusCode())
                .isEqualTo(201);
        JsonNode live = session(sku);
        JsonNode offline = session(sku);
        String channelArn = live.get("channelArn").asText();
        assertThat(send("POST", LocalIvs.BROADCAST_PATH, "{\"channelArn\":\"" + channelArn + "\",\"action\":\"start\"}")
                        .statusCode())
                .isEqualTo(200);
        awaitLive(live.get("sessionId").asText());
        HttpResponse<String> audience =
                send("POST", LocalIvs.VIEWERS_PATH, "{\"channelArn\":\"" + channelArn + "\",\"count\":1234}");
        assertThat(audience.statusCode()).as(audience.body()).isEqualTo(200);

        // Not broadcasting: the SDK's ChannelNotBroadcastingException is "no count", not an error.
        assertThat(ivs.viewerCount(offline.get("channelArn").asText())).isEmpty();
        assertThat(ivs.viewerCount(channelArn)).hasValue(1234);

        long publishedBefore = stack.events().stats().eventsPublished();
        ViewerCountService.Round round = viewers.round();
        assertThat(round.live()).isEqualTo(1);
        assertThat(round.published()).isEqualTo(1);
        assertThat(stack.events().stats().eventsPublished() - publishedBefore)
                .as("one event accepted by AppSync")
                .isEqualTo(1);
        JsonNode view =
                LocalHttp.json(send("GET", "/sessions/" + live.get("sessionId").asText(), null));
        assertThat(view.get("viewerCount").asLong()).isEqualTo(1234);

        assertThat(viewers.round().published())
                .as("unchanged count: no second frame")
                .isZero();
        assertThat(stack.events().stats().eventsPublished() - publishedBefore).isEqualTo(1);
        send("POST", LocalIvs.BROADCAST_PATH, "{\"channelArn\":\"" + channelArn + "\",\"action\":\"stop\"}");
    }

    private static JsonNode session(String sku) throws Exception {
        HttpResponse<String> created = admin(
                "POST",
                "/sessions",
                "{\"title\":\"Viewers\",\"startsAt\":\"" + Instant.now().plusSeconds(600) + "\",\"lineup\":[\"" + sku
                        + "\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return LocalHttp.json(created);
    }

    /** EventBridge delivers IVS's Stream Start asynchronously, as in AWS. */
    private static void awaitLive(String sessionId) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (LocalHttp.json(send("GET", "/sessions/" + sessionId, null))
                    .get("status")
                    .asText()
                    .equals("LIVE")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Session " + sessionId + " never went LIVE");
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, body, "authorization", "Bearer " + hostToken);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }
}
