package com.liveshop.sessions.service;

import com.liveshop.sessions.ivs.LiveVideo;
import com.liveshop.sessions.repository.Session;
import com.liveshop.sessions.repository.SessionRepository;
import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.events.SessionEnded;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.sessions.SessionKeys;
import com.liveshop.shared.stats.ShowStats;
import com.liveshop.shared.waitlist.WaitlistCounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Session rules: scheduling with an IVS channel, public views, the host's ingest and ending a show. */
public class SessionService {

    public static final int MAX_LINEUP = 100;
    public static final int MAX_LIST = 100;
    /** A show may be scheduled up to an hour in the past (starting late) and a year ahead. */
    static final Duration PAST_TOLERANCE = Duration.ofHours(1);

    static final Duration FUTURE_LIMIT = Duration.ofDays(366);

    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

    private final SessionRepository sessions;
    private final ProductRepository products;
    private final LiveVideo video;
    private final Clock clock;
    private final EventPublisher events;
    private final WaitlistCounts waitlists;

    public SessionService(SessionRepository sessions, ProductRepository products, LiveVideo video, Clock clock) {
        this(sessions, products, video, clock, event -> {
            throw new UnsupportedOperationException("This function publishes no events");
        });
    }

    /** {@code events} gets SessionEnded when the host ends the session (POST /sessions/{id}/end). */
    public SessionService(
            SessionRepository sessions,
            ProductRepository products,
            LiveVideo video,
            Clock clock,
            EventPublisher events) {
        this(sessions, products, video, clock, events, null);
    }

    /** {@code waitlists} (null: none) counts each lineup product's waiting carts for the stats. */
    public SessionService(
            SessionRepository sessions,
            ProductRepository products,
            LiveVideo video,
            Clock clock,
            EventPublisher events,
            WaitlistCounts waitlists) {
        this.waitlists = waitlists;
        this.events = events;
        this.sessions = sessions;
        this.products = products;
        this.video = video;
        this.clock = clock;
    }

    public Views.CreatedSession create(Requests.CreateSession request) {
        Instant now = clock.instant();
        String title = Validation.requireText("title", request.title(), 200);
        String description = Validation.optionalMultilineText("description", request.description(), 2000);
        Instant startsAt = startsAt(request.startsAt(), now);
        List<String> lineup = lineup(request.lineup());
        Map<String, Product> known = products.findProducts(lineup);
        List<String> unknown =
                lineup.stream().filter(sku -> !known.containsKey(sku)).toList();
        if (!unknown.isEmpty()) {
            throw ApiException.unprocessable("UNKNOWN_SKU", "No product with sku " + String.join(", ", unknown));
        }
        String sessionId = UUID.randomUUID().toString();
        LiveVideo.Channel channel = video.createChannel("liveshop-" + sessionId);
        Session session = new Session(
                sessionId,
                title,
                description,
                startsAt.toString(),
                Session.SCHEDULED,
                channel.arn(),
                channel.playbackUrl(),
                channel.ingestEndpoint(),
                lineup,
                now.toString(),
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                null,
                0,
                SessionKeys.DEFAULT_BUY_KEYWORD);
        sessions.create(session, now.toString());
        LOG.info("Session {} scheduled on channel {}", sessionId, channel.arn());
        return new Views.CreatedSession(
                sessionId,
                Session.SCHEDULED,
                title,
                description,
                session.startsAt(),
                lineup,
                channel.arn(),
                channel.playbackUrl(),
                new Views.Ingest(rtmps(channel.ingestEndpoint()), channel.streamKey()));
    }

    /** The host's ingest settings, read from IVS each time (the key is never stored here). */
    public Views.Ingest ingest(String rawSessionId) {
        Session session = require(rawSessionId);
        try {
            return new Views.Ingest(rtmps(session.ingestEndpoint()), video.streamKey(session.channelArn()));
        } catch (LiveVideo.ChannelNotFoundException e) {
            throw ApiException.notFound(
                    "CHANNEL_NOT_FOUND", "The session's IVS channel or stream key no longer exists");
        }
    }

    /**
     * Ends the show: the session becomes ENDED at once (kept if it already was) and the live stream, if any, is
     * stopped. Calling it again is harmless and answers the same.
     */
    public Views.Ended end(String rawSessionId) {
        Session session = require(rawSessionId);
        long endedAt = clock.millis();
        if (sessions.markEnded(session.sessionId(), endedAt)) {
            // Once, on the transition; the IVS Stream End that follows StopStream then changes nothing.
            events.publish(new SessionEnded(session.sessionId(), Instant.ofEpochMilli(endedAt)));
        }
        boolean stopped;
        try {
            stopped = video.stopStream(session.channelArn());
        } catch (LiveVideo.ChannelNotFoundException e) {
            stopped = false;
        }
        Session now = sessions.find(session.sessionId()).orElseThrow();
        return new Views.Ended(now.sessionId(), now.status(), now.endedAt(), stopped);
    }

    public Views.SessionView view(String rawSessionId) {
        Session s = require(rawSessionId);
        Instant now = clock.instant();
        Map<String, Product> details = products.findProducts(s.lineup());
        Map<String, StockLevel> stock = products.stockOf(s.lineup());
        List<Views.LineupItem> lineup = new ArrayList<>();
        for (String sku : s.lineup()) {
            Product p = details.get(sku);
            if (p == null) {
                continue;
            }
            var deal = p.activeDealPriceCents(now);
            lineup.add(new Views.LineupItem(
                    sku,
                    p.getTitle(),
                    p.getPriceCents(),
                    p.getCurrency(),
                    p.getImageUrl(),
                    stock.containsKey(sku) ? stock.get(sku).available() : 0,
                    deal.isPresent() ? deal.getAsLong() : null,
                    deal.isPresent() ? p.getDealEndsAt() : null));
        }
        return new Views.SessionView(
                s.sessionId(),
                s.title(),
                s.description(),
                s.status(),
                s.startsAt(),
                s.liveAt(),
                s.endedAt(),
                s.playbackUrl(),
                lineup,
                s.live() ? s.currentHighlight() : null,
                s.replay(),
                s.pinnedMessage(),
                s.viewerCount(),
                s.buyKeyword());
    }

    public Views.SessionList list(String rawLimit) {
        int limit = 50;
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                throw ApiException.validation("'limit' must be a whole number between 1 and " + MAX_LIST);
            }
            if (limit < 1 || limit > MAX_LIST) {
                throw ApiException.validation("'limit' must be between 1 and " + MAX_LIST);
            }
        }
        return new Views.SessionList(sessions.active(limit).stream()
                .map(s -> new Views.SessionSummary(
                        s.sessionId(), s.title(), s.status(), s.startsAt(), s.liveAt(), s.playbackUrl()))
                .toList());
    }

    public Views.Timeline timeline(String rawSessionId) {
        Session s = require(rawSessionId);
        return new Views.Timeline(
                s.sessionId(),
                sessions.timeline(s.sessionId()).stream()
                        .map(h ->
                                new Views.Chapter(h.offsetMs(), h.sku(), h.title(), h.priceCents(), h.dealPriceCents()))
                        .toList());
    }

    public String calendar(String rawSessionId) {
        return CalendarIcs.of(require(rawSessionId), clock.instant());
    }

    /**
     * The show's sales stats (hosts only): live while it runs, the report after it; with each lineup product's
     * waitlist.
     */
    public ShowStats stats(String rawSessionId) {
        Session session = require(rawSessionId);
        ShowStats stats = sessions.stats().read(session.sessionId());
        if (waitlists == null) {
            return stats;
        }
        long now = clock.instant().getEpochSecond();
        return stats.withWaitlist(session.lineup().stream()
                .map(sku -> new ShowStats.WaitlistLength(sku, waitlists.waiting(sku, now)))
                .toList());
    }

    /** The session or 404; a malformed id is a 400. */
    public Session require(String rawSessionId) {
        String id = Validation.requireUuid("sessionId", rawSessionId);
        return sessions.find(id).orElseThrow(() -> ApiException.notFound("SESSION_NOT_FOUND", "No session " + id));
    }

    static String rtmps(String ingestEndpoint) {
        return "rtmps://" + ingestEndpoint + ":443/app/";
    }

    private static Instant startsAt(String value, Instant now) {
        String text = Validation.requireText("startsAt", value, 40);
        Instant at;
        try {
            at = OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw ApiException.validation(
                    "Field 'startsAt' must be an ISO-8601 date-time with offset, e.g. 2026-11-29T18:00:00Z");
        }
        if (at.isBefore(now.minus(PAST_TOLERANCE)) || at.isAfter(now.plus(FUTURE_LIMIT))) {
            throw ApiException.validation("Field 'startsAt' must be between an hour ago and a year from now");
        }
        return at;
    }

    /** 1-100 valid skus; a sku listed twice is rejected (the order of the lineup is the host's running order). */
    private static List<String> lineup(List<String> lineup) {
        Validation.requirePresent("lineup", lineup);
        if (lineup.isEmpty() || lineup.size() > MAX_LINEUP) {
            throw ApiException.validation("Field 'lineup' must list 1 to " + MAX_LINEUP + " skus");
        }
        Set<String> seen = new HashSet<>();
        for (String sku : lineup) {
            Validation.requireSku(sku);
            if (!seen.add(sku)) {
                throw ApiException.validation("Field 'lineup' lists sku " + sku + " more than once");
            }
        }
        return List.copyOf(lineup);
    }
}
