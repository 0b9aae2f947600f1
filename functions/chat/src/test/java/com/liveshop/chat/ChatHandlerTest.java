package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Chat over HTTP on DynamoDB Local: tickets, names, sending, limits, slow mode, late joiners. */
class ChatHandlerTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static ChatFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture(DYNAMO, Map.of("CHAT_TICKETS_PER_IP_PER_MINUTE", "3"));
    }

    private static String ticket(String session, String name) {
        return f.ticketFor(session, name).path("ticket").asText();
    }

    @Test
    void aTicketIsSignedForTheNormalizedNameAndAMessageReachesTheShowsChannelOnce() {
        String session = f.session("LIVE");
        JsonNode issued = f.ticketFor(session, "  Ｊａｎｅ  ");
        assertThat(issued.path("name").asText()).isEqualTo("Jane");
        assertThat(issued.path("ticketId").asText()).matches("[0-9a-f-]{36}");
        assertThat(Instant.parse(issued.path("expiresAt").asText()))
                .isAfter(f.clock.instant().plus(Duration.ofHours(11)));

        ChatFixture.Http sent = f.say(session, issued.path("ticket").asText(), "<img src=x onerror=alert(1)> hi");

        assertThat(sent.status()).isEqualTo(202);
        List<JsonNode> chat = f.chatOn(session);
        assertThat(chat).singleElement().satisfies(frame -> {
            assertThat(frame.path("messageId").asText())
                    .isEqualTo(sent.body().path("messageId").asText());
            assertThat(frame.path("name").asText()).isEqualTo("Jane");
            assertThat(frame.path("role").asText()).isEqualTo("viewer");
            assertThat(frame.path("text").asText())
                    .isEqualTo("<img src=x onerror=alert(1)> hi"); // text: escaped where shown
            assertThat(frame.path("ticketId").asText())
                    .isEqualTo(issued.path("ticketId").asText());
            assertThat(frame.toString()).doesNotContain(issued.path("ticket").asText());
        });
    }

    @Test
    void reservedNamesAndTheirLookAlikesAreRefused() {
        String session = f.session("LIVE");
        for (String name : new String[] {
            "Host",
            "HOST",
            "H0st",
            "Hоst" /* Cyrillic o */,
            "Official Host",
            "moderator",
            "AdmIn",
            "admin!",
            "Cyber Deals",
            "cyberdeals",
            "CyberDealsTeam",
            "Cyber-Deals"
        }) {
            ChatFixture.Http r = f.ticket(session, Json.write(Map.of("name", name)), "192.0.2.1");
            assertThat(r.status()).as(name).isEqualTo(422);
            assertThat(r.errorCode()).as(name).isEqualTo("NAME_RESERVED");
        }
        assertThat(f.ticketFor(session, "Hostess Jane").path("name").asText()).isEqualTo("Hostess Jane");
    }

    @Test
    void namesWithInvisibleOrControlCharactersOrTheWrongLengthAreRefusedAndNothingIsWritten() {
        String session = f.session("LIVE");
        for (String body : new String[] {
            "{\"name\":\"Troll\\u200b\"}",
            "{\"name\":\"a\\u202egnp.exe\"}",
            "{\"name\":\"x\\u0007\"}",
            "{\"name\":\"\\ud800\"}",
            "{\"name\":\"Ann\\ufe0f\"}",
            "{\"name\":\"\"}",
            "{\"name\":\"   \"}",
            "{\"name\":null}",
            "{}",
            "{\"name\":\"" + "x".repeat(31) + "\"}",
            "{\"name\":42}",
            "not json",
            "[\"Ann\"]"
        }) {
            ChatFixture.Http r = f.ticket(session, body, "192.0.2.2");
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.errorCode())
                    .as(body)
                    .isIn("VALIDATION_FAILED", "INVALID_FIELD", "INVALID_JSON", "INVALID_BODY");
        }
        assertThat(f.ticket(UUID.randomUUID().toString(), "{\"name\":\"Ann\"}", "192.0.2.2")
                        .errorCode())
                .isEqualTo("SESSION_NOT_FOUND");
        assertThat(f.ticket("not-a-uuid", "{\"name\":\"Ann\"}", "192.0.2.2").status())
                .isEqualTo(400);
        // No ticket was recorded for any of them.
        var tickets = f.client
                .query(q -> q.tableName(ChatFixture.SESSIONS)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :t)")
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                        "SESSION#" + session),
                                ":t",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("TICKET#"))))
                .items();
        assertThat(tickets).isEmpty();
    }

    @Test
    void ticketsPerSourceAddressAreLimitedPerMinuteWithRetryAfter() {
        String session = f.session("LIVE");
        for (int i = 0; i < 3; i++) {
            assertThat(f.ticket(session, "{\"name\":\"Viewer " + i + "\"}", "203.0.113.50")
                            .status())
                    .isEqualTo(201);
        }
        ChatFixture.Http limited = f.ticket(session, "{\"name\":\"Viewer 4\"}", "203.0.113.50");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.errorCode()).isEqualTo("RATE_LIMITED");
        assertThat(Integer.parseInt(limited.headers().get("Retry-After"))).isBetween(1, 60);
        assertThat(f.ticket(session, "{\"name\":\"Viewer 5\"}", "203.0.113.51").status())
                .isEqualTo(201);
        // Another show has its own budget.
        assertThat(f.ticket(f.session("LIVE"), "{\"name\":\"Viewer 6\"}", "203.0.113.50")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aMessageWithoutAValidTicketOrWithBadTextIsRefusedAndNothingIsPublished() {
        String session = f.session("LIVE");
        String other = f.session("LIVE");
        String good = ticket(session, "Ann");
        String forOther = ticket(other, "Ann");
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(("{\"s\":\"" + session + "\",\"t\":\"" + UUID.randomUUID()
                                        + "\",\"n\":\"Host\",\"e\":9999999999}")
                                .getBytes())
                + "." + parts[2];
        assertThat(f.say(session, null, "hi").errorCode()).isEqualTo("INVALID_TICKET");
        assertThat(f.say(session, "garbage", "hi").errorCode()).isEqualTo("INVALID_TICKET");
        assertThat(f.say(session, tampered, "hi").errorCode()).isEqualTo("INVALID_TICKET");
        assertThat(f.say(session, forOther, "hi").errorCode()).isEqualTo("INVALID_TICKET");
        assertThat(f.say(session, good, "").errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(f.say(session, good, "x".repeat(501)).errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(f.say(session, good, "bell\u0007").errorCode()).isEqualTo("INVALID_FIELD");
        assertThat(ChatFixture.call(
                                f.send,
                                "POST",
                                "/sessions/{sessionId}/messages",
                                Map.of("sessionId", session),
                                "{\"text\":5}",
                                Map.of("X-Chat-Ticket", good),
                                false,
                                "198.51.100.1")
                        .status())
                .isEqualTo(400);
        assertThat(f.say(session, f.hostToken().substring(1), "hi").errorCode()).isEqualTo("INVALID_TICKET");
        assertThat(f.chatOn(session)).isEmpty();
        assertThat(f.recent(session, null).body().path("messages")).isEmpty();
    }

    @Test
    void anExpiredTicketOrAnEndedShowRefusesAndTheHostSpeaksWithTheirToken() {
        String session = f.session("LIVE");
        String t = ticket(session, "Ann");
        ChatFixture.Http host = f.hostSays(session, f.hostToken(), "Welcome!");
        assertThat(host.status()).isEqualTo(202);
        assertThat(f.chatOn(session)).singleElement().satisfies(j -> {
            assertThat(j.path("role").asText()).isEqualTo("host");
            assertThat(j.path("name").asText()).isEqualTo("Host");
            assertThat(j.has("ticketId")).isFalse();
        });
        assertThat(f.hostSays(
                                session,
                                f.issuer.token(
                                        com.liveshop.testkit.TestIssuer.ISSUER,
                                        com.liveshop.testkit.TestIssuer.AUDIENCE,
                                        List.of("viewers")),
                                "x")
                        .status())
                .isEqualTo(403);
        assertThat(f.hostSays(session, "not-a-jwt", "x").status()).isEqualTo(401);
        f.endSession(session);
        assertThat(f.say(session, t, "too late").errorCode()).isEqualTo("SESSION_ENDED");
        assertThat(f.ticket(session, "{\"name\":\"Bob\"}", "192.0.2.3").errorCode())
                .isEqualTo("SESSION_ENDED");

        String later = f.session("LIVE");
        String old = ticket(later, "Cleo");
        f.clock.advance(Duration.ofHours(13));
        try {
            assertThat(f.say(later, old, "hi").errorCode()).isEqualTo("INVALID_TICKET");
        } finally {
            f.clock.advance(Duration.ofHours(-13));
        }
    }

    @Test
    void blocklistedWordsAreRefusedForViewers() {
        String session = f.session("LIVE");
        f.admin("PUT", "/sessions/{sessionId}/blocklist", Map.of("sessionId", session), "{\"words\":[\"scam\"]}", true);
        String t = ticket(session, "Ann");
        assertThat(f.say(session, t, "this is a SCAM!").errorCode()).isEqualTo("BLOCKED_WORD");
        assertThat(f.say(session, t, "scampi are nice").status()).isEqualTo(202);
    }

    @Test
    void aTicketSendsAtMostFiveMessagesPerTenSecondsEvenFromManyThreadsAtOnce() throws Exception {
        String session = f.session("LIVE");
        String t = ticket(session, "Burst");
        // Both the ticket's window and the show's second stay put while the clock does not move.
        List<Integer> statuses = inParallel(20, i -> f.say(session, t, "m" + i).status());
        assertThat(statuses.stream().filter(s -> s == 202)).hasSize(5);
        assertThat(statuses.stream().filter(s -> s == 429)).hasSize(15);
        assertThat(f.chatOn(session)).hasSize(5);
        ChatFixture.Http limited = f.say(session, t, "again");
        assertThat(limited.errorCode()).isEqualTo("RATE_LIMITED");
        assertThat(Integer.parseInt(limited.headers().get("Retry-After"))).isBetween(1, 10);
    }

    @Test
    void theShowsBudgetPerSecondHoldsAcrossTicketsAndThreads() throws Exception {
        String session = f.session("LIVE");
        f.admin(
                "PUT",
                "/sessions/{sessionId}/chat-settings",
                Map.of("sessionId", session),
                "{\"messagesPerSecond\":7,\"slowModeSeconds\":0}",
                true);
        List<String> tickets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tickets.add(ticket(session, "Fan " + i));
        }
        List<ChatFixture.Http> answers = inParallel(20, i -> f.say(session, tickets.get(i), "hello " + i));
        assertThat(answers.stream().filter(a -> a.status() == 202)).hasSize(7);
        assertThat(answers.stream().filter(a -> a.status() == 429))
                .allSatisfy(a -> {
                    assertThat(a.errorCode()).isEqualTo("SLOW_MODE");
                    assertThat(a.headers()).containsEntry("Retry-After", "1");
                })
                .hasSize(13);
        assertThat(f.chatOn(session)).hasSize(7);
    }

    @Test
    void slowModeSpacesOneViewersMessagesAndSaysWhenToRetry() {
        String session = f.session("LIVE");
        f.admin(
                "PUT",
                "/sessions/{sessionId}/chat-settings",
                Map.of("sessionId", session),
                "{\"messagesPerSecond\":20,\"slowModeSeconds\":30}",
                true);
        String ann = ticket(session, "Ann");
        String bob = ticket(session, "Bob");
        assertThat(f.say(session, ann, "first").status()).isEqualTo(202);
        assertThat(f.say(session, bob, "mine").status()).isEqualTo(202);
        f.clock.advance(Duration.ofSeconds(12));
        try {
            ChatFixture.Http slow = f.say(session, ann, "second");
            assertThat(slow.status()).isEqualTo(429);
            assertThat(slow.errorCode()).isEqualTo("SLOW_MODE");
            assertThat(slow.headers()).containsEntry("Retry-After", "18");
            f.clock.advance(Duration.ofSeconds(18));
            assertThat(f.say(session, ann, "second").status()).isEqualTo(202);
        } finally {
            f.clock.advance(Duration.ofSeconds(-30));
        }
    }

    @Test
    void lateJoinersGetTheLatestMessagesNewestLast() {
        String session = f.session("LIVE");
        String t = ticket(session, "Ann");
        for (int i = 0; i < 4; i++) {
            f.clock.advance(Duration.ofMillis(5));
            assertThat(f.say(session, t, "m" + i).status()).isEqualTo(202);
        }
        f.clock.advance(Duration.ofSeconds(11));
        for (int i = 4; i < 6; i++) {
            f.clock.advance(Duration.ofMillis(5));
            assertThat(f.say(session, t, "m" + i).status()).isEqualTo(202);
        }
        ChatFixture.Http all = f.recent(session, null);
        assertThat(all.status()).isEqualTo(200);
        // A joining crowd is answered by the CDN; a browser keeps it no longer than a page's poll.
        assertThat(all.headers())
                .containsEntry("cache-control", "public, max-age=2, s-maxage=2, stale-while-revalidate=2");
        assertThat(all.body().path("messages"))
                .extracting(j -> j.path("text").asText())
                .containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(f.recent(session, "2").body().path("messages"))
                .extracting(j -> j.path("text").asText())
                .containsExactly("m4", "m5");
        for (String bad : new String[] {"0", "101", "x", "-1", "2.5"}) {
            assertThat(f.recent(session, bad).status()).as(bad).isEqualTo(400);
        }
        assertThat(f.recent(session, "x").headers()).containsEntry("cache-control", "public, max-age=5, s-maxage=5");
        assertThat(f.recent(UUID.randomUUID().toString(), null).errorCode()).isEqualTo("SESSION_NOT_FOUND");
    }

    @Test
    void ticketsAndMessagesAreNeverStoredByACache() {
        String session = f.session("LIVE");
        ChatFixture.Http issued = f.ticket(session, "{\"name\":\"Cleo\"}", "10.200.0.1");
        assertThat(issued.status()).isEqualTo(201);
        assertThat(issued.headers()).containsEntry("cache-control", "no-store");
        assertThat(f.ticket(session, "{\"name\":\"\"}", "10.200.0.2").headers())
                .containsEntry("cache-control", "no-store");
        ChatFixture.Http sent = f.say(session, issued.body().path("ticket").asText(), "hello");
        assertThat(sent.status()).isEqualTo(202);
        assertThat(sent.headers()).containsEntry("cache-control", "no-store");
        assertThat(f.say(session, null, "no ticket").headers()).containsEntry("cache-control", "no-store");
    }

    private interface Call<T> {
        T run(int i) throws Exception;
    }

    /** Runs {@code n} calls on real threads released together; answers in index order. */
    private static <T> List<T> inParallel(int n, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int index = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.run(index);
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> future : futures) {
                out.add(future.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
