package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Chat end to end: the repository's template on the whole local stack in-process, real java.net.http WebSocket
 * clients, the real chat handlers and the real @connections client.
 */
class ChatEndToEndTest {

    private static LocalStack stack;
    private static DynamoDbClient dynamo;
    private static String hostToken;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        dynamo = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                .endpointOverride(URI.create(stack.dynamoDbEndpoint()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                .httpClient(com.liveshop.shared.aws.AwsClients.httpClient())
                .build();
        hostToken = Json.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(stack.url() + "/_local/host-token")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("token").asText();
    }

    @AfterAll
    static void stop() {
        if (dynamo != null) {
            dynamo.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static String liveSession() {
        String id = UUID.randomUUID().toString();
        dynamo.putItem(p -> p.tableName("SessionsTable").item(Map.of("pk", AttributeValue.fromS("SESSION#" + id),
                "sk", AttributeValue.fromS("META"), "sessionId", AttributeValue.fromS(id),
                "status", AttributeValue.fromS("LIVE"), "title", AttributeValue.fromS("E2E show"))));
        return id;
    }

    private static String url(String sessionId, String name, String token) {
        String url = stack.webSockets().url() + "?sessionId=" + sessionId + "&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        return token == null ? url : url + "&token=" + token;
    }

    private static TestWsClient join(String sessionId, String name) throws Exception {
        return TestWsClient.connect(url(sessionId, name, null));
    }

    /** The next frame of {@code type}, skipping others (viewers counts arrive in between). */
    private static JsonNode next(TestWsClient client, String type) throws Exception {
        while (true) {
            JsonNode frame = Json.MAPPER.readTree(client.next());
            if (frame.path("type").asText().equals(type)) {
                return frame;
            }
        }
    }

    private static JsonNode nextWithText(TestWsClient client, String text) throws Exception {
        while (true) {
            JsonNode frame = next(client, "chat");
            if (frame.path("text").asText().equals(text)) {
                return frame;
            }
        }
    }

    private static String say(String text) {
        return Json.write(Map.of("action", "sendMessage", "text", text));
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.url() + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("authorization", "Bearer " + hostToken).header("content-type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long viewerCount(String sessionId) {
        var item = dynamo.getItem(g -> g.tableName("SessionsTable").consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("SESSION#" + sessionId), "sk", AttributeValue.fromS("META")))).item();
        return item.containsKey("viewerCount") ? Long.parseLong(item.get("viewerCount").n()) : 0;
    }

    /** $disconnect runs after the socket closes: wait (bounded) until the count settles, then compare. */
    private static long settledViewerCount(String sessionId, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long count = viewerCount(sessionId);
        while (count != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            count = viewerCount(sessionId);
        }
        return count;
    }

    @Test
    void twoViewersAndTheHostChatAndScriptArrivesAsTheSameText() throws Exception {
        String session = liveSession();
        try (TestWsClient ann = join(session, "Ann"); TestWsClient bob = join(session, "Bob");
             TestWsClient host = TestWsClient.connect(url(session, "Host", hostToken))) {
            String script = "<script>alert(1)</script> does it come in blue?";
            ann.send(say(script));
            for (TestWsClient c : List.of(ann, bob, host)) {
                JsonNode chat = next(c, "chat");
                assertThat(chat.get("text").asText()).isEqualTo(script);
                assertThat(chat.get("name").asText()).isEqualTo("Ann");
                assertThat(chat.get("role").asText()).isEqualTo("viewer");
            }
            host.send(say("Yes, in blue!"));
            JsonNode answer = next(bob, "chat");
            assertThat(answer.get("role").asText()).isEqualTo("host");
            assertThat(answer.get("text").asText()).isEqualTo("Yes, in blue!");
        }
    }

    @Test
    void theHostPinsAndDeletesAMessageAndThePinIsInTheSessionView() throws Exception {
        String session = liveSession();
        try (TestWsClient ann = join(session, "Ann"); TestWsClient bob = join(session, "Bob")) {
            ann.send(say("Is the <b>blue</b> one in stock?"));
            String messageId = next(bob, "chat").get("messageId").asText();
            HttpResponse<String> pin = admin("POST", "/sessions/" + session + "/pin", "{\"messageId\":\"" + messageId + "\"}");
            assertThat(pin.statusCode()).isEqualTo(200);
            assertThat(next(bob, "pinned").path("message").path("text").asText()).isEqualTo("Is the <b>blue</b> one in stock?");
            JsonNode view = Json.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(stack.url() + "/sessions/" + session))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(view.path("pinnedMessage").path("messageId").asText()).isEqualTo(messageId);
            HttpResponse<String> delete = admin("DELETE", "/sessions/" + session + "/messages/" + messageId, "");
            assertThat(delete.statusCode()).isEqualTo(204);
            assertThat(next(ann, "messageDeleted").path("messageId").asText()).isEqualTo(messageId);
            assertThat(admin("DELETE", "/sessions/" + session + "/messages/" + messageId, "").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void floodingIsRateLimitedForTheSenderOnly() throws Exception {
        String session = liveSession();
        try (TestWsClient spam = join(session, "Spam"); TestWsClient other = join(session, "Other")) {
            for (int i = 0; i < 11; i++) { // > 2 windows' worth: at least one is refused whatever the window edges
                spam.send(say("buy buy " + i));
            }
            JsonNode error = next(spam, "error");
            assertThat(error.get("code").asText()).isEqualTo("RATE_LIMITED");
            other.send(say("I can still talk"));
            assertThat(nextWithText(spam, "I can still talk")).isNotNull();
        }
    }

    @Test
    void aBannedViewerIsDisconnectedAndCannotComeBackAndBlocklistedWordsAreRefused() throws Exception {
        String session = liveSession();
        try (TestWsClient troll = join(session, "Troll"); TestWsClient ann = join(session, "Ann")) {
            HttpResponse<String> blocklist = admin("PUT", "/sessions/" + session + "/blocklist", "{\"words\":[\"scam\"]}");
            assertThat(blocklist.statusCode()).isEqualTo(200);
            ann.send(say("is this a SCAM?"));
            assertThat(next(ann, "error").get("code").asText()).isEqualTo("BLOCKED_WORD");

            HttpResponse<String> ban = admin("POST", "/sessions/" + session + "/bans", "{\"name\":\"troll\"}");
            assertThat(ban.statusCode()).isEqualTo(200);
            assertThat(troll.awaitClose()).isPositive();
            assertThatThrownBy(() -> join(session, "Troll")).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
            ann.send(say("still here"));
            assertThat(nextWithText(ann, "still here")).isNotNull();
        }
    }

    @Test
    void aConnectionThatVanishedIsDeletedDuringABroadcast() throws Exception {
        String session = liveSession();
        String stale = "staleConnXYZ0A=";
        dynamo.putItem(p -> p.tableName("SessionsTable").item(Map.of("pk", AttributeValue.fromS("SESSION#" + session),
                "sk", AttributeValue.fromS("CONN#" + stale), "connectionId", AttributeValue.fromS(stale),
                "sessionId", AttributeValue.fromS(session), "name", AttributeValue.fromS("Ghost"),
                "role", AttributeValue.fromS("viewer"), "connectedAt", AttributeValue.fromS("2026-01-01T00:00:00Z"))));
        try (TestWsClient ann = join(session, "Ann")) {
            ann.send(say("anyone?"));
            assertThat(next(ann, "chat").get("text").asText()).isEqualTo("anyone?");
        }
        var item = dynamo.getItem(g -> g.tableName("SessionsTable").consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("SESSION#" + session), "sk", AttributeValue.fromS("CONN#" + stale)))).item();
        assertThat(item).isEmpty();
    }

    @Test
    void viewerCountIsRightAfterFiftyConcurrentConnectsAndDisconnects() throws Exception {
        String session = liveSession();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<TestWsClient> clients = new ArrayList<>();
        try {
            List<Future<TestWsClient>> joins = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                joins.add(pool.submit(() -> join(session, "viewer" + n)));
            }
            for (Future<TestWsClient> j : joins) {
                clients.add(j.get());
            }
            assertThat(viewerCount(session)).isEqualTo(50);
            List<Future<?>> leaves = new ArrayList<>();
            for (TestWsClient c : clients.subList(0, 25)) {
                leaves.add(pool.submit(c::close));
            }
            for (Future<?> l : leaves) {
                l.get();
            }
            assertThat(settledViewerCount(session, 25)).isEqualTo(25);
        } finally {
            clients.forEach(TestWsClient::close);
            pool.shutdown();
        }
        assertThat(settledViewerCount(session, 0)).isZero();
    }

    @Test
    void badFramesGetAnErrorFrameAndTheConnectionStays() throws Exception {
        String session = liveSession();
        try (TestWsClient ann = join(session, "Ann")) {
            ann.send("not json at all");
            assertThat(next(ann, "error").get("code").asText()).isEqualTo("INVALID_FRAME");
            ann.send("{\"action\":\"dance\"}");
            JsonNode unknown = next(ann, "error");
            assertThat(unknown.get("code").asText()).isEqualTo("UNKNOWN_ACTION");
            assertThat(unknown.get("validActions").get(0).asText()).isEqualTo("sendMessage");
            ann.send("{\"action\":\"sendMessage\",\"text\":[1,2]}");
            assertThat(next(ann, "error").get("code").asText()).isEqualTo("INVALID_FRAME");
            ann.send(say("x".repeat(501)));
            assertThat(next(ann, "error").get("code").asText()).isEqualTo("VALIDATION_FAILED");
            ann.send(say("fine"));
            assertThat(nextWithText(ann, "fine")).isNotNull();
            assertThat(ann.isClosed()).isFalse();
        }
    }

    @Test
    void unknownSessionsAndBadTokensAreRefused() {
        assertThatThrownBy(() -> join(UUID.randomUUID().toString(), "Ann"))
                .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
        String session = liveSession();
        assertThatThrownBy(() -> TestWsClient.connect(url(session, "Host", "not-a-token")))
                .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
    }
}
