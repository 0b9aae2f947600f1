package com.liveshop.local.appsync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalStack;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.AppSyncEventsPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.Frames;
import dev.samlocal.Options;
import dev.samlocal.appsync.LocalAppSyncEvents;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The local AppSync Events API of template.yaml, driven by clients we did not write: the JDK's HttpClient and WebSocket
 * for the protocol, the AWS SDK's SigV4 signer for IAM publishes.
 */
class LocalAppSyncEventsTest {

    private static LocalStack stack;
    private static LocalAppSyncEvents events;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral());
        events = stack.events();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, String> apiKeyHeader() {
        return Map.of("host", URI.create(events.httpEndpoint()).getAuthority(), "x-api-key", events.apiKey());
    }

    private static EventsClient connected() throws InterruptedException {
        EventsClient client = EventsClient.connect(events.realtimeEndpoint(), apiKeyHeader());
        client.send(Map.of("type", "connection_init"));
        assertThat(client.await("connection_ack").path("connectionTimeoutMs").asLong())
                .isEqualTo(300_000);
        return client;
    }

    private static String subscribe(EventsClient client, String channel, Map<String, String> authorization) {
        String id = UUID.randomUUID().toString();
        client.send(Map.of("type", "subscribe", "id", id, "channel", channel, "authorization", authorization));
        return id;
    }

    private static String body(String channel, List<String> eventsJson) {
        return Json.write(Map.of("channel", channel, "events", eventsJson));
    }

    @Test
    void theTemplatesNamespacesAndEndpointsAreListed() throws Exception {
        assertThat(events.api().namespaces().keySet()).containsExactlyInAnyOrder("shows", "carts", "hosts");
        assertThat(events.api().namespaces().get("hosts").subscribeAuthModes()).containsExactly("AWS_LAMBDA");
        assertThat(events.api().namespaces().get("carts").subscribeAuthModes()).containsExactly("AWS_LAMBDA");
        assertThat(events.api().lambdaAuthorizerFunction()).isEqualTo("ChannelAuthorizerFunction");
        assertThat(events.httpEndpoint()).endsWith("/event");
        assertThat(events.realtimeEndpoint())
                .isEqualTo(events.httpEndpoint().replaceFirst("^http", "ws") + "/realtime");
        HttpResponse<String> index = EventsClient.HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.url() + "/_local")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode listed = Json.MAPPER.readTree(index.body()).path("events");
        assertThat(listed.path("http").asText()).isEqualTo(events.httpEndpoint());
        assertThat(listed.path("realtime").asText()).isEqualTo(events.realtimeEndpoint());
        assertThat(listed.path("apiKey").asText()).isEqualTo(events.apiKey());
    }

    @Test
    void aSigV4SignedPublishReachesEverySubscriberOneEventPerDataMessage() throws Exception {
        String show = "/shows/" + UUID.randomUUID();
        try (EventsClient viewer = connected()) {
            assertThat(viewer.subprotocol()).isEqualTo("aws-appsync-event-ws");
            String id = subscribe(viewer, show, apiKeyHeader());
            assertThat(viewer.await("subscribe_success").path("id").asText()).isEqualTo(id);

            HttpResponse<String> answer = EventsClient.signedPublish(
                    events.httpEndpoint(), body(show, List.of("{\"sku\":\"a\"}", "{\"sku\":\"b\"}")));

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode result = Json.MAPPER.readTree(answer.body());
            assertThat(result.path("successful")).hasSize(2);
            assertThat(result.path("successful").path(1).path("index").asInt()).isEqualTo(1);
            assertThat(result.path("failed")).isEmpty();
            JsonNode first = viewer.await("data");
            JsonNode second = viewer.await("data");
            assertThat(first.path("id").asText()).isEqualTo(id);
            assertThat(List.of(
                            first.path("event").asText(), second.path("event").asText()))
                    .containsExactly("{\"sku\":\"a\"}", "{\"sku\":\"b\"}");
            LocalAppSyncEvents.Stats stats = events.stats();
            assertThat(stats.connections()).isPositive();
            assertThat(stats.eventsPublished()).isGreaterThanOrEqualTo(2);
            assertThat(stats.messagesDelivered()).isGreaterThanOrEqualTo(2);
        }
    }

    /** The functions' publisher (shared): SigV4 by the SDK signer, at most 5 events per request, best effort. */
    private static AppSyncEventsPublisher publisher(String endpoint, String secret) {
        return new AppSyncEventsPublisher(
                URI.create(endpoint),
                AwsClients.httpClient(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", secret)),
                "us-east-1",
                retry -> Duration.ofMillis(1));
    }

    @Test
    void theFunctionsPublisherDeliversEveryFrameInOrderFiveEventsPerRequest() throws Exception {
        String show = Channels.show(UUID.randomUUID().toString());
        try (EventsClient viewer = connected()) {
            subscribe(viewer, show, apiKeyHeader());
            viewer.await("subscribe_success");
            long publishedBefore = events.stats().eventsPublished();
            List<Frames.Viewers> frames = new ArrayList<>();
            for (int i = 1; i <= 7; i++) {
                frames.add(new Frames.Viewers(i));
            }

            int accepted = publisher(events.httpEndpoint(), "local").publish(show, frames);

            assertThat(accepted).isEqualTo(7);
            List<Long> counts = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                counts.add(Json.MAPPER
                        .readTree(viewer.await("data").path("event").asText())
                        .path("count")
                        .asLong());
            }
            assertThat(counts).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(events.stats().eventsPublished() - publishedBefore).isGreaterThanOrEqualTo(7);
        }
    }

    @Test
    void aRefusedOrUnreachablePublishIsDroppedWithoutThrowing() throws Exception {
        String show = Channels.show(UUID.randomUUID().toString());
        try (EventsClient viewer = connected()) {
            subscribe(viewer, show, apiKeyHeader());
            viewer.await("subscribe_success");

            assertThat(publisher(events.httpEndpoint(), "not-the-secret").publish(show, new Frames.Viewers(1)))
                    .isZero();
            assertThat(publisher(events.httpEndpoint(), "local")
                            .publish("/nowhere/" + UUID.randomUUID(), new Frames.Viewers(2)))
                    .isZero();
            assertThat(publisher("http://127.0.0.1:9/event", "local").publish(show, new Frames.Viewers(3)))
                    .isZero();

            assertThat(publisher(events.httpEndpoint(), "local").publish(show, new Frames.Viewers(4)))
                    .isOne();
            // Only the last one arrived: nothing of the refused ones leaked through.
            assertThat(Json.MAPPER
                            .readTree(viewer.await("data").path("event").asText())
                            .path("count")
                            .asLong())
                    .isEqualTo(4);
        }
    }

    @Test
    void publishesAreRefusedInAppSyncsShape() throws Exception {
        String show = "/shows/" + UUID.randomUUID();
        // The shows namespace publishes with AWS_IAM only: the API key is not enough, nor is a bad signature.
        assertError(
                EventsClient.publishWithHeaders(
                        events.httpEndpoint(), body(show, List.of("{}")), "x-api-key", events.apiKey()),
                401,
                "UnauthorizedException");
        assertError(
                EventsClient.publishWithHeaders(
                        events.httpEndpoint(),
                        body(show, List.of("{}")),
                        "x-amz-date",
                        "20260101T000000Z",
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/appsync/aws4_request, "
                                + "SignedHeaders=content-type;host;x-amz-date, Signature=00"),
                401,
                "UnauthorizedException");
        assertError(
                EventsClient.signedPublish(events.httpEndpoint(), body(show, List.of("{}")), "local", "another-secret"),
                401,
                "UnauthorizedException");
        List<String> six = new ArrayList<>(List.of("1", "2", "3", "4", "5", "6"));
        assertError(EventsClient.signedPublish(events.httpEndpoint(), body(show, six)), 400, "BadRequestException");
        assertError(
                EventsClient.signedPublish(events.httpEndpoint(), body(show, List.of())), 400, "BadRequestException");
        String oversize = "\"" + "x".repeat(LocalAppSyncEvents.MAX_EVENT_BYTES) + "\"";
        assertError(
                EventsClient.signedPublish(events.httpEndpoint(), body(show, List.of(oversize))),
                400,
                "BadRequestException");
        assertError(
                EventsClient.signedPublish(events.httpEndpoint(), body(show, List.of("not json"))),
                400,
                "BadRequestException");
        for (String channel : List.of(
                "/shows/has space", "/shows/*", "/nowhere/abc", "/shows/a/b/c/d/e", "/shows/" + "x".repeat(51))) {
            assertError(
                    EventsClient.signedPublish(events.httpEndpoint(), body(channel, List.of("{}"))),
                    400,
                    "BadRequestException");
        }
        // The largest event allowed goes through.
        String largest = "\"" + "x".repeat(LocalAppSyncEvents.MAX_EVENT_BYTES - 2) + "\"";
        assertThat(EventsClient.signedPublish(events.httpEndpoint(), body(show, List.of(largest)))
                        .statusCode())
                .isEqualTo(200);
    }

    private static void assertError(HttpResponse<String> response, int status, String errorType) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = Json.MAPPER.readTree(response.body()).path("errors").path(0);
        assertThat(error.path("errorType").asText()).isEqualTo(errorType);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain(events.apiKey());
    }

    @Test
    void aConnectionWithABadKeyGetsAConnectionError() throws Exception {
        try (EventsClient client = EventsClient.connect(
                events.realtimeEndpoint(), Map.of("host", "localhost", "x-api-key", "da2-wrong"))) {
            client.send(Map.of("type", "connection_init"));
            JsonNode error = client.await("connection_error");
            assertThat(error.path("errors").path(0).path("errorType").asText()).isEqualTo("UnauthorizedException");
            assertThat(error.path("errors").path(0).path("errorCode").asInt()).isEqualTo(401);
        }
    }

    @Test
    void subscriptionsAreAuthorizedPerNamespace() throws Exception {
        try (EventsClient client = connected()) {
            String hostsWithKey = subscribe(client, "/hosts/abc", apiKeyHeader());
            JsonNode refused = client.await("subscribe_error");
            assertThat(refused.path("id").asText()).isEqualTo(hostsWithKey);
            assertThat(refused.path("errors").path(0).path("errorType").asText())
                    .isEqualTo("UnauthorizedException");

            // The hosts namespace's AWS_LAMBDA authorizer (the template's function) wants the hosts group, not just a
            // token.
            String viewer = subscribe(
                    client,
                    "/hosts/abc",
                    Map.of(
                            "Authorization",
                            stack.jwt().idToken("viewer@liveshop.local", List.of(), Duration.ofHours(1)),
                            "host",
                            "localhost"));
            JsonNode notAHost = client.await("subscribe_error");
            assertThat(notAHost.path("id").asText()).isEqualTo(viewer);
            assertThat(notAHost.path("errors").path(0).path("errorType").asText())
                    .isEqualTo("UnauthorizedException");
            String expired = subscribe(
                    client, "/hosts/abc", Map.of("Authorization", stack.jwt().expiredHostToken(Duration.ofMinutes(5))));
            assertThat(client.await("subscribe_error").path("id").asText()).isEqualTo(expired);

            String host = subscribe(
                    client, "/hosts/abc", Map.of("Authorization", stack.jwt().hostToken(), "host", "localhost"));
            assertThat(client.await("subscribe_success").path("id").asText()).isEqualTo(host);

            subscribe(client, "/shows/has space", apiKeyHeader());
            assertThat(client.await("subscribe_error")
                            .path("errors")
                            .path(0)
                            .path("errorType")
                            .asText())
                    .isEqualTo("BadRequestException");
            subscribe(client, "/unknown/abc", apiKeyHeader());
            assertThat(client.await("subscribe_error")
                            .path("errors")
                            .path(0)
                            .path("errorType")
                            .asText())
                    .isEqualTo("BadRequestException");
        }
    }

    @Test
    void cartChannelsArePrivateToTheirBuyer() throws Exception {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        try (EventsClient buyerA = connected();
                EventsClient buyerB = connected();
                EventsClient stranger = connected()) {
            // The public key opens a connection, but subscribes to no cart channel, wildcard or not.
            for (String channel : List.of("/carts/*", "/carts/" + a, "/carts/not-a-uuid")) {
                String id = subscribe(stranger, channel, apiKeyHeader());
                JsonNode refused = stranger.await("subscribe_error");
                assertThat(refused.path("id").asText()).as(channel).isEqualTo(id);
                assertThat(refused.path("errors").path(0).path("errorType").asText())
                        .isEqualTo("UnauthorizedException");
            }
            // The Lambda authorizer (the template's function) wants exactly /carts/{v4 uuid} with that id as the token.
            for (String channel : List.of("/carts/*", "/carts/" + a + "/*", "/carts/not-a-uuid")) {
                String id = subscribe(
                        stranger,
                        channel,
                        Map.of("Authorization", channel.equals("/carts/not-a-uuid") ? "not-a-uuid" : a));
                assertThat(stranger.await("subscribe_error").path("id").asText())
                        .as(channel)
                        .isEqualTo(id);
            }
            String otherToken = subscribe(stranger, "/carts/" + a, Map.of("Authorization", b));
            assertThat(stranger.await("subscribe_error").path("id").asText()).isEqualTo(otherToken);
            subscribe(stranger, "/*", apiKeyHeader());
            assertThat(stranger.await("subscribe_error")
                            .path("errors")
                            .path(0)
                            .path("errorType")
                            .asText())
                    .isEqualTo("BadRequestException");

            String subA = subscribe(buyerA, "/carts/" + a, Map.of("Authorization", a, "host", "localhost"));
            assertThat(buyerA.await("subscribe_success").path("id").asText()).isEqualTo(subA);
            String subB = subscribe(buyerB, "/carts/" + b, Map.of("Authorization", b, "host", "localhost"));
            assertThat(buyerB.await("subscribe_success").path("id").asText()).isEqualTo(subB);

            // Delivery is in publish order: B's first frame being its own proves A's never reached it.
            assertThat(EventsClient.signedPublish(
                                    events.httpEndpoint(), body("/carts/" + a, List.of("{\"for\":\"a\"}")))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(EventsClient.signedPublish(
                                    events.httpEndpoint(), body("/carts/" + b, List.of("{\"for\":\"b\"}")))
                            .statusCode())
                    .isEqualTo(200);
            JsonNode toA = buyerA.await("data");
            assertThat(toA.path("id").asText()).isEqualTo(subA);
            assertThat(toA.path("event").asText()).isEqualTo("{\"for\":\"a\"}");
            JsonNode toB = buyerB.await("data");
            assertThat(toB.path("id").asText()).isEqualTo(subB);
            assertThat(toB.path("event").asText()).isEqualTo("{\"for\":\"b\"}");
        }
    }

    @Test
    void aWildcardSubscriptionGetsEveryChannelBelowItUntilUnsubscribed() throws Exception {
        String show = UUID.randomUUID().toString();
        try (EventsClient client = connected()) {
            String id = subscribe(client, "/shows/" + show + "/*", apiKeyHeader());
            client.await("subscribe_success");

            assertThat(events.publishDirect("/shows/" + show + "/holds", "{\"n\":1}"))
                    .isEqualTo(1);
            JsonNode data = client.await("data");
            assertThat(data.path("id").asText()).isEqualTo(id);
            assertThat(data.path("event").asText()).isEqualTo("{\"n\":1}");
            assertThat(events.publishDirect("/shows/" + show, "{}"))
                    .as("the wildcard covers the channels below only")
                    .isZero();

            client.send(Map.of("type", "unsubscribe", "id", id));
            assertThat(client.await("unsubscribe_success").path("id").asText()).isEqualTo(id);
            assertThat(events.publishDirect("/shows/" + show + "/holds", "{}")).isZero();
            client.send(Map.of("type", "unsubscribe", "id", id));
            assertThat(client.await("unsubscribe_error").path("id").asText()).isEqualTo(id);
        }
    }

    @Test
    void publishOverTheWebSocketFollowsTheNamespacesPublishModes() throws Exception {
        try (EventsClient client = connected()) {
            String id = UUID.randomUUID().toString();
            client.send(Map.of(
                    "type",
                    "publish",
                    "id",
                    id,
                    "channel",
                    "/shows/abc",
                    "events",
                    List.of("{}"),
                    "authorization",
                    apiKeyHeader()));
            JsonNode refused = client.await("publish_error");
            assertThat(refused.path("id").asText()).isEqualTo(id);
            assertThat(refused.path("errors").path(0).path("errorType").asText())
                    .isEqualTo("UnauthorizedException");
        }
    }

    @Test
    void aRealTimeMessageLargerThanJettysDefaultIsAnsweredNotClosed() throws Exception {
        // 300 KB: over Jetty's 64 KB default message size (which closed the connection with 1009) and over the
        // 240 KB event limit, so AppSync's answer is an error message on a connection that stays open.
        try (EventsClient client = connected()) {
            String id = UUID.randomUUID().toString();
            client.send(Map.of(
                    "type",
                    "publish",
                    "id",
                    id,
                    "channel",
                    "/shows/abc",
                    "events",
                    List.of(Json.write("x".repeat(300 * 1024))),
                    "authorization",
                    apiKeyHeader()));
            assertThat(client.await("publish_error").path("id").asText()).isEqualTo(id);
            String again = subscribe(client, "/shows/abc", apiKeyHeader());
            assertThat(client.await("subscribe_success").path("id").asText()).isEqualTo(again);
        }
    }

    @Test
    void keepAlivesArriveAfterTheAck() throws Exception {
        events.keepAliveInterval(Duration.ofMillis(200));
        try (EventsClient client = connected()) {
            client.await("ka");
            client.await("ka");
        } finally {
            events.keepAliveInterval(LocalAppSyncEvents.DEFAULT_KEEP_ALIVE);
        }
    }
}
