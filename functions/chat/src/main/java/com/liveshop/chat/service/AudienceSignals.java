package com.liveshop.chat.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.Frames;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the sessions module's bus events into frames on the show's channel ({@code /shows/{sessionId}}): {@code SessionLive} /
 * {@code SessionEnded} → {@code status}, {@code HighlightFeatured} → {@code highlight} (for clients without the
 * IVS player; players get the same highlight as timed metadata). Events of other types, or without a session
 * id, are logged and ignored.
 */
public class AudienceSignals {

    public static final String SESSION_LIVE = "SessionLive";
    public static final String SESSION_ENDED = "SessionEnded";
    public static final String HIGHLIGHT_FEATURED = "HighlightFeatured";

    private static final Logger LOG = LoggerFactory.getLogger(AudienceSignals.class);
    private static final Pattern UUID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    private final ChannelPublisher publisher;

    public AudienceSignals(ChannelPublisher publisher) {
        this.publisher = publisher;
    }

    /** The frame for one event, if it is one chat forwards. */
    static Optional<String> frame(String detailType, JsonNode detail) {
        String sessionId = detail.path("sessionId").asText("");
        return switch (detailType == null ? "" : detailType) {
            case SESSION_LIVE -> Optional.of(Frames.json(new Frames.Status(sessionId, "LIVE")));
            case SESSION_ENDED -> Optional.of(Frames.json(new Frames.Status(sessionId, "ENDED")));
            case HIGHLIGHT_FEATURED -> {
                ObjectNode frame = Json.MAPPER.createObjectNode().put("type", "highlight");
                for (String field : new String[] {"sessionId", "highlightId", "sku", "title", "priceCents", "currency",
                        "dealPriceCents", "dealEndsAt", "imageUrl", "offsetMs", "at"}) {
                    if (detail.hasNonNull(field)) {
                        frame.set(field, detail.get(field));
                    }
                }
                yield Optional.of(Json.write(frame));
            }
            default -> Optional.empty();
        };
    }

    /** Publishes the event's frame to its show's channel; returns the frame, empty when ignored. */
    public Optional<String> handle(String detailType, JsonNode detail) {
        String sessionId = detail == null ? "" : detail.path("sessionId").asText("");
        if (!UUID.matcher(sessionId).matches()) {
            LOG.warn("Ignoring {} event without a session id", detailType);
            return Optional.empty();
        }
        Optional<String> frame = frame(detailType, detail);
        if (frame.isEmpty()) {
            LOG.info("Ignoring {} event", detailType);
            return Optional.empty();
        }
        int published = publisher.publish(Channels.show(sessionId), frame.get());
        LOG.info("{} on session {}: {} published", detailType, sessionId, published);
        return frame;
    }
}
