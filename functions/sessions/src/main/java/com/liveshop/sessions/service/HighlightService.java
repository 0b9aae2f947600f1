package com.liveshop.sessions.service;

import com.liveshop.sessions.ivs.LiveVideo;
import com.liveshop.sessions.repository.Session;
import com.liveshop.sessions.repository.SessionRepository;
import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.events.HighlightFeatured;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.metrics.ShowMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "This product now": validates, sends the highlight as IVS timed metadata (retrying IVS throttling a few times), then
 * puts the deal on the product, records the highlight on the timeline and makes it current. Nothing is written unless
 * IVS accepted the metadata.
 */
public class HighlightService {

    /** Waits between retries; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration);

        Pause SLEEP = d -> {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Attempts of PutMetadata on ThrottlingException, with 200 ms, 400 ms between (a token refills every 200 ms). */
    public static final int MAX_ATTEMPTS = 3;

    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_DEAL_LENGTH = Duration.ofHours(1);
    public static final Duration MAX_DEAL_LENGTH = Duration.ofHours(24);

    private static final Logger LOG = LoggerFactory.getLogger(HighlightService.class);

    private final SessionService sessions;
    private final SessionRepository repository;
    private final ProductRepository products;
    private final LiveVideo video;
    private final Clock clock;
    private final Pause pause;
    private final EventPublisher events;
    private final ShowMetrics metrics;

    public HighlightService(
            SessionService sessions,
            SessionRepository repository,
            ProductRepository products,
            LiveVideo video,
            Clock clock,
            Pause pause,
            EventPublisher events,
            ShowMetrics metrics) {
        this.metrics = metrics;
        this.events = events;
        this.sessions = sessions;
        this.repository = repository;
        this.products = products;
        this.video = video;
        this.clock = clock;
        this.pause = pause;
    }

    public Views.HighlightAccepted highlight(String rawSessionId, Requests.CreateHighlight request) {
        Session session = sessions.require(rawSessionId);
        String sku = Validation.requireSku(Validation.requirePresent("sku", request.sku()));
        Instant now = clock.instant();
        Long dealPrice = request.dealPriceCents() == null
                ? null
                : Validation.requireRange("dealPriceCents", request.dealPriceCents(), 1, Long.MAX_VALUE);
        if (dealPrice == null && request.dealEndsAt() != null) {
            throw ApiException.validation("Field 'dealEndsAt' needs 'dealPriceCents'");
        }
        Instant dealEnds = dealPrice == null ? null : dealEndsAt(request.dealEndsAt(), now);
        if (!session.lineup().contains(sku)) {
            throw ApiException.unprocessable("SKU_NOT_IN_LINEUP", "Sku " + sku + " is not in this session's lineup");
        }
        if (!session.live()) {
            throw notLive();
        }
        Product product = products.findProduct(sku)
                .orElseThrow(() -> ApiException.unprocessable("UNKNOWN_SKU", "No product with sku " + sku));
        if (dealPrice != null && dealPrice >= product.getPriceCents()) {
            throw ApiException.unprocessable(
                    "DEAL_NOT_BELOW_PRICE",
                    "Field 'dealPriceCents' must be below the list price " + product.getPriceCents());
        }
        String highlightId = UUID.randomUUID().toString();
        String metadata = HighlightMetadata.build(new HighlightMetadata.Content(
                session.sessionId(),
                highlightId,
                sku,
                product.getTitle(),
                product.getPriceCents(),
                product.getCurrency(),
                dealPrice,
                dealEnds == null ? null : dealEnds.toString(),
                product.getImageUrl()));

        putWithRetry(session.channelArn(), metadata);

        if (dealPrice != null && !products.setDeal(sku, dealPrice, dealEnds.toString())) {
            // The price changed under us since the check above; the cue is out, the hold price stays the list price.
            LOG.warn("Deal on {} not applied: the product's price is no longer above it", sku);
        }
        Instant at = clock.instant();
        long offsetMs =
                session.streamStartedAtMs() == null ? 0 : Math.max(0, at.toEpochMilli() - session.streamStartedAtMs());
        repository.recordHighlight(
                session.sessionId(),
                new Session.Highlight(
                        highlightId,
                        sku,
                        product.getTitle(),
                        product.getPriceCents(),
                        product.getCurrency(),
                        dealPrice,
                        dealEnds == null ? null : dealEnds.toString(),
                        offsetMs,
                        at.toString()));
        LOG.info(
                "Highlight {} of {} on session {} at offset {} ms ({} bytes)",
                highlightId,
                sku,
                session.sessionId(),
                offsetMs,
                HighlightMetadata.utf8Length(metadata));
        publishFeatured(session.sessionId(), highlightId, product, dealPrice, dealEnds, offsetMs, at);
        return new Views.HighlightAccepted(highlightId, offsetMs, metadata);
    }

    /**
     * HighlightFeatured on the bus, for chat's audience signal (clients without the IVS player). Best effort: the cue
     * is out and recorded, so a failed PutEvents is logged, not turned into an error for the host.
     */
    private void publishFeatured(
            String sessionId,
            String highlightId,
            Product product,
            Long dealPrice,
            Instant dealEnds,
            long offsetMs,
            Instant at) {
        HighlightFeatured featured = new HighlightFeatured(
                sessionId,
                highlightId,
                product.getSku(),
                product.getTitle(),
                product.getPriceCents(),
                product.getCurrency(),
                dealPrice,
                dealEnds,
                product.getImageUrl(),
                offsetMs,
                at);
        try {
            events.publish(featured);
        } catch (RuntimeException e) {
            LOG.warn("HighlightFeatured for {} on session {} not published: {}", highlightId, sessionId, e.toString());
        }
    }

    private void putWithRetry(String channelArn, String metadata) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                video.putMetadata(channelArn, metadata);
                return;
            } catch (LiveVideo.ThrottledException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    LOG.warn("PutMetadata still throttled after {} attempts on {}", attempt, channelArn);
                    metrics.highlightThrottled();
                    // IVS kept throttling after the bounded retries: the caller should try again shortly.
                    throw ApiException.tooManyRequests(
                            "THROTTLED",
                            "IVS accepts 5 metadata requests per second per channel; try again shortly",
                            1);
                }
                pause.pause(backoff);
                backoff = backoff.multipliedBy(2);
            } catch (LiveVideo.NotBroadcastingException e) {
                throw notLive();
            } catch (LiveVideo.ChannelNotFoundException e) {
                throw ApiException.conflict("CHANNEL_NOT_FOUND", "The session's IVS channel no longer exists");
            }
        }
    }

    private static Instant dealEndsAt(String value, Instant now) {
        if (value == null) {
            return now.plus(DEFAULT_DEAL_LENGTH).truncatedTo(ChronoUnit.SECONDS);
        }
        Instant ends;
        try {
            ends = OffsetDateTime.parse(Validation.requireText("dealEndsAt", value, 40))
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.validation("Field 'dealEndsAt' must be an ISO-8601 date-time with offset");
        }
        if (!ends.isAfter(now) || ends.isAfter(now.plus(MAX_DEAL_LENGTH))) {
            throw ApiException.validation("Field 'dealEndsAt' must be in the future and at most 24 hours ahead");
        }
        return ends;
    }

    private static ApiException notLive() {
        return ApiException.conflict("SESSION_NOT_LIVE", "The session is not broadcasting");
    }
}
