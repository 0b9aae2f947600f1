package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.sessions.service.Requests;
import com.liveshop.sessions.service.SessionService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.time.Clock;
import java.util.Map;

/**
 * Host-only: schedule a session (creates its IVS channel), read its ingest settings and sales stats, end it. Like every
 * non-public route, its answers (some carry the stream key) leave with {@code cache-control: no-store} (ApiHandler).
 */
public class SessionAdminHandler extends ApiHandler {

    private final SessionService sessions;
    private final Map<String, Route> routes;

    public SessionAdminHandler() {
        this(AppConfig.fromEnvironment());
    }

    public SessionAdminHandler(AppConfig config) {
        this(wire(config));
    }

    private static SessionService wire(AppConfig config) {
        SessionsWiring wiring = new SessionsWiring(config);
        return wiring.sessionService(wiring.ivs(), Clock.systemUTC(), wiring.eventBridgePublisher());
    }

    public SessionAdminHandler(SessionService sessions) {
        this.sessions = sessions;
        this.routes = Map.of(
                "POST /sessions", this::create,
                "GET /sessions/{sessionId}/ingest", this::ingest,
                "POST /sessions/{sessionId}/end", this::end,
                "GET /sessions/{sessionId}/stats", this::stats);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse create(HttpRequest request) {
        request.claims().requireHost();
        return HttpResponses.json(201, sessions.create(request.bodyAs(Requests.CreateSession.class)));
    }

    private APIGatewayV2HTTPResponse ingest(HttpRequest request) {
        request.claims().requireHost();
        return HttpResponses.json(200, sessions.ingest(request.pathParam("sessionId")));
    }

    private APIGatewayV2HTTPResponse stats(HttpRequest request) {
        request.claims().requireHost();
        return HttpResponses.json(200, sessions.stats(request.pathParam("sessionId")));
    }

    private APIGatewayV2HTTPResponse end(HttpRequest request) {
        request.claims().requireHost();
        return HttpResponses.json(200, sessions.end(request.pathParam("sessionId")));
    }
}
