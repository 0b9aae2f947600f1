package com.liveshop.sessions.service;

import com.liveshop.sessions.repository.SessionRepository;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SessionLive → the show's confirmed reminders as queue messages of at most 50 ids each (one SES bulk call each).
 * EventBridge may deliver SessionLive twice: the second dispatch enqueues again, and the sender's per-reminder claim
 * keeps anyone from being emailed twice.
 */
public class ReminderDispatchService {

    private static final Logger LOG = LoggerFactory.getLogger(ReminderDispatchService.class);

    private final SessionRepository repository;
    private final ReminderQueue queue;

    public ReminderDispatchService(SessionRepository repository, ReminderQueue queue) {
        this.repository = repository;
        this.queue = queue;
    }

    /** Returns how many reminders were queued. */
    public int dispatchLive(String sessionId) {
        List<String> ids = repository.unsentConfirmedReminderIds(sessionId);
        List<ReminderMessage> messages = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += ReminderMessage.MAX_LIVE_RECIPIENTS) {
            messages.add(ReminderMessage.live(sessionId, ids.subList(from, Math.min(ids.size(), from + ReminderMessage.MAX_LIVE_RECIPIENTS))));
        }
        if (!messages.isEmpty()) {
            queue.send(messages);
        }
        LOG.info("Session {} live: {} reminders queued in {} messages", sessionId, ids.size(), messages.size());
        return ids.size();
    }
}
