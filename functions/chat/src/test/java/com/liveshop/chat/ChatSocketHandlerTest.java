package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket routes on DynamoDB Local: connect rules, disconnect, messages, rate limit, blocklist, fan-out. */
class ChatSocketHandlerTest {

    private static ChatFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void aViewerConnectsIsCountedAndDisconnectingTwiceUncountsOnce() {
        String session = f.session("LIVE");
        String id = f.connectViewer(session, "  Ann  ");
        assertThat(f.viewerCount(session)).isEqualTo(1);
        assertThat(f.wiring.connections().find(session, id)).get().satisfies(c -> {
            assertThat(c.name()).isEqualTo("Ann");
            assertThat(c.role()).isEqualTo("viewer");
        });
        assertThat(f.disconnect(id).getStatusCode()).isEqualTo(200);
        assertThat(f.disconnect(id).getStatusCode()).isEqualTo(200);
        assertThat(f.viewerCount(session)).isZero();
        assertThat(f.storedConnections(session)).isZero();
    }

    @Test
    void refusesUnknownEndedSessionsAndBadNames() {
        String live = f.session("LIVE");
        assertThat(f.connect("c1", Map.of("sessionId", java.util.UUID.randomUUID().toString(), "name", "A")).getStatusCode()).isEqualTo(404);
        assertThat(f.connect("c2", Map.of("sessionId", f.session("ENDED"), "name", "A")).getStatusCode()).isEqualTo(409);
        assertThat(f.connect("c3", Map.of("sessionId", "not-a-uuid", "name", "A")).getStatusCode()).isEqualTo(400);
        assertThat(f.connect("c4", Map.of("sessionId", live, "name", "   ")).getStatusCode()).isEqualTo(400);
        assertThat(f.connect("c5", Map.of("sessionId", live, "name", "x".repeat(31))).getStatusCode()).isEqualTo(400);
        assertThat(f.connect("c6", Map.of("sessionId", live)).getStatusCode()).isEqualTo(400);
        assertThat(f.connect("c7", null).getStatusCode()).isEqualTo(400);
        assertThat(f.connect("c8", Map.of("sessionId", live, "name", "x".repeat(30))).getStatusCode()).isEqualTo(200);
        assertThat(f.viewerCount(live)).isEqualTo(1);
    }

    @Test
    void hostTokensAreVerified() throws Exception {
        String session = f.session("SCHEDULED");
        String host = ChatFixture.newConnectionId();
        assertThat(f.connect(host, Map.of("sessionId", session, "name", "Host", "token", f.hostToken())).getStatusCode()).isEqualTo(200);
        assertThat(f.wiring.connections().find(session, host).orElseThrow().role()).isEqualTo("host");
        assertThat(f.viewerCount(session)).as("hosts are not viewers").isZero();
        assertThat(f.connect("x1", Map.of("sessionId", session, "name", "H", "token", "garbage")).getStatusCode()).isEqualTo(401);
        assertThat(f.connect("x2", Map.of("sessionId", session, "name", "H",
                "token", f.token("https://other", ChatFixture.AUDIENCE, List.of("hosts")))).getStatusCode()).isEqualTo(401);
        assertThat(f.connect("x3", Map.of("sessionId", session, "name", "H",
                "token", f.token(ChatFixture.ISSUER, "other-client", List.of("hosts")))).getStatusCode()).isEqualTo(401);
        assertThat(f.connect("x4", Map.of("sessionId", session, "name", "H",
                "token", f.token(ChatFixture.ISSUER, ChatFixture.AUDIENCE, List.of()))).getStatusCode()).isEqualTo(403);
        assertThat(f.storedConnections(session)).isEqualTo(1);
    }

    @Test
    void aMessageReachesEveryoneAsTheExactText() throws Exception {
        String session = f.session("LIVE");
        String ann = f.connectViewer(session, "Ann");
        String bob = f.connectViewer(session, "Bob");
        String host = ChatFixture.newConnectionId();
        f.connect(host, Map.of("sessionId", session, "name", "Host", "token", f.hostToken()));
        String text = "<script>alert('x')</script> & \"blue\"?";
        assertThat(f.say(ann, "  " + text + "  ")).isNull();
        for (String id : List.of(ann, bob, host)) {
            JsonNode chat = f.gateway.frames(id).stream().filter(j -> j.path("type").asText().equals("chat")).findFirst().orElseThrow();
            assertThat(chat.get("text").asText()).isEqualTo(text);
            assertThat(chat.get("name").asText()).isEqualTo("Ann");
            assertThat(chat.get("role").asText()).isEqualTo("viewer");
            assertThat(chat.get("messageId").asText()).matches("\\d{13}-[0-9a-f]{12}");
            assertThat(chat.get("at").asText()).isNotBlank();
        }
        f.say(host, "Yes, it comes in blue");
        assertThat(f.gateway.frames(bob)).anySatisfy(j -> assertThat(j.path("role").asText()).isEqualTo("host"));
    }

    @Test
    void theSixthMessageInTenSecondsIsRateLimitedForTheSenderOnly() {
        String session = f.session("LIVE");
        String spam = f.connectViewer(session, "Spam");
        String other = f.connectViewer(session, "Other");
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(f.say(spam, "msg " + i));
        }
        long chats = f.gateway.frames(other).stream().filter(j -> j.path("type").asText().equals("chat")).count();
        // The window is fixed (epoch seconds / 10): all six fall in one or two windows; at least one is refused
        // unless the window turned exactly in between, in which case both windows hold at most five.
        long limited = answers.stream().filter(a -> a != null && ChatFixture.json(a).path("code").asText().equals("RATE_LIMITED")).count();
        assertThat(chats + limited).isEqualTo(6);
        assertThat(f.say(other, "still fine")).isNull();
        if (limited > 0) {
            assertThat(ChatFixture.json(answers.get(5)).path("type").asText()).isEqualTo("error");
        }
    }

    @Test
    void blocklistedWholeWordsAndBannedNamesAreRefused() {
        String session = f.session("LIVE");
        String ann = f.connectViewer(session, "Ann");
        assertThat(f.admin("PUT", "/sessions/{sessionId}/blocklist", Map.of("sessionId", session),
                "{\"words\":[\"Scam\",\"fake deal\"]}", true).status()).isEqualTo(200);
        assertThat(ChatFixture.json(f.say(ann, "this is a SCAM!")).path("code").asText()).isEqualTo("BLOCKED_WORD");
        assertThat(ChatFixture.json(f.say(ann, "what a fake deal")).path("code").asText()).isEqualTo("BLOCKED_WORD");
        assertThat(f.say(ann, "scampi for dinner")).isNull();
        assertThat(f.admin("POST", "/sessions/{sessionId}/bans", Map.of("sessionId", session), "{\"name\":\"ANN\"}", true).status())
                .isEqualTo(200);
        assertThat(f.gateway.closed).contains(ann);
        assertThat(f.connect("again", Map.of("sessionId", session, "name", "ann ")).getStatusCode()).isEqualTo(403);
    }

    @Test
    void badFramesGetAnErrorFrameNamingTheValidActions() {
        String session = f.session("LIVE");
        String id = f.connectViewer(session, "Ann");
        JsonNode notJson = ChatFixture.json(f.frame(id, "$default", "hello"));
        assertThat(notJson.path("code").asText()).isEqualTo("INVALID_FRAME");
        JsonNode unknown = ChatFixture.json(f.frame(id, "$default", "{\"action\":\"dance\"}"));
        assertThat(unknown.path("code").asText()).isEqualTo("UNKNOWN_ACTION");
        assertThat(unknown.path("validActions").get(0).asText()).isEqualTo("sendMessage");
        assertThat(ChatFixture.json(f.frame(id, "sendMessage", "{\"action\":\"sendMessage\",\"text\":42}")).path("code").asText())
                .isEqualTo("INVALID_FRAME");
        assertThat(ChatFixture.json(f.frame(id, "sendMessage", "{\"action\":\"sendMessage\"}")).path("code").asText())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(ChatFixture.json(f.say(id, "x".repeat(501))).path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(ChatFixture.json(f.say(id, "   ")).path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(f.say(id, "x".repeat(500))).isNull();
        assertThat(ChatFixture.json(f.say("never-connected", "hi")).path("code").asText()).isEqualTo("NOT_CONNECTED");
    }

    @Test
    void aStaleConnectionIsRemovedDuringABroadcastAndAFailingOneDoesNotStopIt() {
        String session = f.session("LIVE");
        String ann = f.connectViewer(session, "Ann");
        String stale = f.connectViewer(session, "Stale");
        String broken = f.connectViewer(session, "Broken");
        String bob = f.connectViewer(session, "Bob");
        String pending = f.connectViewer(session, "Pending"); // 410 while its $connect may still run: kept
        f.gateway.gone.add(stale);
        f.gateway.gone.add(pending);
        f.client.updateItem(u -> u.tableName(ChatFixture.SESSIONS).key(Map.of(
                        "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("SESSION#" + session),
                        "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("CONN#" + stale)))
                .updateExpression("SET connectedAt = :old").expressionAttributeValues(Map.of(
                        ":old", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("2026-01-01T00:00:00Z"))));
        f.gateway.failing.add(broken);
        assertThat(f.viewerCount(session)).isEqualTo(5);
        f.say(ann, "hello");
        assertThat(f.gateway.frames(bob)).anySatisfy(j -> assertThat(j.path("text").asText()).isEqualTo("hello"));
        assertThat(f.wiring.connections().find(session, stale)).isEmpty();
        assertThat(f.wiring.connections().find(session, broken)).isPresent();
        assertThat(f.wiring.connections().find(session, pending)).isPresent();
        assertThat(f.viewerCount(session)).isEqualTo(4);
        f.disconnect(stale);
        assertThat(f.viewerCount(session)).isEqualTo(4);
    }

    @Test
    void viewerCountIsRightAfterConcurrentConnectsAndDisconnects() throws Exception {
        String session = f.session("LIVE");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> connects = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                connects.add(pool.submit(() -> f.connectViewer(session, "viewer" + n)));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> c : connects) {
                ids.add(c.get());
            }
            assertThat(f.viewerCount(session)).isEqualTo(100);
            List<Callable<Object>> leaves = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = ids.get(i);
                leaves.add(() -> f.disconnect(id));
                leaves.add(() -> f.disconnect(id)); // duplicated $disconnect, at the same time
            }
            for (Future<Object> leave : pool.invokeAll(leaves)) {
                leave.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(f.viewerCount(session)).isEqualTo(50);
        assertThat(f.storedConnections(session)).isEqualTo(50);
    }

    @Test
    void eventsSamplesAreHandled() throws Exception {
        var connect = com.amazonaws.services.lambda.runtime.tests.EventLoader.loadEvent(
                "../../events-samples/chat/connect.json", com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent.class);
        assertThat(connect.getRequestContext().getRouteKey()).isEqualTo("$connect");
        assertThat(f.socket.handleRequest(connect, new com.liveshop.testkit.TestContext("ChatSocketFunction")).getStatusCode())
                .as("the sample's session does not exist here").isEqualTo(404);
        var dflt = com.amazonaws.services.lambda.runtime.tests.EventLoader.loadEvent(
                "../../events-samples/chat/default.json", com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent.class);
        assertThat(ChatFixture.json(f.socket.handleRequest(dflt, new com.liveshop.testkit.TestContext("ChatSocketFunction")).getBody())
                .path("type").asText()).isEqualTo("error");
    }
}
