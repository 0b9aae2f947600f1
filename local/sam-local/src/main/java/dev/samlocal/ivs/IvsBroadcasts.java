package dev.samlocal.ivs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.eventbridge.LocalEventBridge;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.protocol.AwsError;
import dev.samlocal.protocol.LocalJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated broadcasts: {@code POST /_local/ivs/broadcast} plays OBS, a stream starts or ends and IVS's EventBridge
 * events ({@link IvsEvents}) go to the default bus of {@link LocalEventBridge}, so the template's rules route them;
 * timed metadata rides the live broadcast to the channel's players; {@code GET /_local/ivs/channels} lists the channels
 * with their current or last stream.
 */
final class IvsBroadcasts {

    static final String PATH = "/_local/ivs/broadcast";
    static final String CHANNELS_PATH = "/_local/ivs/channels";

    private static final Logger LOG = LoggerFactory.getLogger(IvsBroadcasts.class);

    private final IvsChannels channels;
    private final LocalEventBridge eventBridge;
    private final Clock clock;

    IvsBroadcasts(IvsChannels channels, LocalEventBridge eventBridge, Clock clock) {
        this.channels = channels;
        this.eventBridge = eventBridge;
        this.clock = clock;
    }

    void register(RoutesConfig routes) {
        routes.post(PATH, this::handleBroadcast);
        routes.get(
                CHANNELS_PATH,
                ctx -> LocalJson.write(
                        ctx,
                        200,
                        channels.all().stream().map(c -> c.view().json()).toList()));
    }

    /**
     * Starts or stops a broadcast, exactly as {@code POST /_local/ivs/broadcast} does; refusals are {@link AwsError}s.
     */
    LocalIvs.Stream broadcast(String channelArn, LocalIvs.Action action) {
        IvsChannel channel = channels.forControl(channelArn);
        synchronized (channel) {
            if (channel.deleted()) {
                throw IvsChannels.notFoundForControl(channelArn);
            }
            if (action == LocalIvs.Action.START) {
                if (channel.live()) {
                    throw new AwsError(
                            409,
                            "ALREADY_LIVE",
                            "Channel " + channelArn + " is already live (stream "
                                    + channel.broadcast().streamId() + "); stop it first");
                }
                return start(channel).view(channel.arn);
            }
            if (!channel.live()) {
                throw new AwsError(409, "NOT_BROADCASTING", "Channel " + channelArn + " is not live");
            }
            return end(channel).view(channel.arn);
        }
    }

    /** The live broadcast of a channel, for the control plane: ChannelNotBroadcasting when it is offline. */
    IvsChannel.Broadcast live(IvsChannel channel) {
        synchronized (channel) {
            if (!channel.live()) {
                throw notBroadcasting();
            }
            return channel.broadcast();
        }
    }

    /** StopStream: ends the live broadcast as the encoder going away would. */
    void stop(IvsChannel channel) {
        synchronized (channel) {
            if (!channel.live()) {
                throw notBroadcasting();
            }
            end(channel);
        }
    }

    /** Timed metadata: sent to the channel's players at its position in the live stream. */
    void cue(IvsChannel channel, String text) {
        synchronized (channel) {
            if (!channel.live()) {
                throw notBroadcasting();
            }
            channel.cue(text, clock.instant());
        }
    }

    private static AwsError notBroadcasting() {
        return new AwsError(404, "ChannelNotBroadcasting", "The stream is offline for the given channel ARN.");
    }

    // ---- broadcasts and their events (callers hold the channel's lock) ----

    private IvsChannel.Broadcast start(IvsChannel channel) {
        Instant now = clock.instant();
        String streamId = "st-" + channels.randomId(23);
        String recordingSessionId = channel.recordingConfigurationArn.isEmpty() ? null : channels.randomId(12);
        String prefix =
                recordingSessionId == null ? null : IvsEvents.recordingKeyPrefix(channel.id, now, recordingSessionId);
        IvsChannel.Broadcast broadcast =
                channel.start(new IvsChannel.Broadcast(streamId, now, null, recordingSessionId, prefix));
        LOG.info("IVS broadcast {} started on {}", streamId, channel.arn);
        emit(IvsEvents.streamStateChange(channel.arn, channel.name, streamId, IvsEvents.SESSION_CREATED, now));
        emit(IvsEvents.streamStateChange(channel.arn, channel.name, streamId, IvsEvents.STREAM_START, now));
        if (recordingSessionId != null) {
            emit(IvsEvents.recordingStateChange(
                    channel.arn,
                    channel.name,
                    streamId,
                    IvsEvents.RECORDING_START,
                    channels.recordingBucket(channel.recordingConfigurationArn),
                    prefix,
                    0,
                    recordingSessionId,
                    now));
        }
        return broadcast;
    }

    private IvsChannel.Broadcast end(IvsChannel channel) {
        Instant now = clock.instant();
        IvsChannel.Broadcast broadcast = channel.end(now);
        LOG.info("IVS broadcast {} ended on {}", broadcast.streamId(), channel.arn);
        // The encoder is gone first (Session Ended), then the last segments are processed (Stream End), as IVS
        // documents.
        emit(IvsEvents.streamStateChange(
                channel.arn, channel.name, broadcast.streamId(), IvsEvents.SESSION_ENDED, now));
        emit(IvsEvents.streamStateChange(channel.arn, channel.name, broadcast.streamId(), IvsEvents.STREAM_END, now));
        if (broadcast.recordingSessionId() != null) {
            long durationMs = now.toEpochMilli() - broadcast.startTime().toEpochMilli();
            emit(IvsEvents.recordingStateChange(
                    channel.arn,
                    channel.name,
                    broadcast.streamId(),
                    IvsEvents.RECORDING_END,
                    channels.recordingBucket(channel.recordingConfigurationArn),
                    broadcast.recordingKeyPrefix(),
                    durationMs,
                    broadcast.recordingSessionId(),
                    now));
        }
        return broadcast;
    }

    private void emit(ObjectNode event) {
        eventBridge.putEvent(TemplateFunctions.DEFAULT_BUS, event);
    }

    private void handleBroadcast(Context ctx) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            LocalJson.error(
                    ctx,
                    400,
                    "INVALID_JSON",
                    "Body must be a JSON object {\"channelArn\": …, \"action\": \"start\"|\"stop\"}");
            return;
        }
        JsonNode arn = body.get("channelArn");
        if (arn == null || !arn.isTextual() || arn.asText().isBlank()) {
            LocalJson.error(ctx, 400, "VALIDATION_FAILED", "channelArn is required (a string)");
            return;
        }
        JsonNode action = body.get("action");
        if (action == null || !action.isTextual() || !Set.of("start", "stop").contains(action.asText())) {
            LocalJson.error(ctx, 400, "VALIDATION_FAILED", "action must be \"start\" or \"stop\"");
            return;
        }
        try {
            LocalIvs.Stream stream = broadcast(
                    arn.asText(), LocalIvs.Action.valueOf(action.asText().toUpperCase(Locale.ROOT)));
            LocalJson.write(ctx, 200, stream.json());
        } catch (AwsError e) {
            LocalJson.error(ctx, e.status(), e.code(), e.getMessage());
        }
    }
}
