package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.chat.service.ChatService;
import com.liveshop.chat.service.Frames;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.json.Json;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat WebSocket API's routes ($connect, $disconnect, $default, sendMessage) in one function: they share the
 * connection items and clients, and a spike of connects warms the very environments that then carry the
 * messages. Message routes are two-way: an error frame goes back to the sender as the route response (no
 * @connections call), success answers nothing (the chat frame reaches everyone through the broadcast).
 */
public class ChatSocketHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    public static final String CONNECT = "$connect";
    public static final String DISCONNECT = "$disconnect";
    public static final String DEFAULT = "$default";
    public static final String SEND_MESSAGE = "sendMessage";
    /** The routes template.yaml must send here. */
    public static final List<String> ROUTES = List.of(CONNECT, DISCONNECT, DEFAULT, SEND_MESSAGE);
    public static final List<String> ACTIONS = List.of(SEND_MESSAGE);

    private static final Logger LOG = LoggerFactory.getLogger(ChatSocketHandler.class);

    private final ChatService chat;

    public ChatSocketHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ChatSocketHandler(AppConfig config) {
        this(wire(config));
    }

    private static ChatService wire(AppConfig config) {
        ChatWiring wiring = new ChatWiring(config);
        return wiring.chatService(wiring.hostTokens(), Clock.systemUTC());
    }

    public ChatSocketHandler(ChatService chat) {
        this.chat = chat;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        if (event == null || event.getRequestContext() == null || event.getRequestContext().getConnectionId() == null) {
            return response(400, error("INVALID_REQUEST", "Not a WebSocket event"));
        }
        String routeKey = event.getRequestContext().getRouteKey();
        String connectionId = event.getRequestContext().getConnectionId();
        try {
            return switch (routeKey == null ? "" : routeKey) {
                case CONNECT -> connect(connectionId, event.getQueryStringParameters());
                case DISCONNECT -> {
                    chat.disconnect(connectionId);
                    yield response(200, null);
                }
                case SEND_MESSAGE -> sendMessage(connectionId, event.getBody());
                default -> unknownAction(event.getBody());
            };
        } catch (RuntimeException e) {
            LOG.error("Unhandled error on {} (request {})", routeKey, context == null ? "-" : context.getAwsRequestId(), e);
            return CONNECT.equals(routeKey) ? response(500, error("INTERNAL_ERROR", "Something went wrong on our side"))
                    : response(200, error("INTERNAL_ERROR", "Something went wrong on our side"));
        }
    }

    private APIGatewayV2WebSocketResponse connect(String connectionId, Map<String, String> query) {
        Map<String, String> q = query == null ? Map.of() : query;
        try {
            chat.connect(connectionId, q.get("sessionId"), q.get("name"), q.get("token"));
            return response(200, null);
        } catch (ApiException e) {
            // The status refuses the upgrade; the token is never part of what is logged or answered.
            LOG.info("Connection refused: {} {}", e.status(), e.code());
            return response(e.status(), Json.write(Map.of("error", Map.of("code", e.code(), "message", e.getMessage()))));
        }
    }

    private APIGatewayV2WebSocketResponse sendMessage(String connectionId, String body) {
        JsonNode frame = parse(body);
        if (frame == null || !frame.isObject()) {
            return response(200, error("INVALID_FRAME", "A frame is a JSON object like {\"action\":\"sendMessage\",\"text\":\"…\"}"));
        }
        JsonNode text = frame.get("text");
        if (text != null && !text.isNull() && !text.isTextual()) {
            return response(200, error("INVALID_FRAME", "Field 'text' must be a string"));
        }
        try {
            chat.send(connectionId, text == null || text.isNull() ? null : text.asText());
            return response(200, null);
        } catch (ApiException e) {
            return response(200, error(e.code(), e.getMessage()));
        }
    }

    private static APIGatewayV2WebSocketResponse unknownAction(String body) {
        JsonNode frame = parse(body);
        if (frame == null || !frame.isObject()) {
            return response(200, Frames.json(new Frames.Error("error", "INVALID_FRAME",
                    "Frames are JSON objects with an 'action'; valid actions: " + String.join(", ", ACTIONS), ACTIONS)));
        }
        return response(200, Frames.json(new Frames.Error("error", "UNKNOWN_ACTION",
                "Unknown action; valid actions: " + String.join(", ", ACTIONS), ACTIONS)));
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String error(String code, String message) {
        return Frames.json(new Frames.Error(code, message));
    }

    private static APIGatewayV2WebSocketResponse response(int status, String body) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(status);
        response.setBody(body);
        return response;
    }
}
