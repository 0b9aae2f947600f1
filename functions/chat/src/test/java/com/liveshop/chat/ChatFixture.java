package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.testkit.DynamoDbLocalExtension;
import com.liveshop.testkit.RecordingMetrics;
import com.liveshop.testkit.TableStream;
import com.liveshop.testkit.TestIssuer;
import com.liveshop.testkit.TestSecrets;
import dev.samlocal.lambda.TestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The chat handlers on the test's DynamoDB Local ({@link DynamoDbLocalExtension}), a recording channel publisher, local
 * host tokens, and the Sessions table's stream read into ChatBatchFunction's handler (stored messages become chatBatch
 * frames).
 */
final class ChatFixture {

    static final String SESSIONS = "SessionsTable";
    static final String CATALOG = "CatalogTable";
    static final String RESERVATIONS = "ReservationsTable";
    static final String SECRET = "testChatTicketSecret0123456789abcdefABCDEF";
    static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:ChatTicketSecret-AbCdEf";

    /** Our own publisher interface, recording every frame by channel. */
    static final class RecordingPublisher implements ChannelPublisher {
        record Published(String channel, JsonNode frame) {}

        final List<Published> published = new CopyOnWriteArrayList<>();

        @Override
        public int publish(String channel, List<?> frames) {
            frames.forEach(frame ->
                    published.add(new Published(channel, json(frame instanceof String s ? s : Json.write(frame)))));
            return frames.size();
        }

        List<JsonNode> on(String channel) {
            return published.stream()
                    .filter(p -> p.channel().equals(channel))
                    .map(Published::frame)
                    .toList();
        }

        List<JsonNode> show(String sessionId, String type) {
            return on(Channels.show(sessionId)).stream()
                    .filter(j -> j.path("type").asText().equals(type))
                    .toList();
        }
    }

    /**
     * A clock the tests move; it starts at the real now (DynamoDB Local's TTL job deletes items whose ttl has passed).
     */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger ADDRESSES =
            new java.util.concurrent.atomic.AtomicInteger();

    /** The chat-ticket key in (test) Secrets Manager: the functions read it at run time, as the template wires them. */
    final TestSecrets secrets;

    final DynamoDbLocalExtension dynamo;
    final DynamoDbClient client;
    final RecordingPublisher publisher = new RecordingPublisher();
    /** Every business metric the chat services recorded (the wiring's ShowMetrics). */
    final RecordingMetrics metrics = new RecordingMetrics();

    final TestIssuer issuer = new TestIssuer();
    final MovableClock clock = new MovableClock();
    final ChatWiring wiring;
    final ChatHandler chat;
    final ChatSendHandler send;
    final ModerationHandler moderation;
    final TableStream sessionsStream;
    final ChatBatchHandler chatBatches;

    ChatFixture(DynamoDbLocalExtension dynamo) throws Exception {
        this(dynamo, Map.of());
    }

    ChatFixture(DynamoDbLocalExtension dynamo, Map<String, String> extraSettings) throws Exception {
        this.dynamo = dynamo;
        secrets = dynamo.closeWith(new TestSecrets());
        client = dynamo.client();
        Map<String, String> settings = new HashMap<>(dynamo.functionSettings());
        settings.put("HOLD_SECONDS", "600");
        settings.put("MAX_QUANTITY_PER_SKU", "5");
        settings.putAll(secrets.settings("CHAT_TICKET_SECRET_ARN", SECRET_ARN, SECRET));
        settings.put("BRAND_NAME", "Cyber Deals");
        settings.putAll(extraSettings);
        wiring = new ChatWiring(new AppConfig(settings), publisher, metrics);
        var service = wiring.chatService(issuer.verifier(), clock);
        chat = new ChatHandler(service);
        send = new ChatSendHandler(service);
        moderation = new ModerationHandler(wiring.moderationService(clock));
        sessionsStream = dynamo.stream(SESSIONS);
        chatBatches = new ChatBatchHandler(wiring.chatBatches());
    }

    /**
     * The Sessions table's records since the last call through ChatBatchFunction's handler, as one stream batch (the
     * template's filter would leave only inserted messages; the handler skips the rest itself).
     */
    void deliverStoredMessages() {
        chatBatches.handleRequest(sessionsStream.next(), new TestContext("ChatBatchFunction"));
    }

    /**
     * The chat messages the show's channel got so far (stored ones delivered first), in order, out of their chatBatch
     * frames.
     */
    List<JsonNode> chatOn(String sessionId) {
        deliverStoredMessages();
        List<JsonNode> messages = new java.util.ArrayList<>();
        publisher
                .show(sessionId, "chatBatch")
                .forEach(frame -> frame.path("messages").forEach(messages::add));
        return messages;
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
        client.putItem(p -> p.tableName(SESSIONS)
                .item(Map.of(
                        "pk",
                        AttributeValue.fromS("SESSION#" + id),
                        "sk",
                        AttributeValue.fromS("META"),
                        "sessionId",
                        AttributeValue.fromS(id),
                        "status",
                        AttributeValue.fromS(status),
                        "title",
                        AttributeValue.fromS("Show"))));
        return id;
    }

    /** A product of the catalog with its stock, as the catalog admin route creates it. */
    void product(String sku, long priceCents, long stock) {
        com.liveshop.shared.catalog.Product p = com.liveshop.shared.catalog.Product.of(sku);
        p.setTitle("Product " + sku);
        p.setPriceCents(priceCents);
        p.setCurrency("USD");
        p.setCreatedAt(clock.instant().toString());
        p.setUpdatedAt(clock.instant().toString());
        wiring.products().createOrUpdate(p, stock);
    }

    /** The session LIVE and featuring {@code sku} now, as the sessions module's highlight writes it. */
    void feature(String sessionId, String sku) {
        String highlight = Json.write(Map.of(
                "highlightId",
                UUID.randomUUID().toString(),
                "sku",
                sku,
                "title",
                "Product " + sku,
                "priceCents",
                1000,
                "currency",
                "USD",
                "offsetMs",
                1000,
                "at",
                clock.instant().toString()));
        client.updateItem(u -> u.tableName(SESSIONS)
                .key(Map.of("pk", AttributeValue.fromS("SESSION#" + sessionId), "sk", AttributeValue.fromS("META")))
                .updateExpression("SET #s = :live, currentHighlight = :h")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(
                        Map.of(":live", AttributeValue.fromS("LIVE"), ":h", AttributeValue.fromS(highlight))));
    }

    void endSession(String sessionId) {
        client.updateItem(u -> u.tableName(SESSIONS)
                .key(Map.of("pk", AttributeValue.fromS("SESSION#" + sessionId), "sk", AttributeValue.fromS("META")))
                .updateExpression("SET #s = :e")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromS("ENDED"))));
    }

    String hostToken() {
        return issuer.hostToken();
    }

    record Http(int status, JsonNode body, Map<String, String> headers) {
        String errorCode() {
            return body == null ? null : body.path("error").path("code").asText(null);
        }
    }

    /** A request as API Gateway (payload v2.0) sends it to {@code handler}. */
    static Http call(
            ApiHandler handler,
            String method,
            String routeKey,
            Map<String, String> path,
            String body,
            Map<String, String> headers,
            boolean hostClaims,
            String sourceIp) {
        return call(handler, method, routeKey, path, null, body, headers, hostClaims, sourceIp);
    }

    static Http call(
            ApiHandler handler,
            String method,
            String routeKey,
            Map<String, String> path,
            Map<String, String> query,
            String body,
            Map<String, String> headers,
            boolean hostClaims,
            String sourceIp) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setQueryStringParameters(query);
        event.setRouteKey(method + " " + routeKey);
        event.setPathParameters(path);
        event.setBody(body);
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putIfAbsent("content-type", "application/json");
        event.setHeaders(h);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(method);
        http.setSourceIp(sourceIp);
        context.setHttp(http);
        if (hostClaims) {
            APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer =
                    new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
            APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt =
                    new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
            jwt.setClaims(Map.of("sub", "host-1", "cognito:groups", "[hosts]"));
            authorizer.setJwt(jwt);
            context.setAuthorizer(authorizer);
        }
        event.setRequestContext(context);
        APIGatewayV2HTTPResponse r = handler.handleRequest(event, new TestContext("ChatFunction"));
        return new Http(
                r.getStatusCode(),
                r.getBody() == null || r.getBody().isEmpty() ? null : json(r.getBody()),
                r.getHeaders() == null ? Map.of() : r.getHeaders());
    }

    Http admin(String method, String routeKey, Map<String, String> path, String body, boolean host) {
        return call(moderation, method, routeKey, path, body, Map.of(), host, "203.0.113.7");
    }

    Http ticket(String sessionId, String nameJson, String sourceIp) {
        return call(
                chat,
                "POST",
                "/sessions/{sessionId}/chat-tickets",
                Map.of("sessionId", sessionId),
                nameJson,
                Map.of(),
                false,
                sourceIp);
    }

    /** A ticket for {@code name} from a fresh address (so tests do not share the per-IP limit). */
    JsonNode ticketFor(String sessionId, String name) {
        return ticketFor(sessionId, Map.of("name", name));
    }

    /** A ticket bound to the cart {@code cartId} (comment-to-buy). */
    JsonNode cartTicketFor(String sessionId, String name, String cartId) {
        return ticketFor(sessionId, Map.of("name", name, "cartId", cartId));
    }

    private JsonNode ticketFor(String sessionId, Map<String, String> body) {
        int n = ADDRESSES.incrementAndGet();
        Http r = ticket(sessionId, Json.write(body), "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255));
        if (r.status() != 201) {
            throw new AssertionError("ticket refused: " + r.status() + " " + r.body());
        }
        return r.body();
    }

    Http say(String sessionId, String ticket, String text) {
        return call(
                send,
                "POST",
                "/sessions/{sessionId}/messages",
                Map.of("sessionId", sessionId),
                Json.write(Map.of("text", text)),
                ticket == null ? Map.of() : Map.of("X-Chat-Ticket", ticket),
                false,
                "198.51.100.1");
    }

    Http hostSays(String sessionId, String token, String text) {
        return call(
                send,
                "POST",
                "/sessions/{sessionId}/messages",
                Map.of("sessionId", sessionId),
                Json.write(Map.of("text", text)),
                Map.of("Authorization", "Bearer " + token),
                false,
                "198.51.100.1");
    }

    Http recent(String sessionId, String limit) {
        return call(
                chat,
                "GET",
                "/sessions/{sessionId}/messages",
                Map.of("sessionId", sessionId),
                limit == null ? null : Map.of("limit", limit),
                null,
                Map.of(),
                false,
                "198.51.100.1");
    }
}
