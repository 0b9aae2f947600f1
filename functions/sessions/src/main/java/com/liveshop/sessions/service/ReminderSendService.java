package com.liveshop.sessions.service;

import com.liveshop.sessions.repository.Session;
import com.liveshop.sessions.repository.SessionRepository;
import com.liveshop.sessions.repository.SessionRepository.Reminder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the reminder queue holds, paced under this sender's share of the SES rate. A confirmation goes to a
 * reminder still PENDING; a "We're live" email to each confirmed reminder this sender claims (so a redelivered message
 * or a second dispatch emails nobody twice), as one SES bulk call of at most 50 entries, each with its own unsubscribe
 * link. Entries SES refuses for now (throttling, transient) are released and the message fails, so the queue redelivers
 * it and only they are sent again; after the queue's maxReceiveCount it goes to the dead-letter queue. A show that has
 * ended gets no "We're live" email.
 */
public class ReminderSendService {

    private static final Logger LOG = LoggerFactory.getLogger(ReminderSendService.class);

    /** The message must be delivered again: some of its emails could not be sent now. */
    public static final class RetryLater extends RuntimeException {
        public RetryLater(String message) {
            super(message);
        }
    }

    private final SessionRepository repository;
    private final ReminderEmails emails;
    private final ReminderLinks links;
    private final ReminderEmailContent content;
    private final IntervalPacer pacer;
    private final Clock clock;

    public ReminderSendService(
            SessionRepository repository,
            ReminderEmails emails,
            ReminderLinks links,
            ReminderEmailContent content,
            IntervalPacer pacer,
            Clock clock) {
        this.repository = repository;
        this.emails = emails;
        this.links = links;
        this.content = content;
        this.pacer = pacer;
        this.clock = clock;
    }

    /** Sends one message's emails; throws {@link RetryLater} (or the SDK's error) when the message must come back. */
    public void send(ReminderMessage message) {
        Optional<Session> session = repository.find(message.sessionId());
        if (session.isEmpty()) {
            LOG.info("Dropping a {} message of a session that no longer exists", message.type());
            return;
        }
        switch (message.type()) {
            case ReminderMessage.CONFIRM -> message.reminderIds().forEach(id -> confirmation(session.get(), id));
            case ReminderMessage.LIVE -> live(session.get(), message.reminderIds());
            default -> LOG.warn("Dropping a reminder message of unknown type");
        }
    }

    /** This sender's share of the SES rate: {@code destinations} slots. */
    private void pace(int destinations) {
        try {
            pacer.await(destinations);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryLater("Interrupted while pacing");
        }
    }

    private void confirmation(Session session, String reminderId) {
        Optional<Reminder> reminder =
                repository.reminder(session.sessionId(), reminderId).filter(r -> !r.confirmed());
        if (reminder.isEmpty() || session.ended()) {
            return;
        }
        pace(1);
        emails.send(content.confirmation(
                reminder.get().email(),
                session,
                links.token(ReminderLinks.Kind.CONFIRM, session.sessionId(), reminderId),
                links.token(ReminderLinks.Kind.UNSUBSCRIBE, session.sessionId(), reminderId)));
    }

    private void live(Session session, List<String> reminderIds) {
        if (session.ended()) {
            LOG.info("Session {} has ended: its \"We're live\" emails are dropped", session.sessionId());
            return;
        }
        String now = clock.instant().toString();
        List<Reminder> claimed = new ArrayList<>();
        for (String id : reminderIds.subList(0, Math.min(reminderIds.size(), ReminderMessage.MAX_LIVE_RECIPIENTS))) {
            repository.claimLiveEmail(session.sessionId(), id, now).ifPresent(claimed::add);
        }
        if (claimed.isEmpty()) {
            return;
        }
        List<ReminderEmails.BulkEntry> entries = claimed.stream()
                .map(r -> {
                    String unsubscribe = content.unsubscribeUrl(
                            links.token(ReminderLinks.Kind.UNSUBSCRIBE, session.sessionId(), r.reminderId()));
                    return new ReminderEmails.BulkEntry(
                            r.email(),
                            Map.of(ReminderEmailContent.UNSUBSCRIBE_URL, unsubscribe),
                            ReminderEmailContent.unsubscribeHeaders(unsubscribe));
                })
                .toList();
        pace(entries.size());
        List<ReminderEmails.EntryResult> results;
        try {
            results = emails.sendBulk(content.live(session), entries);
        } catch (RuntimeException e) {
            claimed.forEach(r -> repository.releaseLiveEmail(session.sessionId(), r.reminderId()));
            throw e;
        }
        int sent = 0;
        int retry = 0;
        for (int i = 0; i < claimed.size(); i++) {
            ReminderEmails.EntryResult result =
                    i < results.size() ? results.get(i) : new ReminderEmails.EntryResult(false, true, "MISSING");
            if (result.sent()) {
                sent++;
            } else if (result.retryable()) {
                repository.releaseLiveEmail(session.sessionId(), claimed.get(i).reminderId());
                retry++;
            } else {
                LOG.warn(
                        "SES refused a \"We're live\" email of session {} for good: {}",
                        session.sessionId(),
                        result.status());
            }
        }
        LOG.info("Session {}: {} \"We're live\" emails sent, {} to retry", session.sessionId(), sent, retry);
        if (retry > 0) {
            throw new RetryLater(retry + " of " + claimed.size() + " emails could not be sent now");
        }
    }
}
