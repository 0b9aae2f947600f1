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

    /** Messages per SendMessageBatch: the most the dispatcher holds at once is this many pages of ids. */
    static final int MESSAGES_PER_SEND = 10;

    /**
     * Returns how many reminders were queued. The ids stream from the Query's pages into messages of
     * {@value ReminderMessage#MAX_LIVE_RECIPIENTS}, sent {@value #MESSAGES_PER_SEND} at a time: at most 500 ids are
     * held, whatever the audience.
     */
    public int dispatchLive(String sessionId) {
        List<String> page = new ArrayList<>();
        List<ReminderMessage> pending = new ArrayList<>();
        int[] counts = new int[2];
        repository.forEachUnsentConfirmedReminderId(sessionId, id -> {
            page.add(id);
            counts[0]++;
            if (page.size() == ReminderMessage.MAX_LIVE_RECIPIENTS) {
                pending.add(ReminderMessage.live(sessionId, page));
                page.clear();
                if (pending.size() == MESSAGES_PER_SEND) {
                    counts[1] += send(pending);
                }
            }
        });
        if (!page.isEmpty()) {
            pending.add(ReminderMessage.live(sessionId, page));
        }
        counts[1] += send(pending);
        LOG.info("Session {} live: {} reminders queued in {} messages", sessionId, counts[0], counts[1]);
        return counts[0];
    }

    private int send(List<ReminderMessage> pending) {
        int n = pending.size();
        if (n > 0) {
            queue.send(List.copyOf(pending));
            pending.clear();
        }
        return n;
    }
}
