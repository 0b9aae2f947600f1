package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Host moderation routes on DynamoDB Local: delete, pin, ban, blocklist, slow mode; bad input and auth. */
class ModerationHandlerTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static ChatFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture(DYNAMO);
    }

    private static String said(String session, String ticket, String text) {
        ChatFixture.Http sent = f.say(session, ticket, text);
        assertThat(sent.status()).as(String.valueOf(sent.body())).isEqualTo(202);
        return sent.body().path("messageId").asText();
    }

    @Test
    void deletingAMessagePublishesItAndAnUnknownOneIs404() {
        String session = f.session("LIVE");
        String ann = f.ticketFor(session, "Ann").path("ticket").asText();
        String messageId = said(session, ann, "delete me");
        var path = Map.of("sessionId", session, "messageId", messageId);
        ChatFixture.Http deleted = f.admin("DELETE", "/sessions/{sessionId}/messages/{messageId}", path, null, true);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.headers()).containsEntry("cache-control", "no-store");
        assertThat(f.publisher.show(session, "messageDeleted"))
                .singleElement()
                .satisfies(j -> assertThat(j.path("messageId").asText()).isEqualTo(messageId));
        assertThat(f.recent(session, null).body().path("messages")).isEmpty();
        ChatFixture.Http again = f.admin("DELETE", "/sessions/{sessionId}/messages/{messageId}", path, null, true);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorCode()).isEqualTo("MESSAGE_NOT_FOUND");
        assertThat(again.headers()).as("admin errors too").containsEntry("cache-control", "no-store");
        assertThat(f.admin(
                                "DELETE",
                                "/sessions/{sessionId}/messages/{messageId}",
                                Map.of("sessionId", session, "messageId", "nope"),
                                null,
                                true)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void pinningPublishesThePinnedMessageAndStoresItOnTheSession() {
        String session = f.session("LIVE");
        String ann = f.ticketFor(session, "Ann").path("ticket").asText();
        String messageId = said(session, ann, "<b>pin</b> me");
        ChatFixture.Http pinned = f.admin(
                "POST",
                "/sessions/{sessionId}/pin",
                Map.of("sessionId", session),
                "{\"messageId\":\"" + messageId + "\"}",
                true);
        assertThat(pinned.status()).isEqualTo(200);
        assertThat(pinned.body().path("pinned").path("text").asText()).isEqualTo("<b>pin</b> me");
        assertThat(f.publisher.show(session, "pinned"))
                .singleElement()
                .satisfies(j ->
                        assertThat(j.path("message").path("messageId").asText()).isEqualTo(messageId));
        var meta = f.client
                .getItem(g -> g.tableName(ChatFixture.SESSIONS)
                        .key(Map.of(
                                "pk",
                                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                                "SESSION#" + session),
                                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("META"))))
                .item();
        assertThat(meta.get("pinnedMessage").s()).contains(messageId);
        assertThat(f.admin(
                                "POST",
                                "/sessions/{sessionId}/pin",
                                Map.of("sessionId", session),
                                "{\"messageId\":\"0000000000000-000000000000\"}",
                                true)
                        .status())
                .isEqualTo(404);
        assertThat(f.admin("POST", "/sessions/{sessionId}/pin", Map.of("sessionId", session), "{}", true)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void aBanByTicketStopsThatTicketAndTheClientThatGotItButNotOthersWithTheSameName() {
        String session = f.session("LIVE");
        JsonNode troll = ticket(session, "Troll", "203.0.113.20");
        JsonNode sameClient = ticket(session, "Nice Person", "203.0.113.20");
        JsonNode namesake = ticket(session, "Troll", "203.0.113.21");
        JsonNode ann = ticket(session, "Ann", "203.0.113.22");
        said(session, troll.path("ticket").asText(), "buy elsewhere");

        ChatFixture.Http ban = f.admin(
                "POST",
                "/sessions/{sessionId}/bans",
                Map.of("sessionId", session),
                "{\"ticketId\":\"" + troll.path("ticketId").asText() + "\"}",
                true);

        assertThat(ban.status()).as(String.valueOf(ban.body())).isEqualTo(200);
        assertThat(ban.body().path("name").asText()).isEqualTo("Troll");
        assertThat(ban.body().toString()).doesNotContain("203.0.113");
        assertThat(f.say(session, troll.path("ticket").asText(), "again").errorCode())
                .isEqualTo("BANNED");
        // The client's other tickets, and any new one it asks for in this show, are banned too.
        assertThat(f.say(session, sameClient.path("ticket").asText(), "it's me again")
                        .errorCode())
                .isEqualTo("BANNED");
        ChatFixture.Http fresh = f.ticket(session, "{\"name\":\"Totally New\"}", "203.0.113.20");
        assertThat(fresh.status()).isEqualTo(403);
        assertThat(fresh.errorCode()).isEqualTo("BANNED");
        // Another viewer who uses the same name, and everyone else, still chat; a new "Troll" elsewhere gets a ticket.
        assertThat(f.say(session, namesake.path("ticket").asText(), "I'm the nice Troll")
                        .status())
                .isEqualTo(202);
        assertThat(f.say(session, ann.path("ticket").asText(), "hi").status()).isEqualTo(202);
        assertThat(f.ticket(session, "{\"name\":\"Troll\"}", "203.0.113.23").status())
                .isEqualTo(201);
        // The ban is for this show only.
        assertThat(f.ticket(f.session("LIVE"), "{\"name\":\"Troll\"}", "203.0.113.20")
                        .status())
                .isEqualTo(201);
        // The host console hears of it on the hosts channel; viewers do not.
        assertThat(f.publisher.on(Channels.hosts(session)))
                .singleElement()
                .satisfies(j -> assertThat(j.path("type").asText()).isEqualTo("banned"));
        assertThat(f.publisher.show(session, "banned")).isEmpty();
    }

    private static JsonNode ticket(String session, String name, String address) {
        ChatFixture.Http r = f.ticket(session, com.liveshop.shared.json.Json.write(Map.of("name", name)), address);
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(201);
        return r.body();
    }

    @Test
    void aBanByNameStopsEveryTicketHeldUnderItOrALookAlike() {
        String session = f.session("LIVE");
        String first = f.ticketFor(session, "Spammer").path("ticket").asText();
        String second = f.ticketFor(session, "SPAMMER").path("ticket").asText();
        String cyrillic = f.ticketFor(session, "Ѕраmmеr").path("ticket").asText();
        assertThat(f.admin(
                                "POST",
                                "/sessions/{sessionId}/bans",
                                Map.of("sessionId", session),
                                "{\"name\":\"spammer\"}",
                                true)
                        .status())
                .isEqualTo(200);
        assertThat(f.say(session, first, "x").errorCode()).isEqualTo("BANNED");
        assertThat(f.say(session, second, "x").errorCode()).isEqualTo("BANNED");
        assertThat(f.say(session, cyrillic, "x").errorCode()).isEqualTo("BANNED");
        assertThat(f.admin(
                                "POST",
                                "/sessions/{sessionId}/bans",
                                Map.of("sessionId", session),
                                "{\"name\":\"Troll\"}",
                                true)
                        .status())
                .isEqualTo(200);
        for (String lookAlike :
                new String[] {"Troll", "troll", "TroII", "Tr0ll", "Troll\u200b", "ＴＲＯＬＬ", "Тroll", "ᴛʀᴏʟʟ"}) {
            ChatFixture.Http refused =
                    f.ticket(session, com.liveshop.shared.json.Json.write(Map.of("name", lookAlike)), "192.0.2.9");
            assertThat(refused.errorCode()).as(lookAlike).isIn("BANNED", "INVALID_FIELD");
        }
        assertThat(f.ticket(session, "{\"name\":\"TroII\"}", "192.0.2.9").errorCode())
                .isEqualTo("BANNED");
        assertThat(f.ticket(session, "{\"name\":\"Trolley\"}", "192.0.2.9").status())
                .isEqualTo(201);
    }

    @Test
    void chatSettingsAreStoredPublishedAndValidated() {
        String session = f.session("LIVE");
        var path = Map.of("sessionId", session);
        ChatFixture.Http set = f.admin(
                "PUT",
                "/sessions/{sessionId}/chat-settings",
                path,
                "{\"messagesPerSecond\":5,\"slowModeSeconds\":30}",
                true);
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body().path("slowModeSeconds").asInt()).isEqualTo(30);
        assertThat(f.publisher.show(session, "chatSettings"))
                .singleElement()
                .satisfies(j -> assertThat(j.path("messagesPerSecond").asInt()).isEqualTo(5))
                .satisfies(j -> assertThat(j.path("buyKeyword").asText()).isEqualTo("SOLD"));
        for (String bad : new String[] {
            "{\"messagesPerSecond\":0,\"slowModeSeconds\":0}",
            "{\"messagesPerSecond\":101,\"slowModeSeconds\":0}",
            "{\"messagesPerSecond\":5,\"slowModeSeconds\":301}",
            "{}",
            "{\"messagesPerSecond\":\"5\",\"slowModeSeconds\":1}",
            "{\"messagesPerSecond\":5.5,\"slowModeSeconds\":1}",
            "[]"
        }) {
            assertThat(f.admin("PUT", "/sessions/{sessionId}/chat-settings", path, bad, true)
                            .status())
                    .as(bad)
                    .isEqualTo(400);
        }
        assertThat(f.publisher.show(session, "chatSettings")).hasSize(1);
        assertThat(f.admin(
                                "PUT",
                                "/sessions/{sessionId}/chat-settings",
                                path,
                                "{\"messagesPerSecond\":5,\"slowModeSeconds\":1}",
                                false)
                        .status())
                .isEqualTo(401);
        assertThat(f.admin(
                                "PUT",
                                "/sessions/{sessionId}/chat-settings",
                                Map.of("sessionId", UUID.randomUUID().toString()),
                                "{\"messagesPerSecond\":5,\"slowModeSeconds\":1}",
                                true)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void badInputAndAuth() {
        String session = f.session("LIVE");
        var path = Map.of("sessionId", session);
        assertThat(f.admin("POST", "/sessions/{sessionId}/bans", path, "{}", true)
                        .status())
                .isEqualTo(400);
        assertThat(f.admin("POST", "/sessions/{sessionId}/bans", path, "{\"name\":\"a\",\"ticketId\":\"b\"}", true)
                        .status())
                .isEqualTo(400);
        assertThat(f.admin("POST", "/sessions/{sessionId}/bans", path, "{\"ticketId\":\"nobody\"}", true)
                        .status())
                .isEqualTo(400);
        assertThat(f.admin(
                                "POST",
                                "/sessions/{sessionId}/bans",
                                path,
                                "{\"ticketId\":\"" + UUID.randomUUID() + "\"}",
                                true)
                        .errorCode())
                .isEqualTo("TICKET_NOT_FOUND");
        assertThat(f.admin("POST", "/sessions/{sessionId}/bans", path, "{\"name\":\"...\"}", true)
                        .status())
                .isEqualTo(400);
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "{\"words\":\"scam\"}", true)
                        .status())
                .isEqualTo(400);
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "{\"words\":[\"\"]}", true)
                        .status())
                .isEqualTo(400);
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "not json", true)
                        .status())
                .isEqualTo(400);
        JsonNode ok = f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "{\"words\":[\"Scam\",\"scam\"]}", true)
                .body();
        assertThat(ok.path("words")).hasSize(1);
        assertThat(f.admin(
                                "PUT",
                                "/sessions/{sessionId}/blocklist",
                                Map.of("sessionId", UUID.randomUUID().toString()),
                                "{\"words\":[]}",
                                true)
                        .status())
                .isEqualTo(404);
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "{\"words\":[]}", false)
                        .status())
                .isEqualTo(401);
    }
}
