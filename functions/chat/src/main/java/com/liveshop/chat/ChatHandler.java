package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.chat.service.ChatService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import com.liveshop.shared.pow.ProofOfWork;
import java.time.Clock;
import java.util.Map;

/**
 * Public chat routes: a chat ticket for a name, and the recent messages for a viewer who joins late. Sending is
 * {@link ChatSendHandler}, a function of its own with a concurrency cap.
 */
public class ChatHandler extends ApiHandler {

    private final ChatService chat;
    private final Map<String, Route> routes;

    public ChatHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ChatHandler(AppConfig config) {
        this(wire(config));
    }

    static ChatService wire(AppConfig config) {
        ChatWiring wiring = new ChatWiring(config);
        return wiring.chatService(wiring.hostTokens(), Clock.systemUTC());
    }

    public ChatHandler(ChatService chat) {
        this.chat = chat;
        this.routes = Map.of(
                "POST /sessions/{sessionId}/chat-tickets", this::issueTicket,
                "GET /sessions/{sessionId}/messages", this::recent);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse issueTicket(HttpRequest request) {
        String sessionId = request.pathParam("sessionId");
        return HttpResponses.json(
                201,
                chat.issueTicket(
                        sessionId,
                        request.bodyAs(ChatService.TicketRequest.class),
                        request.clientAddress(),
                        request.header(ProofOfWork.HEADER).orElse(null)));
    }

    private APIGatewayV2HTTPResponse recent(HttpRequest request) {
        // Late joiners of a big show ask at once: the CDN answers them (CacheControl.PUBLIC_READS).
        return HttpResponses.json(
                200,
                chat.recent(
                        request.pathParam("sessionId"),
                        request.queryParam("limit").orElse(null)));
    }
}
