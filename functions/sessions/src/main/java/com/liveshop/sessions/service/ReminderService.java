package com.liveshop.sessions.service;

import com.liveshop.sessions.repository.Session;
import com.liveshop.sessions.repository.SessionRepository;
import com.liveshop.sessions.repository.SessionRepository.ReminderOutcome;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.ratelimit.RateWindows;
import com.liveshop.shared.ratelimit.SourceFingerprint;
import com.liveshop.shared.sessions.SessionKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/**
 * Reminder sign-ups: one per normalized email and session, counted on the session. A stranger can call this, so each
 * source address gets at most {@code perIpPerMinute} sign-ups per show per minute (its fingerprint, never the address).
 */
public class ReminderService {

    private final SessionService sessions;
    private final SessionRepository repository;
    private final Clock clock;
    private final RateWindows windows;
    private final SourceFingerprint fingerprint;
    private final int perIpPerMinute;

    public ReminderService(SessionService sessions, SessionRepository repository, Clock clock, RateWindows windows,
                           SourceFingerprint fingerprint, int perIpPerMinute) {
        if (perIpPerMinute < 1) {
            throw new IllegalStateException("Configuration REMINDERS_PER_IP_PER_MINUTE must be positive");
        }
        this.sessions = sessions;
        this.repository = repository;
        this.clock = clock;
        this.windows = windows;
        this.fingerprint = fingerprint;
        this.perIpPerMinute = perIpPerMinute;
    }

    /** Refused: 400 (session id, email), 404 SESSION_NOT_FOUND, 409 SESSION_ENDED, 429 RATE_LIMITED; nothing written. */
    public Views.Reminder add(String rawSessionId, Requests.CreateReminder request, String sourceIp) {
        Session session = sessions.require(rawSessionId);
        String email = normalize(Validation.requireEmail("email", request.email()));
        if (session.ended()) {
            throw ApiException.conflict("SESSION_ENDED", "This session has ended");
        }
        Instant now = clock.instant();
        long minute = now.getEpochSecond() / 60;
        if (!windows.tryCount(SessionKeys.reminderLimitPk(session.sessionId(), fingerprint.of(sourceIp), minute),
                perIpPerMinute, (minute + 2) * 60)) {
            throw ApiException.tooManyRequests("RATE_LIMITED", "Too many reminder sign-ups from this network; try again in a minute",
                    (minute + 1) * 60 - now.getEpochSecond());
        }
        ReminderOutcome outcome = repository.addReminder(session.sessionId(), email, now.toString());
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
