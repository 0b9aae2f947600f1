package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.chat.service.ConnectionGateway;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import com.liveshop.testkit.DynamoDbLocal;
import com.liveshop.testkit.LocalTables;
import com.liveshop.testkit.SamTemplate;
import com.liveshop.testkit.TestIssuer;
import com.liveshop.testkit.TestContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB Local with the template's tables, the chat handlers on it, a recording @connections gateway, local host tokens. */
final class ChatFixture implements AutoCloseable {

    static final String SESSIONS = "SessionsTable";
    static final String CATALOG = "CatalogTable";
    static final String ISSUER = TestIssuer.ISSUER;
    static final String AUDIENCE = TestIssuer.AUDIENCE;

    /** Our own @connections interface, recording what was sent; ids in {@code gone} answer 410. */
    static final class RecordingGateway implements ConnectionGateway {
        final Map<String, List<String>> sent = new ConcurrentHashMap<>();
        final Set<String> gone = ConcurrentHashMap.newKeySet();
        final Set<String> failing = ConcurrentHashMap.newKeySet();
        final List<String> closed = new CopyOnWriteArrayList<>();

        @Override
        public Outcome post(String connectionId, String frame) {
            if (failing.contains(connectionId)) {
                throw new IllegalStateException("500 from @connections");
            }
            if (gone.contains(connectionId)) {
                return Outcome.GONE;
            }
            sent.computeIfAbsent(connectionId, k -> new CopyOnWriteArrayList<>()).add(frame);
            return Outcome.SENT;
        }

        @Override
        public void close(String connectionId) {
            closed.add(connectionId);
        }

        List<JsonNode> frames(String connectionId) {
            return sent.getOrDefault(connectionId, List.of()).stream().map(ChatFixture::json).toList();
        }
    }

    final DynamoDbLocal local;
    final DynamoDbClient client;
    final RecordingGateway gateway = new RecordingGateway();
    final TestIssuer issuer = new TestIssuer();
    final ChatWiring wiring;
    final ChatSocketHandler socket;
    final ModerationHandler moderation;

    ChatFixture() throws Exception {
        local = DynamoDbLocal.start(0);
        client = local.client();
        LocalTables.createAll(client, SamTemplate.loadFromRepo());
        Map<String, String> settings = new HashMap<>(local.clientSettings());
        settings.put("SESSIONS_TABLE", SESSIONS);
        settings.put("CATALOG_TABLE", CATALOG);
        settings.put("WEBSOCKET_ENDPOINT", "http://127.0.0.1:1/unused");
        wiring = new ChatWiring(new AppConfig(settings), gateway);
        HostTokenVerifier verifier = issuer.verifier();
        socket = new ChatSocketHandler(wiring.chatService(verifier, Clock.systemUTC()));
        moderation = new ModerationHandler(wiring.moderationService(Clock.systemUTC()));
    }

    @Override
    public void close() {
        client.close();
        local.close();
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    /** A session META item as the sessions module writes it. */
    String session(String status) {
        String id = UUID.randomUUID().toString();
        client.putItem(p -> p.tableName(SESSIONS).item(Map.of("pk", AttributeValue.fromS("SESSION#" + id),
                "sk", AttributeValue.fromS("META"), "sessionId", AttributeValue.fromS(id), "status", AttributeValue.fromS(status),
                "title", AttributeValue.fromS("Show"))));
        return id;
    }

    String token(String issuerUrl, String audience, List<String> groups) {
        return issuer.token(issuerUrl, audience, groups);
    }

    String hostToken() {
        return issuer.hostToken();
    }

    APIGatewayV2WebSocketResponse connect(String connectionId, Map<String, String> query) {
        APIGatewayV2WebSocketEvent event = wsEvent("$connect", connectionId, null);
        event.setQueryStringParameters(query);
        return socket.handleRequest(event, new TestContext("ChatSocketFunction"));
    }

    String connectViewer(String sessionId, String name) {
        String id = newConnectionId();
        APIGatewayV2WebSocketResponse r = connect(id, Map.of("sessionId", sessionId, "name", name));
        if (r.getStatusCode() != 200) {
            throw new AssertionError("connect refused: " + r.getStatusCode() + " " + r.getBody());
        }
        return id;
    }

    APIGatewayV2WebSocketResponse disconnect(String connectionId) {
        return socket.handleRequest(wsEvent("$disconnect", connectionId, null), new TestContext("ChatSocketFunction"));
    }

    /** Sends a frame to the route API Gateway would select; returns the route response body (null = nothing). */
    String frame(String connectionId, String routeKey, String body) {
        return socket.handleRequest(wsEvent(routeKey, connectionId, body), new TestContext("ChatSocketFunction")).getBody();
    }

    String say(String connectionId, String text) {
        return frame(connectionId, "sendMessage", Json.write(Map.of("action", "sendMessage", "text", text)));
    }

    static String newConnectionId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 14) + "=";
    }

    static APIGatewayV2WebSocketEvent wsEvent(String routeKey, String connectionId, String body) {
        APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setRouteKey(routeKey);
        context.setConnectionId(connectionId);
        context.setEventType(routeKey.equals("$connect") ? "CONNECT" : routeKey.equals("$disconnect") ? "DISCONNECT" : "MESSAGE");
        context.setStage("live");
        context.setDomainName("localhost");
        event.setRequestContext(context);
        event.setBody(body);
        return event;
    }

    long viewerCount(String sessionId) {
        return wiring.connections().viewerCount(sessionId);
    }

    int storedConnections(String sessionId) {
        List<String> ids = new ArrayList<>();
        wiring.connections().forEachPage(sessionId, page -> page.forEach(c -> ids.add(c.connectionId())));
        return ids.size();
    }

    record Http(int status, JsonNode body) {
        String errorCode() {
            return body == null ? null : body.path("error").path("code").asText(null);
        }
    }

    Http admin(String method, String routeKey, Map<String, String> path, String body, boolean host) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey(method + " " + routeKey);
        event.setPathParameters(path);
        event.setBody(body);
        event.setHeaders(Map.of("content-type", "application/json"));
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        if (host) {
            APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
            APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
            jwt.setClaims(Map.of("sub", "host-1", "cognito:groups", "[hosts]"));
            authorizer.setJwt(jwt);
            context.setAuthorizer(authorizer);
        }
        event.setRequestContext(context);
        APIGatewayV2HTTPResponse r = moderation.handleRequest(event, new TestContext("ChatModerationFunction"));
        return new Http(r.getStatusCode(), r.getBody() == null || r.getBody().isEmpty() ? null : json(r.getBody()));
    }
}
