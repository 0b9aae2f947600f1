package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.chat.service.ChatService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.util.Map;

/**
 * {@code POST /sessions/{id}/messages}: a viewer's message with {@code X-Chat-Ticket}, or a host's with a hosts JWT
 * ({@code Authorization: Bearer …}, verified here: the route is public so viewers can use it). Its own function with
 * reserved concurrency, so a chat flood cannot take capacity from checkout.
 */
public class ChatSendHandler extends ApiHandler {

    public static final String TICKET_HEADER = "X-Chat-Ticket";

    private final ChatService chat;
    private final Map<String, Route> routes;

    public ChatSendHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ChatSendHandler(AppConfig config) {
        this(ChatHandler.wire(config));
    }

    public ChatSendHandler(ChatService chat) {
        this.chat = chat;
        this.routes = Map.of("POST /sessions/{sessionId}/messages", this::send);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse send(HttpRequest request) {
        String sessionId = request.pathParam("sessionId");
        String ticket = request.header(TICKET_HEADER).orElse(null);
        String bearer = request.header("Authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip())
                .orElse(null);
        return HttpResponses.json(
                202, chat.send(sessionId, request.bodyAs(ChatService.MessageRequest.class), ticket, bearer));
    }
}
