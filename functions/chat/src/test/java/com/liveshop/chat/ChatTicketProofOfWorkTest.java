package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.checkout.ChallengeHandler;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.pow.Challenges;
import com.liveshop.shared.pow.ProofOfWork;
import com.liveshop.shared.pow.SpentChallenges;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.testkit.AltchaSolver;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 24: with RequireProofOfWork on, a chat ticket costs a solved ALTCHA challenge (GET /challenges), spent once; a
 * missing, forged, expired or replayed solution is 400 CHALLENGE_INVALID and no ticket. Off, nothing is asked.
 * Comment-to-buy holds ride the ticket: no second challenge, even for a deal.
 */
class ChatTicketProofOfWorkTest {

    /** A fresh database for every test, as each test starts from empty tables. */
    @RegisterExtension
    final DynamoDbLocalExtension dynamo = DynamoDbLocalExtension.withTemplateTables();

    static final String KEY = "test-altcha-key-0123456789abcdef";

    static final java.util.concurrent.atomic.AtomicInteger ADDRESSES = new java.util.concurrent.atomic.AtomicInteger();

    ChatFixture f;
    ChallengeHandler challengeRoute;
    ChatHandler tickets;

    @BeforeEach
    void start() throws Exception {
        // On in the configuration too: comment-to-buy's cart service is built from it (and must never ask: the secret
        // named here does not exist).
        f = new ChatFixture(
                dynamo,
                Map.of(
                        ProofOfWork.REQUIRE,
                        "true",
                        ProofOfWork.SECRET_ARN,
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:none"));
        Challenges challenges = new Challenges(() -> KEY, ProofOfWork.DEFAULT_MAX_NUMBER, f.clock);
        challengeRoute = new ChallengeHandler(challenges);
        tickets = new ChatHandler(f.wiring.chatService(
                f.issuer.verifier(),
                f.clock,
                new ProofOfWork(challenges, new SpentChallenges(f.client, ChatFixture.SESSIONS))));
    }

    JsonNode challenge() {
        ChatFixture.Http r =
                ChatFixture.call(challengeRoute, "GET", "/challenges", Map.of(), null, Map.of(), false, "198.51.100.9");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).containsEntry("cache-control", "no-store");
        return r.body();
    }

    ChatFixture.Http ticket(String sessionId, Map<String, String> body, String solution) {
        return ChatFixture.call(
                tickets,
                "POST",
                "/sessions/{sessionId}/chat-tickets",
                Map.of("sessionId", sessionId),
                Json.write(body),
                solution == null ? Map.of() : Map.of(ProofOfWork.HEADER, solution),
                false,
                "10.9.0." + ADDRESSES.incrementAndGet());
    }

    int ticketsStored(String sessionId) {
        return f.client
                .query(q -> q.tableName(ChatFixture.SESSIONS)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :t)")
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                AttributeValue.fromS("SESSION#" + sessionId),
                                ":t",
                                AttributeValue.fromS("TICKET#"))))
                .count();
    }

    @Test
    void theChallengeIsAltchasJsonSignedAndExpiringInFiveMinutes() {
        JsonNode c = challenge();
        assertThat(c.path("algorithm").asText()).isEqualTo("SHA-256");
        assertThat(c.path("maxnumber").asLong()).isEqualTo(ProofOfWork.DEFAULT_MAX_NUMBER);
        assertThat(c.path("challenge").asText()).matches("[0-9a-f]{64}");
        assertThat(c.path("signature").asText()).matches("[0-9a-f]{64}");
        assertThat(c.path("salt").asText())
                .contains("?expires="
                        + f.clock.instant().plus(Challenges.LIFETIME).getEpochSecond());
        assertThat(challenge().path("challenge").asText())
                .as("each one unique")
                .isNotEqualTo(c.path("challenge").asText());
    }

    @Test
    void aTicketNeedsASolvedChallengeAndEachSolutionBuysOneTicket() {
        String session = f.session("LIVE");
        ChatFixture.Http none = ticket(session, Map.of("name", "Ana"), null);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.errorCode()).isEqualTo("CHALLENGE_INVALID");
        assertThat(none.body().path("error").path("message").asText())
                .contains("X-Altcha")
                .contains("GET /challenges");
        assertThat(ticketsStored(session)).as("nothing written").isZero();

        String solution = AltchaSolver.solve(challenge());
        ChatFixture.Http ok = ticket(session, Map.of("name", "Ana"), solution);
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.body().path("ticket").asText()).isNotBlank();

        ChatFixture.Http again = ticket(session, Map.of("name", "Bea"), solution);
        assertThat(again.status()).as("a replayed solution").isEqualTo(400);
        assertThat(again.errorCode()).isEqualTo("CHALLENGE_INVALID");
        assertThat(again.body().path("error").path("message").asText()).contains("used already");
        assertThat(ticketsStored(session)).isEqualTo(1);
    }

    @Test
    void anExpiredForgedOrMalformedSolutionIsRefused() {
        String session = f.session("LIVE");
        String expired = AltchaSolver.solve(challenge());
        f.clock.advance(Challenges.LIFETIME.plus(Duration.ofSeconds(1)));
        ChatFixture.Http late = ticket(session, Map.of("name", "Ana"), expired);
        assertThat(late.status()).isEqualTo(400);
        assertThat(late.errorCode()).isEqualTo("CHALLENGE_INVALID");
        assertThat(late.body().path("error").path("message").asText()).contains("expired");

        // Signed with another key: the ALTCHA library's own challenge, not ours.
        String foreign =
                AltchaSolver.solve(new Challenges(() -> "another-key-0123456789abcdef", 1000, f.clock).issue());
        // The right challenge with a wrong number.
        JsonNode c = challenge();
        JsonNode payload = Json.MAPPER.valueToTree(Map.of(
                "algorithm",
                "SHA-256",
                "challenge",
                c.path("challenge").asText(),
                "number",
                c.path("maxnumber").asLong() + 1,
                "salt",
                c.path("salt").asText(),
                "signature",
                c.path("signature").asText()));
        String wrongNumber =
                Base64.getEncoder().encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        for (String bad : new String[] {
            foreign, wrongNumber, "not base64!", Base64.getEncoder().encodeToString("[1]".getBytes()), "x".repeat(5000)
        }) {
            ChatFixture.Http r = ticket(session, Map.of("name", "Ana"), bad);
            assertThat(r.status())
                    .as(bad.length() > 40 ? bad.substring(0, 40) : bad)
                    .isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("CHALLENGE_INVALID");
        }
        assertThat(ticketsStored(session)).isZero();
    }

    @Test
    void offNoChallengeIsAsked() throws Exception {
        // Beside f on this test's own database, with proof of work off.
        ChatFixture off = new ChatFixture(dynamo);
        String session = off.session("LIVE");
        assertThat(off.ticket(session, "{\"name\":\"Ana\"}", "10.9.1.1").status())
                .isEqualTo(201);
    }

    @Test
    void aCommentToBuyHoldOfADealRidesTheTicketsChallenge() {
        String session = f.session("LIVE");
        f.product("cds-deal", 5000, 10);
        assertThat(f.wiring
                        .products()
                        .setDeal(
                                "cds-deal",
                                2900,
                                f.clock.instant().plus(Duration.ofMinutes(5)).toString()))
                .isTrue();
        f.feature(session, "cds-deal");
        String cart = UUID.randomUUID().toString();
        ChatFixture.Http t = ticket(session, Map.of("name", "Ana", "cartId", cart), AltchaSolver.solve(challenge()));
        assertThat(t.status()).isEqualTo(201);

        assertThat(f.say(session, t.body().path("ticket").asText(), "SOLD").status())
                .isEqualTo(202);
        assertThat(f.publisher.on(Channels.cart(cart))).singleElement().satisfies(held -> {
            assertThat(held.path("type").asText()).isEqualTo("held");
            assertThat(held.path("priceCents").asLong()).isEqualTo(2900);
        });
    }
}
