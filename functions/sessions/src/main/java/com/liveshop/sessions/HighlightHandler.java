package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.sessions.service.HighlightService;
import com.liveshop.sessions.service.Requests;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.time.Clock;
import java.util.Map;

/** Host-only: feature a lineup product now (IVS timed metadata), optionally with a deal price. */
public class HighlightHandler extends ApiHandler {

    private final HighlightService highlights;
    private final Map<String, Route> routes;

    public HighlightHandler() {
        this(AppConfig.fromEnvironment());
    }

    public HighlightHandler(AppConfig config) {
        this(wire(config));
    }

    private static HighlightService wire(AppConfig config) {
        SessionsWiring wiring = new SessionsWiring(config);
        return wiring.highlightService(
                wiring.ivs(), Clock.systemUTC(), HighlightService.Pause.SLEEP, wiring.eventBridgePublisher());
    }

    public HighlightHandler(HighlightService highlights) {
        this.highlights = highlights;
        this.routes = Map.of("POST /sessions/{sessionId}/highlights", this::highlight);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse highlight(HttpRequest request) {
        request.claims().requireHost();
        String sessionId = request.pathParam("sessionId");
        Requests.CreateHighlight body = request.bodyAs(Requests.CreateHighlight.class);
        return HttpResponses.json(202, highlights.highlight(sessionId, body));
    }
}
