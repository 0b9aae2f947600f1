package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.shared.json.Json;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 24's chat findings on DynamoDB Local: one address farming tickets, flooding the show's budget, a ban by ticket
 * that cost the attacker one ticket, look-alike names and blocklisted words, bidi controls.
 */
class OneClientCannotJamTheChatTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static ChatFixture f;
    private static final AtomicInteger ADDRESS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        // The per-minute limit well above the per-show cap, so the cap is what refuses.
        f = new ChatFixture(DYNAMO, Map.of("CHAT_TICKETS_PER_IP_PER_MINUTE", "100"));
    }

    private static String address() {
        int n = ADDRESS.incrementAndGet();
        return "198.18." + (n >> 8 & 255) + "." + (n & 255);
    }

    private static String ticket(String session, String name, String address) {
        ChatFixture.Http r = f.ticket(session, Json.write(Map.of("name", name)), address);
        assertThat(r.status()).as(name + " " + r.body()).isEqualTo(201);
        return r.body().path("ticket").asText();
    }

    @Test
    void theEleventhTicketFromOneAddressForOneShowIsRefusedAnotherAddressOrShowStillGetsOne() {
        String session = f.session("LIVE");
        String farm = address();
        for (int i = 0; i < 10; i++) {
            ticket(session, "Bot " + i, farm);
        }
        ChatFixture.Http refused = f.ticket(session, "{\"name\":\"Bot 10\"}", farm);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.errorCode()).isEqualTo("RATE_LIMITED");
        assertThat(Long.parseLong(refused.headers().get("Retry-After"))).isPositive();
        // Not per minute: an hour later it is still refused.
        f.clock.advance(Duration.ofHours(1));
        try {
            assertThat(f.ticket(session, "{\"name\":\"Bot 11\"}", farm).status())
                    .isEqualTo(429);
        } finally {
            f.clock.advance(Duration.ofHours(-1));
        }
        ticket(session, "Real viewer", address());
        ticket(f.session("LIVE"), "Bot elsewhere", farm);
    }

    /**
     * The finding: one client's tickets flood the show (budget 4 messages per second, slow mode 2 s) while a
     * real viewer sends 12 messages at the slow-mode pace, each at the same time as the flood. Before, the budget was
     * first come, first served and the viewer lost most of them; now one client never has more than half the budget in
     * a second, so the viewer loses none.
     */
    @RepeatedTest(20)
    void aRealViewerLosesNoMessageToOneClientsFloodOfTickets() throws Exception {
        String session = f.session("LIVE");
        f.admin(
                "PUT",
                "/sessions/{sessionId}/chat-settings",
                Map.of("sessionId", session),
                "{\"messagesPerSecond\":4,\"slowModeSeconds\":2}",
                true);
        String farm = address();
        List<String> bots = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            bots.add(ticket(session, "Fan " + i, farm));
        }
        String viewer = ticket(session, "Real Viewer", address());
        int lost = 0;
        int botsAccepted = 0;
        ExecutorService pool = Executors.newFixedThreadPool(11);
        try {
            for (int round = 0; round < 12; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> flood = new ArrayList<>();
                for (String bot : bots) {
                    flood.add(pool.submit(() -> {
                        go.await();
                        int ok = 0;
                        for (int k = 0; k < 2; k++) {
                            ok += f.say(session, bot, "buy at example.com").status() == 202 ? 1 : 0;
                        }
                        return ok;
                    }));
                }
                final int r = round;
                Future<ChatFixture.Http> mine = pool.submit(() -> {
                    go.await();
                    return f.say(session, viewer, "question " + r);
                });
                go.countDown();
                for (Future<Integer> b : flood) {
                    botsAccepted += b.get();
                }
                ChatFixture.Http answer = mine.get();
                if (answer.status() != 202) {
                    lost++;
                }
                f.clock.advance(Duration.ofSeconds(2));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(lost).as("the real viewer's messages refused").isZero();
        // The flood still gets its share, never more than half the budget a second (2 × 12 rounds).
        assertThat(botsAccepted).isBetween(1, 24);
        assertThat(f.chatOn(session).stream()
                        .filter(j -> j.path("name").asText().equals("Real Viewer")))
                .hasSize(12);
    }

    @Test
    void lookAlikesOfReservedNamesAreRefusedAndNamesInOtherScriptsPass() {
        String session = f.session("LIVE");
        for (String name :
                new String[] {"ʜᴏsᴛ", "Ꮋost", "ʜost", "HOꜱT", "ᴍᴏᴅᴇʀᴀᴛᴏʀ", "rnoderator", "Аdmin", "ΗΟST", "Cyber Dea1s"
                }) {
            ChatFixture.Http r = f.ticket(session, Json.write(Map.of("name", name)), address());
            assertThat(r.status()).as(name).isEqualTo(422);
            assertThat(r.errorCode()).as(name).isEqualTo("NAME_RESERVED");
        }
        for (String name : new String[] {"Zoë", "Алексей", "小明", "José García", "Ωmega fan", "Hostess Jane"}) {
            ChatFixture.Http r = f.ticket(session, Json.write(Map.of("name", name)), address());
            assertThat(r.status()).as(name + " " + r.body()).isEqualTo(201);
            assertThat(r.body().path("name").asText()).isEqualTo(name);
        }
    }

    @Test
    void blocklistedWordsAreRefusedWithAZeroWidthSpaceInsideOrInCyrillicLetters() {
        String session = f.session("LIVE");
        f.admin(
                "PUT",
                "/sessions/{sessionId}/blocklist",
                Map.of("sessionId", session),
                "{\"words\":[\"scam\",\"fake\"]}",
                true);
        String t = ticket(session, "Ann", address());
        for (String text : new String[] {
            "this is a SCAM!",
            "total sc\u200bam",
            "sc\u2060am here",
            "ѕсаm" /* Cyrillic ѕ с а */,
            "so fаke" /* Cyrillic а */,
            "FAKE\u200d"
        }) {
            ChatFixture.Http r = f.say(session, t, text);
            assertThat(r.errorCode()).as(text).isEqualTo("BLOCKED_WORD");
        }
        f.clock.advance(Duration.ofSeconds(10));
        try {
            assertThat(f.say(session, t, "scampi are nice").status()).isEqualTo(202);
            assertThat(f.say(session, t, "Алексей says hi 小明").status()).isEqualTo(202);
        } finally {
            f.clock.advance(Duration.ofSeconds(-10));
        }
    }

    @Test
    void bidiControlsAreRefusedInChatTextAndNamesWithAClear400() {
        String session = f.session("LIVE");
        String t = ticket(session, "Ann", address());
        for (String control : new String[] {
            "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E",
            "\u200F", "\u061C"
        }) {
            ChatFixture.Http text = f.say(session, t, "price: 10" + control + "0 USD");
            assertThat(text.status()).isEqualTo(400);
            assertThat(text.errorCode()).isEqualTo("INVALID_FIELD");
            assertThat(text.body().path("error").path("message").asText()).contains("bidirectional control");
            ChatFixture.Http name =
                    f.ticket(session, Json.write(Map.of("name", "Ann" + control + "xe.exe")), address());
            assertThat(name.status()).isEqualTo(400);
            assertThat(name.body().path("error").path("message").asText()).contains("bidirectional control");
        }
        assertThat(f.chatOn(session)).isEmpty();
    }
}
