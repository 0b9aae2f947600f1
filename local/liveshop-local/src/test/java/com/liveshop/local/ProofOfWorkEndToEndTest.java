package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.testkit.AltchaSolver;
import dev.samlocal.Options;
import dev.samlocal.ivs.LocalIvs;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 24 on the local stack started with {@code --parameter RequireProofOfWork=true}: GET /challenges through the
 * template's ChallengeFunction (its key from the local Secrets Manager), a chat ticket and a deal hold that need a
 * solution, spent once. The stack's own default is off (ParameterOverridesTest).
 */
class ProofOfWorkEndToEndTest {

    private static LocalStack stack;
    private static String hostToken;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(
                Options.ephemeral().withSeed(false).withSchedules(false).withParameter("RequireProofOfWork", "true"));
        hostToken = LocalHttp.json(send("GET", "/_local/host-token", null))
                .get("token")
                .asText();
        for (String sku : new String[] {"pow-deal", "pow-plain"}) {
            HttpResponse<String> created = send(
                    "PUT",
                    "/products/" + sku,
                    "{\"title\":\"" + sku + "\",\"priceCents\":5000,\"currency\":\"USD\",\"stock\":10}",
                    "authorization",
                    "Bearer " + hostToken);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }

    static String solution() throws Exception {
        HttpResponse<String> challenge = send("GET", "/challenges", null);
        assertThat(challenge.statusCode()).as(challenge.body()).isEqualTo(200);
        assertThat(challenge.headers().firstValue("cache-control")).hasValue("no-store");
        return AltchaSolver.solve(LocalHttp.json(challenge));
    }

    static String code(HttpResponse<String> response) throws Exception {
        return LocalHttp.json(response).at("/error/code").asText();
    }

    @Test
    void chatTicketsAndDealHoldsNeedASolutionSpentOnce() throws Exception {
        assertThat(LocalHttp.json(send("GET", "/_local", null))
                        .get("parameters")
                        .get("RequireProofOfWork")
                        .asText())
                .isEqualTo("true");
        JsonNode session = LocalHttp.json(send(
                "POST",
                "/sessions",
                "{\"title\":\"PoW\",\"startsAt\":\"" + Instant.now().plusSeconds(600)
                        + "\",\"lineup\":[\"pow-deal\",\"pow-plain\"]}",
                "authorization",
                "Bearer " + hostToken));
        String sessionId = session.get("sessionId").asText();

        String ticketPath = "/sessions/" + sessionId + "/chat-tickets";
        HttpResponse<String> bare = send("POST", ticketPath, "{\"name\":\"Ann\"}");
        assertThat(bare.statusCode()).as(bare.body()).isEqualTo(400);
        assertThat(code(bare)).isEqualTo("CHALLENGE_INVALID");
        String solved = solution();
        HttpResponse<String> ticket = send("POST", ticketPath, "{\"name\":\"Ann\"}", "x-altcha", solved);
        assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(201);
        HttpResponse<String> replay = send("POST", ticketPath, "{\"name\":\"Bea\"}", "x-altcha", solved);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(400);
        assertThat(code(replay)).isEqualTo("CHALLENGE_INVALID");

        // Live, with the deal sku featured at a deal price: its holds need a solution, the other sku's do not.
        send(
                "POST",
                LocalIvs.BROADCAST_PATH,
                "{\"channelArn\":\"" + session.get("channelArn").asText() + "\",\"action\":\"start\"}");
        LocalShow.await(
                () -> LocalHttp.json(send("GET", "/sessions/" + sessionId, null))
                        .get("status")
                        .asText()
                        .equals("LIVE"),
                "LIVE");
        HttpResponse<String> featured = send(
                "POST",
                "/sessions/" + sessionId + "/highlights",
                "{\"sku\":\"pow-deal\",\"dealPriceCents\":2900}",
                "authorization",
                "Bearer " + hostToken);
        assertThat(featured.statusCode()).as(featured.body()).isEqualTo(202);
        String hold = "{\"sku\":\"pow-deal\",\"quantity\":1}";
        HttpResponse<String> noSolution = send("POST", "/carts/" + UUID.randomUUID() + "/items", hold);
        assertThat(noSolution.statusCode()).as(noSolution.body()).isEqualTo(400);
        assertThat(code(noSolution)).isEqualTo("CHALLENGE_INVALID");
        HttpResponse<String> held =
                send("POST", "/carts/" + UUID.randomUUID() + "/items", hold, "x-altcha", solution());
        assertThat(held.statusCode()).as(held.body()).isEqualTo(201);
        assertThat(LocalHttp.json(held).get("priceCents").asLong()).isEqualTo(2900);
        HttpResponse<String> plain =
                send("POST", "/carts/" + UUID.randomUUID() + "/items", "{\"sku\":\"pow-plain\",\"quantity\":1}");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(201);
    }
}
