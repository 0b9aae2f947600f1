package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.liveshop.sessions.service.ReminderDispatchService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.events.BusEvents;
import com.liveshop.shared.events.SessionLive;
import com.liveshop.shared.lambda.Invocation;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** EventBridge rule target for SessionLive: the show's confirmed reminders onto the reminder queue. */
public class ReminderDispatchHandler implements RequestHandler<Map<String, Object>, Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ReminderDispatchHandler.class);

    private final ReminderDispatchService dispatch;

    public ReminderDispatchHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ReminderDispatchHandler(AppConfig config) {
        this(wire(config));
    }

    private static ReminderDispatchService wire(AppConfig config) {
        SessionsWiring wiring = new SessionsWiring(config);
        return wiring.reminderDispatchService(wiring.reminderQueue());
    }

    public ReminderDispatchHandler(ReminderDispatchService dispatch) {
        this.dispatch = dispatch;
    }

    @Override
    public Integer handleRequest(Map<String, Object> event, Context context) {
        return Invocation.run(context, () -> {
            String sessionId = BusEvents.read(event, SessionLive.class)
                    .map(SessionLive::sessionId)
                    .orElse(null);
            if (sessionId == null || sessionId.isBlank()) {
                LOG.warn("Dropping an event that is not a SessionLive with a session id");
                return 0;
            }
            return dispatch.dispatchLive(sessionId);
        });
    }
}
