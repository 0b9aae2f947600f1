package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.chat.service.ModerationService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.time.Clock;
import java.util.Map;

/** Host-only chat moderation on the HTTP API: delete / pin a message, ban a viewer, set the blocklist and slow mode. */
public class ModerationHandler extends ApiHandler {

    private final ModerationService moderation;
    private final Map<String, Route> routes;

    public ModerationHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ModerationHandler(AppConfig config) {
        this(new ChatWiring(config).moderationService(Clock.systemUTC()));
    }

    public ModerationHandler(ModerationService moderation) {
        this.moderation = moderation;
        this.routes = Map.of(
                "DELETE /sessions/{sessionId}/messages/{messageId}", this::deleteMessage,
                "POST /sessions/{sessionId}/bans", this::ban,
                "PUT /sessions/{sessionId}/blocklist", this::blocklist,
                "POST /sessions/{sessionId}/pin", this::pin,
                "PUT /sessions/{sessionId}/chat-settings", this::chatSettings);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse deleteMessage(HttpRequest request) {
        request.claims().requireHost();
        moderation.deleteMessage(request.pathParam("sessionId"), request.pathParam("messageId"));
        return HttpResponses.noContent();
    }

    private APIGatewayV2HTTPResponse ban(HttpRequest request) {
        request.claims().requireHost();
        String sessionId = request.pathParam("sessionId");
        return HttpResponses.json(200, moderation.ban(sessionId, request.bodyAs(ModerationService.BanRequest.class)));
    }

    private APIGatewayV2HTTPResponse blocklist(HttpRequest request) {
        request.claims().requireHost();
        String sessionId = request.pathParam("sessionId");
        return HttpResponses.json(
                200, moderation.setBlocklist(sessionId, request.bodyAs(ModerationService.BlocklistRequest.class)));
    }

    private APIGatewayV2HTTPResponse pin(HttpRequest request) {
        request.claims().requireHost();
        String sessionId = request.pathParam("sessionId");
        return HttpResponses.json(200, moderation.pin(sessionId, request.bodyAs(ModerationService.PinRequest.class)));
    }

    private APIGatewayV2HTTPResponse chatSettings(HttpRequest request) {
        request.claims().requireHost();
        String sessionId = request.pathParam("sessionId");
        return HttpResponses.json(
                200,
                moderation.setChatSettings(sessionId, request.bodyAs(ModerationService.ChatSettingsRequest.class)));
    }
}
