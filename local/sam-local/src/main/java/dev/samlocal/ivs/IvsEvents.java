package dev.samlocal.ivs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.core.LocalAws;
import dev.samlocal.lambda.TemplateFunctions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The EventBridge events IVS sends for a channel, shaped as the IVS user guide documents them ("Using Amazon
 * EventBridge with IVS Low-Latency Streaming"): source {@code aws.ivs}, the channel ARN in {@code resources},
 * snake_case fields in {@code detail}.
 */
public final class IvsEvents {

    static final String SOURCE = "aws.ivs";
    public static final String STREAM_STATE_CHANGE = "IVS Stream State Change";
    public static final String RECORDING_STATE_CHANGE = "IVS Recording State Change";

    static final String SESSION_CREATED = "Session Created";
    static final String STREAM_START = "Stream Start";
    static final String STREAM_END = "Stream End";
    static final String SESSION_ENDED = "Session Ended";
    static final String RECORDING_START = "Recording Start";
    static final String RECORDING_END = "Recording End";

    private IvsEvents() {}

    /** {@code IVS Stream State Change} with {@code event_name}, {@code channel_name}, {@code stream_id}. */
    public static ObjectNode streamStateChange(
            String channelArn, String channelName, String streamId, String eventName, Instant time) {
        ObjectNode event = envelope(STREAM_STATE_CHANGE, channelArn, time);
        ObjectNode detail = event.putObject("detail");
        detail.put("event_name", eventName);
        detail.put("channel_name", channelName);
        detail.put("stream_id", streamId);
        return event;
    }

    /**
     * {@code IVS Recording State Change}. Recording End also lists the streams of the recording session
     * ({@code recording_session_stream_ids}), as in the documented example.
     */
    static ObjectNode recordingStateChange(
            String channelArn,
            String channelName,
            String streamId,
            String status,
            String bucket,
            String keyPrefix,
            long durationMs,
            String recordingSessionId,
            Instant time) {
        ObjectNode event = envelope(RECORDING_STATE_CHANGE, channelArn, time);
        ObjectNode detail = event.putObject("detail");
        detail.put("channel_name", channelName);
        detail.put("stream_id", streamId);
        detail.put("recording_status", status);
        detail.put("recording_status_reason", "");
        detail.put("recording_s3_bucket_name", bucket);
        detail.put("recording_s3_key_prefix", keyPrefix);
        detail.put("recording_duration_ms", durationMs);
        detail.put("recording_session_id", recordingSessionId);
        if (RECORDING_END.equals(status)) {
            detail.putArray("recording_session_stream_ids").add(streamId);
        }
        return event;
    }

    /**
     * Where IVS writes a recording: {@code ivs/v1/<account>/<channelId>/<yyyy>/<M>/<d>/<H>/<m>/<recordingSessionId>}
     * (UTC, no padding).
     */
    static String recordingKeyPrefix(String channelId, Instant start, String recordingSessionId) {
        ZonedDateTime t = start.atZone(ZoneOffset.UTC);
        return "ivs/v1/" + TemplateFunctions.ACCOUNT_ID + "/" + channelId + "/" + t.getYear() + "/" + t.getMonthValue()
                + "/" + t.getDayOfMonth() + "/" + t.getHour() + "/" + t.getMinute() + "/" + recordingSessionId;
    }

    private static ObjectNode envelope(String detailType, String channelArn, Instant time) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", detailType);
        event.put("source", SOURCE);
        event.put("account", TemplateFunctions.ACCOUNT_ID);
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", LocalAws.REGION);
        event.putArray("resources").add(channelArn);
        return event;
    }
}
