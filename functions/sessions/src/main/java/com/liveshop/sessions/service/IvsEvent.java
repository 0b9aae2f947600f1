package com.liveshop.sessions.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The fields we use of an IVS EventBridge event, as AWS documents them: {@code detail-type} "IVS Stream State Change"
 * ({@code detail.event_name}, {@code stream_id}) or "IVS Recording State Change" ({@code recording_status},
 * {@code recording_s3_key_prefix}, {@code recording_duration_ms}); the channel ARN is {@code resources[0]} and
 * {@code time} is when it happened.
 */
public record IvsEvent(
        String detailType,
        String channelArn,
        Instant time,
        String eventName,
        String streamId,
        String recordingStatus,
        String recordingKeyPrefix,
        Long recordingDurationMs) {

    public static final String STREAM_STATE_CHANGE = "IVS Stream State Change";
    public static final String RECORDING_STATE_CHANGE = "IVS Recording State Change";

    /** Empty when the event lacks what we need (it is then logged and dropped: retrying cannot fix it). */
    public static Optional<IvsEvent> parse(JsonNode event) {
        if (event == null || !"aws.ivs".equals(event.path("source").asText())) {
            return Optional.empty();
        }
        String detailType = event.path("detail-type").asText(null);
        JsonNode resources = event.path("resources");
        String channelArn =
                resources.isArray() && resources.size() > 0 ? resources.get(0).asText(null) : null;
        Instant time;
        try {
            time = Instant.parse(event.path("time").asText(""));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        JsonNode detail = event.path("detail");
        if (detailType == null || channelArn == null || !detail.isObject()) {
            return Optional.empty();
        }
        JsonNode duration = detail.path("recording_duration_ms");
        return Optional.of(new IvsEvent(
                detailType,
                channelArn,
                time,
                text(detail, "event_name"),
                text(detail, "stream_id"),
                text(detail, "recording_status"),
                text(detail, "recording_s3_key_prefix"),
                duration.canConvertToLong() ? duration.asLong() : null));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }
}
