package com.liveshop.sessions.service;

import com.liveshop.sessions.repository.Session;
import com.liveshop.sessions.repository.SessionRepository;
import com.liveshop.sessions.repository.SessionRepository.ConfirmOutcome;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.ratelimit.RateWindows;
import com.liveshop.shared.ratelimit.SourceFingerprint;
import com.liveshop.shared.sessions.SessionKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reminder sign-ups with double opt-in. A sign-up always answers the same (202 PENDING_CONFIRMATION), so the answer
 * tells no one who is signed up; a new address (or a pending one after {@link #RESEND_AFTER}, at most
 * {@link #MAX_CONFIRMATIONS} times in all) gets a confirmation email through the queue, a confirmed one nothing. Only
 * confirmed addresses get the "We're live" email, and each email's one-click unsubscribe forgets the address. A
 * stranger can call the sign-up, so each source address gets at most {@code perIpPerMinute} per show per minute (its
 * fingerprint, never the address); the links are bounded by their signature, checked before anything is read.
 */
public class ReminderService {

    /** A pending sign-up gets another confirmation only after this long (a typo'd retry must not flood an inbox). */
    public static final Duration RESEND_AFTER = Duration.ofMinutes(10);
    /** Confirmation emails per address and show, in all: the sign-up cannot be used to mail-bomb anyone. */
    public static final int MAX_CONFIRMATIONS = 3;

    public static final String PENDING_CONFIRMATION = "PENDING_CONFIRMATION";

    private final SessionService sessions;
    private final SessionRepository repository;
    private final Clock clock;
    private final RateWindows windows;
    private final SourceFingerprint fingerprint;
    private final int perIpPerMinute;
    private final ReminderLinks links;
    private final ReminderQueue queue;

    public ReminderService(
            SessionService sessions,
            SessionRepository repository,
            Clock clock,
            RateWindows windows,
            SourceFingerprint fingerprint,
            int perIpPerMinute,
            ReminderLinks links,
            ReminderQueue queue) {
        if (perIpPerMinute < 1) {
            throw new IllegalStateException("Configuration REMINDERS_PER_IP_PER_MINUTE must be positive");
        }
        this.sessions = sessions;
        this.repository = repository;
        this.clock = clock;
        this.windows = windows;
        this.fingerprint = fingerprint;
        this.perIpPerMinute = perIpPerMinute;
        this.links = links;
        this.queue = queue;
    }

    /**
     * Refused: 400 (session id, email), 404 SESSION_NOT_FOUND, 409 SESSION_ENDED, 429 RATE_LIMITED; nothing written.
     */
    public Views.ReminderAccepted add(String rawSessionId, Requests.CreateReminder request, String sourceIp) {
        Session session = sessions.require(rawSessionId);
        String email = normalize(Validation.requireEmail("email", request == null ? null : request.email()));
        if (session.ended()) {
            throw ApiException.conflict("SESSION_ENDED", "This session has ended");
        }
        Instant now = clock.instant();
        long minute = now.getEpochSecond() / 60;
        if (!windows.tryCount(
                SessionKeys.reminderLimitPk(session.sessionId(), fingerprint.of(sourceIp), minute),
                perIpPerMinute,
                (minute + 2) * 60)) {
            throw ApiException.tooManyRequests(
                    "RATE_LIMITED",
                    "Too many reminder sign-ups from this network; try again in a minute",
                    (minute + 1) * 60 - now.getEpochSecond());
        }
        String reminderId = links.reminderId(email);
        if (repository.requestReminder(
                session.sessionId(),
                reminderId,
                email,
                now.toString(),
                now.minus(RESEND_AFTER).toString(),
                MAX_CONFIRMATIONS)) {
            queue.send(List.of(ReminderMessage.confirm(session.sessionId(), reminderId)));
        }
        return new Views.ReminderAccepted(session.sessionId(), PENDING_CONFIRMATION);
    }

    /**
     * GET /reminders/confirm: "Reminder confirmed", idempotent (a second click says the same). A token that is not
     * ours, altered, of the other kind, of a show that is gone or has ended (the link expires with the show), or of a
     * reminder since unsubscribed gets the one 400 "invalid or expired" page: nothing tells an address's state.
     */
    public ReminderPages.Page confirm(String token) {
        Optional<ReminderLinks.Link> link = verify(token, ReminderLinks.Kind.CONFIRM);
        Optional<Session> session =
                link.flatMap(l -> repository.find(l.sessionId())).filter(s -> !s.ended());
        if (link.isEmpty() || session.isEmpty()) {
            return ReminderPages.invalidLink();
        }
        ConfirmOutcome outcome = repository.confirmReminder(
                link.get().sessionId(), link.get().reminderId(), clock.instant().toString());
        return outcome == ConfirmOutcome.UNKNOWN
                ? ReminderPages.invalidLink()
                : ReminderPages.confirmed(session.get().title(), session.get().sessionId());
    }

    /** GET /reminders/unsubscribe: a page with a button (mail scanners open links; only a POST unsubscribes). */
    public ReminderPages.Page unsubscribeForm(String token) {
        Optional<ReminderLinks.Link> link = verify(token, ReminderLinks.Kind.UNSUBSCRIBE);
        Optional<Session> session = link.flatMap(l -> repository.find(l.sessionId()));
        return session.isEmpty()
                ? ReminderPages.invalidLink()
                : ReminderPages.unsubscribeForm(session.get().title(), token);
    }

    /** POST /reminders/unsubscribe (RFC 8058 one-click, or the page's button): forgets the address; idempotent. */
    public ReminderPages.Page unsubscribe(String token) {
        Optional<ReminderLinks.Link> link = verify(token, ReminderLinks.Kind.UNSUBSCRIBE);
        if (link.isEmpty()) {
            return ReminderPages.invalidLink();
        }
        repository.removeReminder(link.get().sessionId(), link.get().reminderId());
        return ReminderPages.unsubscribed();
    }

    /** The link if the token is ours and of this kind; checked before anything is read. */
    private Optional<ReminderLinks.Link> verify(String token, ReminderLinks.Kind kind) {
        return links.verify(token).filter(l -> l.kind() == kind);
    }

    /** Trimmed and lower-cased as a whole: mailbox providers treat the local part case-insensitively in practice. */
    static String normalize(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
