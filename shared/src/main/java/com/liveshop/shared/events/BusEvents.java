package com.liveshop.shared.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads our events back from what EventBridge delivers to a rule's target: one record per detail-type. */
public final class BusEvents {

    private static final Logger LOG = LoggerFactory.getLogger(BusEvents.class);

    /** Every detail-type we put on the bus, and the record its detail reads into. */
    static final Map<String, Class<? extends BusEvent>> TYPES = Map.of(
            SessionLive.DETAIL_TYPE, SessionLive.class,
            SessionEnded.DETAIL_TYPE, SessionEnded.class,
            HighlightFeatured.DETAIL_TYPE, HighlightFeatured.class,
            OrderPlaced.DETAIL_TYPE, OrderPlaced.class,
            OrderConfirmed.DETAIL_TYPE, OrderConfirmed.class,
            OrderCancelled.DETAIL_TYPE, OrderCancelled.class,
            RefundRequired.DETAIL_TYPE, RefundRequired.class);

    private BusEvents() {}

    /**
     * The event a delivered EventBridge event carries, when its source is ours and its detail-type one of ours. Empty
     * otherwise, and when the detail does not read as its record (logged: a retry would not change it).
     */
    public static Optional<BusEvent> read(Map<String, ?> delivered) {
        if (delivered == null || !BusEvent.SOURCE.equals(delivered.get("source"))) {
            return Optional.empty();
        }
        Object detailType = delivered.get("detail-type");
        Class<? extends BusEvent> type = TYPES.get(String.valueOf(detailType));
        if (type == null) {
            return Optional.empty();
        }
        JsonNode detail = Json.MAPPER.valueToTree(delivered.get("detail"));
        try {
            return Optional.of(Json.MAPPER.treeToValue(detail, type));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // The path names the field; the message could quote a value (an email), so it stays out of the log.
            String where = e instanceof JsonMappingException m ? m.getPathReference() : "detail";
            LOG.warn(
                    "Ignoring a {} event whose detail does not read ({} at {})",
                    detailType,
                    e.getClass().getSimpleName(),
                    where);
            return Optional.empty();
        }
    }

    /** {@link #read(Map)}, when the event is a {@code type}. */
    public static <T extends BusEvent> Optional<T> read(Map<String, ?> delivered, Class<T> type) {
        return read(delivered).filter(type::isInstance).map(type::cast);
    }
}
