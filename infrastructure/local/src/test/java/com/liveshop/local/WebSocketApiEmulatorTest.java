package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import com.liveshop.testkit.LocalAws;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GetConnectionResponse;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/**
 * The local WebSocket APIs of a test template (websocket-template.yaml), driven by real java.net.http WebSocket
 * clients and the real ApiGatewayManagementApiClient, against the whole local stack in-process.
 */
class WebSocketApiEmulatorTest {

    private static final long WAIT_MILLIS = 20_000;

    private static LocalStack stack;
    private static ApiGatewayManagementApiClient management;

    @BeforeAll
    static void start() throws Exception {
        Path template = Path.of(WebSocketApiEmulatorTest.class.getClassLoader().getResource("websocket-template.yaml").toURI());
        stack = LocalStack.start(new Options("127.0.0.1", 0, 0, false, false, Optional.of(template)));
        AppConfig config = new AppConfig(LocalAws.settings(Map.of()));
        management = AwsClients.configure(ApiGatewayManagementApiClient.builder(), config, "APIGATEWAYMANAGEMENTAPI")
                .endpointOverride(URI.create(stack.webSockets().endpoint()))
                .httpClient(AwsClients.httpClient())
                .build();
    }

    @AfterAll
    static void stop() {
        if (management != null) {
            management.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static String ws(String suffix) {
        return stack.webSockets().url() + suffix;
    }

    /** Connects with a unique {@code client} query parameter and returns the client and its connection id. */
    private static Connected connect(String path, String query) throws Exception {
        String tag = UUID.randomUUID().toString();
        TestWsClient client = TestWsClient.connect(ws(path) + "?client=" + tag + (query.isEmpty() ? "" : "&" + query));
        APIGatewayV2WebSocketEvent connect = awaitEvent(e -> e.getRequestContext().getRouteKey().equals("$connect")
                && e.getQueryStringParameters() != null && tag.equals(e.getQueryStringParameters().get("client")));
        return new Connected(client, connect.getRequestContext().getConnectionId(), connect);
    }

    private record Connected(TestWsClient client, String id, APIGatewayV2WebSocketEvent connectEvent) {}

    private static List<APIGatewayV2WebSocketEvent> events(String connectionId, String routeKey) {
        return WebSocketTestHandler.RECEIVED.stream()
                .filter(e -> connectionId.equals(e.getRequestContext().getConnectionId()))
                .filter(e -> routeKey.equals(e.getRequestContext().getRouteKey()))
                .toList();
    }

    private static APIGatewayV2WebSocketEvent awaitEvent(Predicate<APIGatewayV2WebSocketEvent> match) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Optional<APIGatewayV2WebSocketEvent> found = WebSocketTestHandler.RECEIVED.stream().filter(match).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("No matching event within " + WAIT_MILLIS + " ms");
    }

    private static List<APIGatewayV2WebSocketEvent> awaitEvents(String connectionId, String routeKey, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            List<APIGatewayV2WebSocketEvent> found = events(connectionId, routeKey);
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("Fewer than " + count + " " + routeKey + " events for " + connectionId);
    }

    /** Waits for $disconnect, then gives a second one time to show up (it must not). */
    private static void assertDisconnectedOnce(String connectionId) throws InterruptedException {
        awaitEvents(connectionId, "$disconnect", 1);
        Thread.sleep(200);
        assertThat(events(connectionId, "$disconnect")).hasSize(1);
        assertThat(stack.webSockets().connections().get(connectionId)).isEmpty();
    }

    private static int refusedStatus(String url) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> TestWsClient.connect(url));
        assertThat(thrown).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) thrown.getCause()).getResponse().statusCode();
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void connectGetsAnApiGatewayShapedEventAndTheConnectionOpens() throws Exception {
        Connected c = connect("", "sessionId=s-1&name=Ann%20B&name=Ann");
        try (TestWsClient client = c.client()) {
            APIGatewayV2WebSocketEvent event = c.connectEvent();
            APIGatewayV2WebSocketEvent.RequestContext context = event.getRequestContext();
            assertThat(context.getEventType()).isEqualTo("CONNECT");
            assertThat(context.getRouteKey()).isEqualTo("$connect");
            assertThat(context.getConnectionId()).matches("[A-Za-z0-9_\\-]{14}==").isEqualTo(c.id());
            assertThat(context.getDomainName()).isEqualTo("localhost");
            assertThat(context.getStage()).isEqualTo("default");
            assertThat(context.getApiId()).isEqualTo("chatapi");
            assertThat(context.getRequestId()).isNotBlank();
            assertThat(context.getMessageDirection()).isEqualTo("IN");
            assertThat(context.getConnectedAt()).isPositive();
            assertThat(context.getRequestTimeEpoch()).isGreaterThanOrEqualTo(context.getConnectedAt());
            assertThat(context.getRequestTime()).matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
            assertThat(context.getIdentity().getSourceIp()).isEqualTo("127.0.0.1");
            assertThat(context.getIdentity().getUserAgent()).isNotNull();
            assertThat(event.getQueryStringParameters()).containsEntry("sessionId", "s-1").containsEntry("name", "Ann");
            assertThat(event.getMultiValueQueryStringParameters().get("name")).containsExactly("Ann B", "Ann");
            assertThat(event.getHeaders()).containsKey("Sec-WebSocket-Key").containsKey("Host").containsEntry("X-Forwarded-For", "127.0.0.1");
            assertThat(event.getBody()).isNull();
            assertThat(stack.webSockets().connections().get(c.id())).isPresent();
        }
        assertDisconnectedOnce(c.id());
    }

    @Test
    void connectRefusesWithTheFunctionsStatusOrA500WhenItFails() throws Exception {
        assertThat(refusedStatus(ws("?deny=1"))).isEqualTo(403);
        assertThat(refusedStatus(ws("?boom=1"))).isEqualTo(500);
        assertThat(refusedStatus(ws("/NoSuchApi"))).isEqualTo(404);
        List<String> refusedIds = WebSocketTestHandler.RECEIVED.stream()
                .filter(e -> e.getQueryStringParameters() != null && (e.getQueryStringParameters().containsKey("deny")
                        || e.getQueryStringParameters().containsKey("boom")))
                .map(e -> e.getRequestContext().getConnectionId()).toList();
        assertThat(refusedIds).hasSize(2);
        for (String id : refusedIds) {
            assertThat(stack.webSockets().connections().get(id)).isEmpty();
            assertThat(events(id, "$disconnect")).isEmpty();
        }
    }

    @Test
    void messagesAreRoutedByActionAndTwoWayRoutesAnswer() throws Exception {
        Connected c = connect("", "");
        try (TestWsClient client = c.client()) {
            String body = "{\"action\":\"echo\",\"text\":\"<script>alert(1)</script>\"}";
            client.send(body);
            assertThat(client.next()).isEqualTo("echo:" + body);
            APIGatewayV2WebSocketEvent event = awaitEvents(c.id(), "echo", 1).get(0);
            assertThat(event.getBody()).isEqualTo(body);
            assertThat(event.isIsBase64Encoded()).isFalse();
            assertThat(event.getRequestContext().getEventType()).isEqualTo("MESSAGE");
            assertThat(event.getRequestContext().getMessageId()).isNotBlank();
            assertThat(event.getRequestContext().getConnectionId()).isEqualTo(c.id());
            assertThat(event.getRequestContext().getConnectedAt()).isEqualTo(c.connectEvent().getRequestContext().getConnectedAt());
            assertThat(event.getRequestContext().getStage()).isEqualTo("default");
            assertThat(event.getRequestContext().getDomainName()).isEqualTo("localhost");
        }
    }

    @Test
    void notJsonUnknownActionsAndBinaryFramesGoToDefault() throws Exception {
        Connected c = connect("", "");
        try (TestWsClient client = c.client()) {
            client.send("not json at all");
            client.send("{\"action\":\"nope\"}");
            client.send("{\"action\":{\"nested\":true}}");
            client.send("{\"action\":\"$connect\"}");
            client.sendBinary(new byte[] {1, 2, 3});
            List<APIGatewayV2WebSocketEvent> defaults = awaitEvents(c.id(), "$default", 5);
            assertThat(defaults).extracting(APIGatewayV2WebSocketEvent::getBody).containsExactly("not json at all",
                    "{\"action\":\"nope\"}", "{\"action\":{\"nested\":true}}", "{\"action\":\"$connect\"}",
                    Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
            assertThat(defaults.get(4).isIsBase64Encoded()).isTrue();
            assertThat(events(c.id(), "$connect")).hasSize(1);
            // $default has no route response: nothing comes back, and the connection is still usable.
            client.send("{\"action\":\"echo\"}");
            assertThat(client.next()).isEqualTo("echo:{\"action\":\"echo\"}");
        }
    }

    @Test
    void withoutAMatchingRouteOrDefaultApiGatewaysForbiddenFrameComesBackAndTheConnectionStays() throws Exception {
        String tag = UUID.randomUUID().toString();
        try (TestWsClient client = TestWsClient.connect(ws("/PlainApi") + "?client=" + tag)) {
            client.send("{\"type\":\"unknown\"}");
            JsonNode error = json(client.next());
            assertThat(error.get("message").asText()).isEqualTo("Forbidden");
            assertThat(error.get("connectionId").asText()).isNotBlank();
            assertThat(error.get("requestId").asText()).isNotBlank();
            client.send("plain text");
            assertThat(json(client.next()).get("message").asText()).isEqualTo("Forbidden");

            client.send("{\"type\":\"ping\"}");
            assertThat(client.next()).isEqualTo("echo:{\"type\":\"ping\"}");
            APIGatewayV2WebSocketEvent ping = awaitEvents(error.get("connectionId").asText(), "ping", 1).get(0);
            assertThat(ping.getRequestContext().getStage()).isEqualTo("prod");
            assertThat(ping.getRequestContext().getApiId()).isEqualTo("plainapi");
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void aFailingFunctionSendsInternalServerErrorAndKeepsTheConnection() throws Exception {
        Connected c = connect("", "");
        try (TestWsClient client = c.client()) {
            client.send("{\"action\":\"fail\"}");
            JsonNode error = json(client.next());
            assertThat(error.get("message").asText()).isEqualTo("Internal server error");
            assertThat(error.get("connectionId").asText()).isEqualTo(c.id());
            client.send("{\"action\":\"echo\"}");
            assertThat(client.next()).startsWith("echo:");
        }
    }

    @Test
    void aSingleFrameOver32KbClosesTheConnectionWith1009AndRunsDisconnectOnce() throws Exception {
        int port = URI.create(stack.url()).getPort();
        String tag = UUID.randomUUID().toString();
        try (RawWsClient client = new RawWsClient(port, "/ws?client=" + tag)) {
            String id = awaitEvent(e -> e.getQueryStringParameters() != null && tag.equals(e.getQueryStringParameters().get("client")))
                    .getRequestContext().getConnectionId();
            // A frame just under the limit passes (and its 30 KB echo comes back).
            String fits = "{\"action\":\"echo\",\"pad\":\"" + "x".repeat(30 * 1024) + "\"}";
            client.sendOneFrame(fits);
            assertThat(client.next().text()).isEqualTo("echo:" + fits);

            client.sendOneFrame("{\"action\":\"echo\",\"pad\":\"" + "x".repeat(WebSocketApiEmulator.MAX_FRAME_BYTES) + "\"}");
            RawWsClient.Frame close = client.next();
            assertThat(close.opcode()).isEqualTo(8);
            assertThat(close.closeCode()).isEqualTo(1009);
            assertDisconnectedOnce(id);
            assertThat(events(id, "echo")).hasSize(1);
        }
    }

    @Test
    void aMessageUpTo128KbInSmallFramesPassesAndOneOverItCloses() throws Exception {
        Connected c = connect("", "");
        try (TestWsClient client = c.client()) {
            String big = "{\"action\":\"echo\",\"pad\":\"" + "y".repeat(100 * 1024) + "\"}";
            client.sendInFrames(big, 16 * 1024);
            assertThat(client.next()).isEqualTo("echo:" + big);
            client.sendInFrames("z".repeat(WebSocketApiEmulator.MAX_MESSAGE_BYTES + 1), 16 * 1024);
            assertThat(client.awaitClose()).isEqualTo(1009);
        }
        assertDisconnectedOnce(c.id());
    }

    @Test
    void disconnectRunsOnceWhenTheClientCloses() throws Exception {
        Connected c = connect("", "");
        c.client().send("{\"action\":\"seq\",\"n\":1}");
        c.client().close();
        assertDisconnectedOnce(c.id());
        APIGatewayV2WebSocketEvent disconnect = events(c.id(), "$disconnect").get(0);
        assertThat(disconnect.getRequestContext().getEventType()).isEqualTo("DISCONNECT");
        assertThat(disconnect.getRequestContext().getConnectedAt()).isEqualTo(c.connectEvent().getRequestContext().getConnectedAt());
        // The message sent before the close was handled before $disconnect.
        int seqIndex = WebSocketTestHandler.RECEIVED.indexOf(events(c.id(), "seq").get(0));
        assertThat(WebSocketTestHandler.RECEIVED.indexOf(disconnect)).isGreaterThan(seqIndex);
    }

    @Test
    void connectionsApiPostsGetsAndDeletesWithTheRealClient() throws Exception {
        Connected c = connect("", "");
        try (TestWsClient client = c.client()) {
            Instant before = Instant.now();
            management.postToConnection(r -> r.connectionId(c.id()).data(SdkBytes.fromUtf8String("{\"type\":\"hi\"}")));
            assertThat(client.next()).isEqualTo("{\"type\":\"hi\"}");

            String large = "L".repeat(100 * 1024);
            management.postToConnection(r -> r.connectionId(c.id()).data(SdkBytes.fromUtf8String(large)));
            assertThat(client.next()).isEqualTo(large);

            GetConnectionResponse info = management.getConnection(r -> r.connectionId(c.id()));
            assertThat(info.connectedAt()).isEqualTo(Instant.ofEpochMilli(c.connectEvent().getRequestContext().getConnectedAt()));
            assertThat(info.lastActiveAt()).isAfterOrEqualTo(info.connectedAt());
            assertThat(info.identity().sourceIp()).isEqualTo("127.0.0.1");
            assertThat(info.identity().userAgent()).isEqualTo(c.connectEvent().getRequestContext().getIdentity().getUserAgent());
            client.send("{\"action\":\"seq\"}");
            awaitEvents(c.id(), "seq", 1);
            assertThat(management.getConnection(r -> r.connectionId(c.id())).lastActiveAt()).isAfterOrEqualTo(before.minusSeconds(1));

            byte[] tooLarge = new byte[LocalConnections.MAX_MESSAGE_BYTES + 1];
            assertThatThrownBy(() -> management.postToConnection(r -> r.connectionId(c.id()).data(SdkBytes.fromByteArray(tooLarge))))
                    .isInstanceOf(PayloadTooLargeException.class)
                    .satisfies(e -> assertThat(((PayloadTooLargeException) e).statusCode()).isEqualTo(413));

            management.deleteConnection(r -> r.connectionId(c.id()));
            assertThat(client.awaitClose()).isEqualTo(1000);
            assertDisconnectedOnce(c.id());
            assertThat(events(c.id(), "$disconnect").get(0).getRequestContext().getEventType()).isEqualTo("DISCONNECT");

            assertThatThrownBy(() -> management.postToConnection(r -> r.connectionId(c.id()).data(SdkBytes.fromUtf8String("late"))))
                    .isInstanceOf(GoneException.class)
                    .satisfies(e -> assertThat(((GoneException) e).statusCode()).isEqualTo(410));
            assertThatThrownBy(() -> management.getConnection(r -> r.connectionId(c.id()))).isInstanceOf(GoneException.class);
            assertThatThrownBy(() -> management.deleteConnection(r -> r.connectionId(c.id()))).isInstanceOf(GoneException.class);
        }
        assertThatThrownBy(() -> management.postToConnection(r -> r.connectionId("AAAAAAAAAAAAAA==").data(SdkBytes.fromUtf8String("x"))))
                .isInstanceOf(GoneException.class);
    }

    @Test
    void concurrentPostsToOneConnectionArriveWholeEvenWhenSplitIntoFrames() throws Exception {
        Connected c = connect("", "");
        int posts = 24;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (TestWsClient client = c.client()) {
            List<Future<?>> sending = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                String message = String.valueOf((char) ('a' + i)).repeat(40 * 1024);
                sending.add(pool.submit(() -> management.postToConnection(r -> r.connectionId(c.id()).data(SdkBytes.fromUtf8String(message)))));
            }
            for (Future<?> f : sending) {
                f.get();
            }
            List<Character> received = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                String message = client.next();
                assertThat(message).hasSize(40 * 1024);
                assertThat(message.chars().distinct().count()).isEqualTo(1);
                received.add(message.charAt(0));
            }
            assertThat(received).doesNotHaveDuplicates().hasSize(posts);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void functionsReachTheConnectionsEndpointThroughWebsocketEndpoint() throws Exception {
        LocalFunction echo = stack.functions().stream().filter(f -> f.logicalId().equals("EchoFunction")).findFirst().orElseThrow();
        assertThat(echo.environment()).containsEntry("WEBSOCKET_ENDPOINT", stack.webSockets().endpoint())
                .containsEntry("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI", stack.webSockets().endpoint());
        Connected c = connect("", "");
        try (TestWsClient client = c.client()) {
            client.send("{\"action\":\"reply\"}");
            assertThat(client.next()).isEqualTo("hello from handler");
        }
    }

    @Test
    void eachConnectionsMessagesAreHandledInOrder() throws Exception {
        int clients = 8;
        int messages = 40;
        List<Connected> connected = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            connected.add(connect("", ""));
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (Connected c : connected) {
                sends.add(pool.submit(() -> {
                    for (int n = 0; n < messages; n++) {
                        c.client().send("{\"action\":\"seq\",\"n\":" + n + "}");
                    }
                    return null;
                }));
            }
            for (Future<?> send : sends) {
                send.get();
            }
            for (Connected c : connected) {
                List<Integer> order = new ArrayList<>();
                for (APIGatewayV2WebSocketEvent e : awaitEvents(c.id(), "seq", messages)) {
                    order.add(json(e.getBody()).get("n").asInt());
                }
                assertThat(order).containsExactlyElementsOf(java.util.stream.IntStream.range(0, messages).boxed().toList());
            }
        } finally {
            pool.shutdownNow();
            connected.forEach(c -> c.client().close());
        }
    }

    @Test
    void manyClientsConnectEchoReceiveADirectBroadcastAndDisconnect() throws Exception {
        int clients = 150;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Connected> connected = new ArrayList<>();
        try {
            List<Future<Connected>> connecting = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                connecting.add(pool.submit(() -> connect("", "")));
            }
            for (Future<Connected> f : connecting) {
                connected.add(f.get());
            }
            assertThat(connected.stream().map(Connected::id).distinct()).hasSize(clients);
            // A client sees its socket open a moment before the server has registered it: wait, with a deadline.
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (stack.webSockets().connectionCount() < clients && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(stack.webSockets().connectionCount()).isGreaterThanOrEqualTo(clients);

            List<Future<String>> echoes = new ArrayList<>();
            for (Connected c : connected) {
                echoes.add(pool.submit(() -> {
                    c.client().send("{\"action\":\"echo\",\"id\":\"" + c.id() + "\"}");
                    return c.client().next();
                }));
            }
            for (int i = 0; i < clients; i++) {
                assertThat(echoes.get(i).get()).isEqualTo("echo:{\"action\":\"echo\",\"id\":\"" + connected.get(i).id() + "\"}");
            }

            String frame = "{\"type\":\"viewers\",\"count\":" + clients + "}";
            assertThat(stack.webSockets().broadcastDirect(frame)).isGreaterThanOrEqualTo(clients);
            for (Connected c : connected) {
                assertThat(c.client().next()).isEqualTo(frame);
            }
        } finally {
            List<Future<?>> closing = new ArrayList<>();
            connected.forEach(c -> closing.add(pool.submit(() -> c.client().close())));
            for (Future<?> f : closing) {
                f.get();
            }
            pool.shutdownNow();
        }
        for (Connected c : connected) {
            awaitEvents(c.id(), "$disconnect", 1);
        }
        Thread.sleep(200);
        for (Connected c : connected) {
            assertThat(events(c.id(), "$disconnect")).hasSize(1);
            assertThat(stack.webSockets().connections().get(c.id())).isEmpty();
        }
    }

    @Test
    void aLambdaAuthorizerGuardsConnectAndItsContextReachesTheEvents() throws Exception {
        assertThat(refusedStatus(ws("/AuthApi"))).isEqualTo(401);
        assertThat(refusedStatus(ws("/AuthApi?token=bad"))).isEqualTo(403);
        Connected c = connect("/AuthApi", "token=good");
        try (TestWsClient client = c.client()) {
            APIGatewayV2WebSocketEvent.RequestContext context = c.connectEvent().getRequestContext();
            assertThat(context.getStage()).isEqualTo("live");
            assertThat(context.getApiId()).isEqualTo("authapi");
            assertThat(context.getAuthorizer()).containsEntry("principalId", "alice").containsEntry("role", "host").containsEntry("level", 3);
            client.send("{\"action\":\"echo\"}");
            assertThat(client.next()).isEqualTo("echo:{\"action\":\"echo\"}");
            assertThat(awaitEvents(c.id(), "echo", 1).get(0).getRequestContext().getAuthorizer()).containsEntry("principalId", "alice");
        }
    }

    @Test
    void theIndexDescribesTheWebSocketEndpoints() throws Exception {
        HttpResponse<String> index = TestWsClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.url() + "/_local")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode endpoints = json(index.body()).get("endpoints");
        assertThat(endpoints.get(stack.webSockets().url()).asText()).contains("ChatApi").contains("$request.body.action").contains("echo");
        assertThat(endpoints.has(stack.webSockets().url() + "/PlainApi")).isTrue();
        assertThat(endpoints.get("POST /_local/ws/@connections/{connectionId}").asText()).contains("WEBSOCKET_ENDPOINT");
        assertThat(stack.webSockets().url()).isEqualTo(stack.url().replace("http://", "ws://") + "/ws");
        assertThat(stack.webSockets().endpoint()).isEqualTo(stack.url() + "/_local/ws");
        assertThat(Duration.ofHours(2)).isEqualTo(WebSocketApiEmulator.MAX_CONNECTION_DURATION);
    }
}
