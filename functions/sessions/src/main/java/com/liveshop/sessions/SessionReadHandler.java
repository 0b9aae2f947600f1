package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.sessions.service.SessionService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.time.Clock;
import java.util.Map;

/** Public reads: upcoming/live sessions, one session, its replay chapters, its calendar file. */
public class SessionReadHandler extends ApiHandler {

    private final SessionService sessions;
    private final Map<String, Route> routes;

    public SessionReadHandler() {
        this(AppConfig.fromEnvironment());
    }

    public SessionReadHandler(AppConfig config) {
        this(new SessionsWiring(config).sessionService(SessionsWiring.noVideo(), Clock.systemUTC()));
    }

    public SessionReadHandler(SessionService sessions) {
        this.sessions = sessions;
        this.routes = Map.of(
                "GET /sessions", this::list,
                "GET /sessions/{sessionId}", this::get,
                "GET /sessions/{sessionId}/timeline", this::timeline,
                "GET /sessions/{sessionId}/calendar.ics", this::calendar);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse list(HttpRequest request) {
        return HttpResponses.json(200, sessions.list(request.queryParam("limit").orElse(null)));
    }

    private APIGatewayV2HTTPResponse get(HttpRequest request) {
        return HttpResponses.json(200, sessions.view(request.pathParam("sessionId")));
    }

    private APIGatewayV2HTTPResponse timeline(HttpRequest request) {
        return HttpResponses.json(200, sessions.timeline(request.pathParam("sessionId")));
    }

    private APIGatewayV2HTTPResponse calendar(HttpRequest request) {
        String id = request.pathParam("sessionId");
        String ics = sessions.calendar(id);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(Map.of(
                        "content-type",
                        "text/calendar; charset=utf-8",
                        "content-disposition",
                        "attachment; filename=\"session-" + id.toLowerCase() + ".ics\""))
                .withBody(ics)
                .withIsBase64Encoded(false)
                .build();
    }
}
