package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.sessions.service.ReminderPages;
import com.liveshop.sessions.service.ReminderService;
import com.liveshop.sessions.service.Requests;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.time.Clock;
import java.util.Map;

/**
 * Public reminder routes: the sign-up (always 202 PENDING_CONFIRMATION) and the pages its emails link to — confirm, and
 * unsubscribe (GET shows a button; POST, also RFC 8058 one-click, unsubscribes).
 */
public class ReminderHandler extends ApiHandler {

    private final ReminderService reminders;
    private final Map<String, Route> routes;

    public ReminderHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ReminderHandler(AppConfig config) {
        this(new SessionsWiring(config).reminderService(Clock.systemUTC()));
    }

    public ReminderHandler(ReminderService reminders) {
        this.reminders = reminders;
        this.routes = Map.of(
                "POST /sessions/{sessionId}/reminders", this::add,
                "GET /reminders/confirm", r -> page(reminders.confirm(token(r))),
                "GET /reminders/unsubscribe", r -> page(reminders.unsubscribeForm(token(r))),
                "POST /reminders/unsubscribe", r -> page(reminders.unsubscribe(token(r))));
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse add(HttpRequest request) {
        String sessionId = request.pathParam("sessionId");
        return HttpResponses.json(
                202, reminders.add(sessionId, request.bodyAs(Requests.CreateReminder.class), request.clientAddress()));
    }

    private static String token(HttpRequest request) {
        return request.queryParam("token").orElse(null);
    }

    private static APIGatewayV2HTTPResponse page(ReminderPages.Page page) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(page.status())
                .withHeaders(Map.of(
                        "content-type",
                        "text/html; charset=utf-8",
                        "content-security-policy",
                        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
                        "referrer-policy",
                        "no-referrer"))
                .withBody(page.html())
                .withIsBase64Encoded(false)
                .build();
    }
}
