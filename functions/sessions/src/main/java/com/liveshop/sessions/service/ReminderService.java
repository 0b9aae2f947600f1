package com.liveshop.sessions.service;

import com.liveshop.sessions.repository.Session;
import com.liveshop.sessions.repository.SessionRepository;
import com.liveshop.sessions.repository.SessionRepository.ReminderOutcome;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import java.time.Clock;
import java.util.Locale;

/** Reminder sign-ups: one per normalized email and session, counted on the session. */
public class ReminderService {

    private final SessionService sessions;
    private final SessionRepository repository;
    private final Clock clock;

    public ReminderService(SessionService sessions, SessionRepository repository, Clock clock) {
        this.sessions = sessions;
        this.repository = repository;
        this.clock = clock;
    }

    public Views.Reminder add(String rawSessionId, Requests.CreateReminder request) {
        Session session = sessions.require(rawSessionId);
        String email = normalize(Validation.requireEmail("email", request.email()));
        if (session.ended()) {
            throw ApiException.conflict("SESSION_ENDED", "This session has ended");
        }
        ReminderOutcome outcome = repository.addReminder(session.sessionId(), email, clock.instant().toString());
        return switch (outcome) {
            case CREATED -> new Views.Reminder(session.sessionId(), email, true);
            case ALREADY -> new Views.Reminder(session.sessionId(), email, false);
            case SESSION_GONE -> throw ApiException.conflict("SESSION_ENDED", "This session has ended");
        };
    }

    /** Trimmed and lower-cased as a whole: mailbox providers treat the local part case-insensitively in practice. */
    static String normalize(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
