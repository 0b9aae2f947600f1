package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.appsync.ChannelSubscriber;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.Channels;
import dev.samlocal.Options;
import dev.samlocal.ivs.SimulatedViewers;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Chat end to end on the whole local stack in-process: chat over HTTP with tickets, frames on the AppSync Events
 * channels received by real-time subscribers (the JDK's WebSocket speaking the Events protocol), the real chat
 * handlers, the Sessions table's stream into ChatBatchFunction and the functions' SigV4 publisher. Chat arrives in
 * chatBatch frames: one publish per show per stream batch, whatever the number of messages and subscribers.
 */
class ChatEndToEndTest {

    private static LocalStack stack;
    private static DynamoDbClient dynamo;
    private static String hostToken;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create(stack.dynamoDbEndpoint()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                .httpClient(com.liveshop.shared.aws.AwsClients.httpClient())
                .build();
        hostToken = LocalHttp.json(send("GET", "/_local/host-token", null))
                .get("token")
                .asText();
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
        dynamo.putItem(p -> p.tableName("SessionsTable")
                .item(Map.of(
                        "pk",
                        AttributeValue.fromS("SESSION#" + id),
                        "sk",
                        AttributeValue.fromS("META"),
                        "sessionId",
                        AttributeValue.fromS(id),
                        "status",
                        AttributeValue.fromS("LIVE"),
                        "title",
                        AttributeValue.fromS("E2E show"))));
        return id;
    }

    private static ChannelSubscriber viewer(String sessionId) throws Exception {
        return ChannelSubscriber.withApiKey(stack.events(), Channels.show(sessionId));
    }

    private static JsonNode ticket(String sessionId, String name) throws Exception {
        HttpResponse<String> r = send(
                "POST",
                "/sessions/" + sessionId + "/chat-tickets",
                Json.write(Map.of("name", name)),
                SimulatedViewers.HEADER,
                viewerAddress(name));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return LocalHttp.json(r);
    }

    private static HttpResponse<String> say(String sessionId, String ticket, String text) throws Exception {
        return send(
                "POST",
                "/sessions/" + sessionId + "/messages",
                Json.write(Map.of("text", text)),
                "X-Chat-Ticket",
                ticket);
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, body, "authorization", "Bearer " + hostToken);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }

    /** Each named viewer has its own address (as behind CloudFront), the same for every request of that viewer. */
    private static String viewerAddress(String name) {
        return SimulatedViewers.address(Math.floorMod(name.hashCode(), 1 << 24));
    }

    private static String code(HttpResponse<String> r) throws Exception {
        return LocalHttp.json(r).path("error").path("code").asText();
    }

    @Test
    void twoViewersAndTheHostChatAndEverySubscriberGetsEachMessageOnceThenLateJoinersReadThem() throws Exception {
        String session = liveSession();
        try (ChannelSubscriber ann = viewer(session);
                ChannelSubscriber bob = viewer(session)) {
            long publishedBefore = stack.events().stats().eventsPublished();
            String t = ticket(session, "Ann").path("ticket").asText();
            HttpResponse<String> sent = say(session, t, "Is the kettle <b>steel</b>? ✨");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            HttpResponse<String> hostSaid = send(
                    "POST",
                    "/sessions/" + session + "/messages",
                    "{\"text\":\"Yes, all steel.\"}",
                    "authorization",
                    "Bearer " + hostToken);
            assertThat(hostSaid.statusCode()).as(hostSaid.body()).isEqualTo(202);

            for (ChannelSubscriber s : List.of(ann, bob)) {
                JsonNode first = s.nextChat();
                assertThat(first.path("text").asText()).isEqualTo("Is the kettle <b>steel</b>? ✨");
                assertThat(first.path("name").asText()).isEqualTo("Ann");
                assertThat(first.path("messageId").asText())
                        .isEqualTo(LocalHttp.json(sent).path("messageId").asText());
                JsonNode second = s.nextChat();
                assertThat(second.path("role").asText()).isEqualTo("host");
                assertThat(s.drain(300)).noneMatch(j -> j.path("type").asText().equals("chatBatch")); // once each
            }
            // At most one publish per message (one frame if both were in one stream batch), fanned out to both
            // subscribers.
            assertThat(stack.events().stats().eventsPublished() - publishedBefore)
                    .isBetween(1L, 2L);

            JsonNode recent = LocalHttp.json(send("GET", "/sessions/" + session + "/messages?limit=50", null));
            assertThat(recent.path("messages"))
                    .extracting(j -> j.path("text").asText())
                    .containsExactly("Is the kettle <b>steel</b>? ✨", "Yes, all steel.");
        }
    }

    @Test
    void theHostPinsDeletesBansByTicketAndTurnsOnSlowMode() throws Exception {
        String session = liveSession();
        try (ChannelSubscriber viewer = viewer(session);
                ChannelSubscriber host =
                        ChannelSubscriber.withToken(stack.events(), Channels.hosts(session), hostToken)) {
            JsonNode troll = ticket(session, "Troll");
            String ann = ticket(session, "Ann").path("ticket").asText();
            String messageId = LocalHttp.json(say(session, ann, "pin me"))
                    .path("messageId")
                    .asText();
            assertThat(viewer.nextChat().path("messageId").asText()).isEqualTo(messageId);

            assertThat(admin("POST", "/sessions/" + session + "/pin", "{\"messageId\":\"" + messageId + "\"}")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(viewer.next("pinned").path("message").path("messageId").asText())
                    .isEqualTo(messageId);
            assertThat(LocalHttp.json(send("GET", "/sessions/" + session, null))
                            .path("pinnedMessage")
                            .path("messageId")
                            .asText())
                    .isEqualTo(messageId);
            assertThat(admin("DELETE", "/sessions/" + session + "/messages/" + messageId, null)
                            .statusCode())
                    .isEqualTo(204);
            assertThat(viewer.next("messageDeleted").path("messageId").asText()).isEqualTo(messageId);

            HttpResponse<String> ban = admin(
                    "POST",
                    "/sessions/" + session + "/bans",
                    "{\"ticketId\":\"" + troll.path("ticketId").asText() + "\"}");
            assertThat(ban.statusCode()).as(ban.body()).isEqualTo(200);
            assertThat(host.next("banned").path("name").asText()).isEqualTo("Troll");
            assertThat(code(say(session, troll.path("ticket").asText(), "still here")))
                    .isEqualTo("BANNED");
            // The troll again, from the same address, under another name: the ban covers the address that obtained it.
            HttpResponse<String> again = send(
                    "POST",
                    "/sessions/" + session + "/chat-tickets",
                    "{\"name\":\"Someone Else\"}",
                    SimulatedViewers.HEADER,
                    viewerAddress("Troll"));
            assertThat(again.statusCode()).isEqualTo(403);
            assertThat(code(again)).isEqualTo("BANNED");
            // A namesake from another address is not the troll: it gets a ticket and chats.
            HttpResponse<String> namesake = send(
                    "POST",
                    "/sessions/" + session + "/chat-tickets",
                    "{\"name\":\"Troll\"}",
                    SimulatedViewers.HEADER,
                    viewerAddress("Another Troll"));
            assertThat(namesake.statusCode()).as(namesake.body()).isEqualTo(201);
            assertThat(say(session, LocalHttp.json(namesake).path("ticket").asText(), "not me")
                            .statusCode())
                    .isEqualTo(202);
            assertThat(viewer.nextChat().path("text").asText()).isEqualTo("not me");

            HttpResponse<String> slow = admin(
                    "PUT",
                    "/sessions/" + session + "/chat-settings",
                    "{\"messagesPerSecond\":10,\"slowModeSeconds\":60}");
            assertThat(slow.statusCode()).as(slow.body()).isEqualTo(200);
            assertThat(viewer.next("chatSettings").path("slowModeSeconds").asInt())
                    .isEqualTo(60);
            assertThat(say(session, ann, "one").statusCode()).isEqualTo(202);
            HttpResponse<String> refused = say(session, ann, "two");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(code(refused)).isEqualTo("SLOW_MODE");
            assertThat(Integer.parseInt(
                            refused.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(1, 60);
        }
        // A viewer's key cannot subscribe to the hosts channel.
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ChannelSubscriber.withApiKey(stack.events(), Channels.hosts(session)))
                .hasMessageContaining("refused");
    }

    @Test
    void badInputOnTheChatRoutesIsAJson4xxAndChangesNothing() throws Exception {
        String session = liveSession();
        String t = ticket(session, "Ann").path("ticket").asText();
        String[][] cases = {
            {"POST", "/sessions/" + session + "/chat-tickets", "{\"name\":\"Host\"}", "422", "NAME_RESERVED"},
            {"POST", "/sessions/" + session + "/chat-tickets", "{\"name\":\"Ann\\u200b\"}", "400", "INVALID_FIELD"},
            {"POST", "/sessions/" + session + "/chat-tickets", "{\"name\":\"\"}", "400", "VALIDATION_FAILED"},
            {"POST", "/sessions/" + session + "/chat-tickets", "{\"name\":", "400", null},
            {"POST", "/sessions/not-a-session/chat-tickets", "{\"name\":\"Ann\"}", "400", "VALIDATION_FAILED"},
            {
                "POST",
                "/sessions/" + UUID.randomUUID() + "/chat-tickets",
                "{\"name\":\"Ann\"}",
                "404",
                "SESSION_NOT_FOUND"
            },
            {"POST", "/sessions/" + session + "/messages", "{\"text\":\"no ticket\"}", "401", "INVALID_TICKET"},
            {"GET", "/sessions/" + session + "/messages?limit=0", null, "400", "VALIDATION_FAILED"},
            {"GET", "/sessions/" + session + "/messages?limit=abc", null, "400", "VALIDATION_FAILED"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = send(c[0], c[1], c[2]);
            assertThat(r.statusCode()).as(String.join(" ", c)).isEqualTo(Integer.parseInt(c[3]));
            assertThat(r.headers().firstValue("content-type").orElse("")).contains("application/json");
            if (c[4] != null) {
                assertThat(code(r)).as(String.join(" ", c)).isEqualTo(c[4]);
            }
        }
        assertThat(send("POST", "/sessions/" + session + "/messages", "{\"text\":\"\"}", "X-Chat-Ticket", t)
                        .statusCode())
                .isEqualTo(400);
        assertThat(send("POST", "/sessions/" + session + "/messages", "{\"text\":\"x\"}", "X-Chat-Ticket", t + "x")
                        .statusCode())
                .isEqualTo(401);
        assertThat(send(
                                "PUT",
                                "/sessions/" + session + "/chat-settings",
                                "{\"messagesPerSecond\":1,\"slowModeSeconds\":0}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(admin(
                                "PUT",
                                "/sessions/" + session + "/chat-settings",
                                "{\"messagesPerSecond\":1000,\"slowModeSeconds\":0}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(LocalHttp.json(send("GET", "/sessions/" + session + "/messages", null))
                        .path("messages"))
                .isEmpty();
    }

    @Test
    void ticketsFromOneAddressAreLimitedPerShow() throws Exception {
        String session = liveSession();
        int perShow = Integer.parseInt(stack.parameters().get("ChatTicketsPerClientPerShow"));
        assertThat(perShow).isLessThan(Integer.parseInt(stack.parameters().get("ChatTicketsPerIpPerMinute")));
        for (int i = 0; i < perShow; i++) {
            assertThat(send("POST", "/sessions/" + session + "/chat-tickets", "{\"name\":\"Viewer " + i + "\"}")
                            .statusCode())
                    .isEqualTo(201);
        }
        HttpResponse<String> refused =
                send("POST", "/sessions/" + session + "/chat-tickets", "{\"name\":\"One more\"}");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(code(refused)).isEqualTo("RATE_LIMITED");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        // Another show still gives this address tickets.
        assertThat(send("POST", "/sessions/" + liveSession() + "/chat-tickets", "{\"name\":\"Viewer\"}")
                        .statusCode())
                .isEqualTo(201);
    }
}
