package com.liveshop.chat.service;

import com.liveshop.shared.events.BusEvent;
import com.liveshop.shared.events.HighlightFeatured;
import com.liveshop.shared.events.SessionEnded;
import com.liveshop.shared.events.SessionLive;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.Frames;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the sessions module's bus events into frames on the show's channel ({@code /shows/{sessionId}}):
 * {@link SessionLive} / {@link SessionEnded} → {@code status}, {@link HighlightFeatured} → {@code highlight} (for
 * clients without the IVS player; players get the same highlight as timed metadata). Other events, or ones without a
 * session id, are logged and ignored.
 */
public class AudienceSignals {

    private static final Logger LOG = LoggerFactory.getLogger(AudienceSignals.class);
    private static final Pattern UUID =
            Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    /** A frame for one show's channel. */
    record Signal(String sessionId, Object frame) {}

    private final ChannelPublisher publisher;

    public AudienceSignals(ChannelPublisher publisher) {
        this.publisher = publisher;
    }

    /** The frame for one event and the show it goes to, if it is one chat forwards. */
    static Optional<Signal> signal(BusEvent event) {
        if (event instanceof SessionLive live) {
            return Optional.of(new Signal(live.sessionId(), new Frames.Status(live.sessionId(), "LIVE")));
        }
        if (event instanceof SessionEnded ended) {
            return Optional.of(new Signal(ended.sessionId(), new Frames.Status(ended.sessionId(), "ENDED")));
        }
        if (event instanceof HighlightFeatured featured) {
            return Optional.of(new Signal(featured.sessionId(), new Frames.Highlight(featured)));
        }
        return Optional.empty();
    }

    /** Publishes the event's frame to its show's channel, if it has one. */
    public void handle(BusEvent event) {
        Optional<Signal> signal = signal(event);
        if (signal.isEmpty()) {
            LOG.info("Ignoring {} event", event.detailType());
            return;
        }
        String sessionId = signal.get().sessionId();
        if (sessionId == null || !UUID.matcher(sessionId).matches()) {
            LOG.warn("Ignoring {} event without a session id", event.detailType());
            return;
        }
        int published = publisher.publish(Channels.show(sessionId), signal.get().frame());
        LOG.info("{} on session {}: {} published", event.detailType(), sessionId, published);
    }
}
