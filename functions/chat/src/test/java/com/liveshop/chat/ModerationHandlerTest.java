package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Host moderation routes on DynamoDB Local: delete, pin, ban, blocklist; bad input and auth. */
class ModerationHandlerTest {

    private static ChatFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static String lastMessageId(String connectionId) {
        var frames = f.gateway.frames(connectionId);
        return frames.stream().filter(j -> j.path("type").asText().equals("chat")).reduce((a, b) -> b).orElseThrow()
                .get("messageId").asText();
    }

    @Test
    void deletingAMessageBroadcastsItAndAnUnknownOneIs404() {
        String session = f.session("LIVE");
        String ann = f.connectViewer(session, "Ann");
        f.say(ann, "delete me");
        String messageId = lastMessageId(ann);
        var path = Map.of("sessionId", session, "messageId", messageId);
        assertThat(f.admin("DELETE", "/sessions/{sessionId}/messages/{messageId}", path, null, true).status()).isEqualTo(204);
        assertThat(f.gateway.frames(ann)).anySatisfy(j -> {
            assertThat(j.path("type").asText()).isEqualTo("messageDeleted");
            assertThat(j.path("messageId").asText()).isEqualTo(messageId);
        });
        ChatFixture.Http again = f.admin("DELETE", "/sessions/{sessionId}/messages/{messageId}", path, null, true);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorCode()).isEqualTo("MESSAGE_NOT_FOUND");
        assertThat(f.admin("DELETE", "/sessions/{sessionId}/messages/{messageId}",
                Map.of("sessionId", session, "messageId", "nope"), null, true).status()).isEqualTo(400);
    }

    @Test
    void pinningBroadcastsThePinnedMessageAndStoresItOnTheSession() {
        String session = f.session("LIVE");
        String ann = f.connectViewer(session, "Ann");
        f.say(ann, "<b>pin</b> me");
        String messageId = lastMessageId(ann);
        ChatFixture.Http pinned = f.admin("POST", "/sessions/{sessionId}/pin", Map.of("sessionId", session),
                "{\"messageId\":\"" + messageId + "\"}", true);
        assertThat(pinned.status()).isEqualTo(200);
        assertThat(pinned.body().path("pinned").path("text").asText()).isEqualTo("<b>pin</b> me");
        assertThat(f.gateway.frames(ann)).anySatisfy(j -> {
            assertThat(j.path("type").asText()).isEqualTo("pinned");
            assertThat(j.path("message").path("messageId").asText()).isEqualTo(messageId);
        });
        var meta = f.client.getItem(g -> g.tableName(ChatFixture.SESSIONS).key(Map.of(
                "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("SESSION#" + session),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("META")))).item();
        assertThat(meta.get("pinnedMessage").s()).contains(messageId);
        assertThat(f.admin("POST", "/sessions/{sessionId}/pin", Map.of("sessionId", session),
                "{\"messageId\":\"0000000000000-000000000000\"}", true).status()).isEqualTo(404);
        assertThat(f.admin("POST", "/sessions/{sessionId}/pin", Map.of("sessionId", session), "{}", true).status()).isEqualTo(400);
    }

    @Test
    void banningAConnectionClosesEveryConnectionOfThatNameAndFixesTheCount() throws Exception {
        String session = f.session("LIVE");
        String troll1 = f.connectViewer(session, "Troll");
        String troll2 = f.connectViewer(session, "troll");
        String ann = f.connectViewer(session, "Ann");
        String host = ChatFixture.newConnectionId();
        f.connect(host, Map.of("sessionId", session, "name", "Troll", "token", f.hostToken()));
        ChatFixture.Http ban = f.admin("POST", "/sessions/{sessionId}/bans", Map.of("sessionId", session),
                "{\"connectionId\":\"" + troll1 + "\"}", true);
        assertThat(ban.status()).isEqualTo(200);
        assertThat(ban.body().path("closedConnections").asInt()).isEqualTo(2);
        assertThat(f.gateway.closed).contains(troll1, troll2).doesNotContain(ann, host);
        assertThat(f.viewerCount(session)).isEqualTo(1);
        f.disconnect(troll1);
        assertThat(f.viewerCount(session)).isEqualTo(1);
        assertThat(f.admin("POST", "/sessions/{sessionId}/bans", Map.of("sessionId", session),
                "{\"connectionId\":\"" + host + "\"}", true).errorCode()).isEqualTo("CANNOT_BAN_HOST");
    }

    @Test
    void badInputAndAuth() {
        String session = f.session("LIVE");
        var path = Map.of("sessionId", session);
        assertThat(f.admin("POST", "/sessions/{sessionId}/bans", path, "{}", true).status()).isEqualTo(400);
        assertThat(f.admin("POST", "/sessions/{sessionId}/bans", path, "{\"name\":\"a\",\"connectionId\":\"b\"}", true).status()).isEqualTo(400);
        assertThat(f.admin("POST", "/sessions/{sessionId}/bans", path, "{\"connectionId\":\"nobody\"}", true).status()).isEqualTo(404);
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "{\"words\":\"scam\"}", true).status()).isEqualTo(400);
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "{\"words\":[\"\"]}", true).status()).isEqualTo(400);
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "not json", true).status()).isEqualTo(400);
        JsonNode ok = f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "{\"words\":[\"Scam\",\"scam\"]}", true).body();
        assertThat(ok.path("words")).hasSize(1);
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", Map.of("sessionId", UUID.randomUUID().toString()),
                "{\"words\":[]}", true).status()).isEqualTo(404);
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", path, "{\"words\":[]}", false).status()).isEqualTo(401);
    }
}
