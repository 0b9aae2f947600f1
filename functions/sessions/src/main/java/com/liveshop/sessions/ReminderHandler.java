package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.sessions.service.ReminderService;
import com.liveshop.sessions.service.Requests;
import com.liveshop.sessions.service.Views;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.time.Clock;
import java.util.Map;

/** Public: sign up for a reminder when a session goes live (201 new, 200 already signed up). */
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
        this.routes = Map.of("POST /sessions/{sessionId}/reminders", this::add);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse add(HttpRequest request) {
        String sessionId = request.pathParam("sessionId");
        Views.Reminder reminder = reminders.add(sessionId, request.bodyAs(Requests.CreateReminder.class), request.sourceIp());
        return HttpResponses.json(reminder.created() ? 201 : 200, reminder);
    }
}
