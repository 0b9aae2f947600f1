package dev.samlocal.ivs;

import dev.samlocal.core.LocalService;
import dev.samlocal.eventbridge.LocalEventBridge;
import dev.samlocal.protocol.AwsError;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Amazon IVS for the local stack: one channel store ({@link IvsChannels}) served by three parts, wired here.
 *
 * <ul>
 *   <li>{@link IvsControlPlane}: the AWS API the real {@code IvsClient} calls through {@code AWS_ENDPOINT_URL_IVS},
 *       with IVS's limits and errors;
 *   <li>{@link IvsBroadcasts}: {@code POST /_local/ivs/broadcast} playing OBS, IVS's EventBridge events on the default
 *       bus of {@link LocalEventBridge}, timed metadata on the live stream;
 *   <li>{@link IvsPlayers}: local players on {@code ws://…/_local/player?channelArn=…} receiving the metadata cues, and
 *       the simulated audience GetStream's {@code viewerCount} answers while set.
 * </ul>
 *
 * Stream keys are secrets: they appear only in CreateChannel and GetStreamKey answers, never in a log line.
 */
public final class LocalIvs implements LocalService {

    public static final String PATH = IvsControlPlane.PATH;
    public static final String BROADCAST_PATH = IvsBroadcasts.PATH;
    public static final String CHANNELS_PATH = IvsBroadcasts.CHANNELS_PATH;
    public static final String VIEWERS_PATH = IvsPlayers.VIEWERS_PATH;
    public static final int MAX_SIMULATED_VIEWERS = IvsPlayers.MAX_SIMULATED_VIEWERS;
    public static final String PLAYER_PATH = IvsPlayers.PATH;
    public static final int CLOSE_BAD_REQUEST = IvsPlayers.CLOSE_BAD_REQUEST;
    public static final int CLOSE_UNKNOWN_CHANNEL = IvsPlayers.CLOSE_UNKNOWN_CHANNEL;

    /** What OBS does to a channel. */
    public enum Action {
        START,
        STOP
    }

    /** A broadcast as the outside sees it: {@code endTime} null while live. */
    public record Stream(String channelArn, String streamId, Instant startTime, Instant endTime) {
        public boolean live() {
            return endTime == null;
        }

        /** The JSON of the local controls' answers. */
        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("channelArn", channelArn);
            out.put("streamId", streamId);
            out.put("state", live() ? "LIVE" : "OFFLINE");
            out.put("startTime", startTime.toString());
            if (!live()) {
                out.put("endTime", endTime.toString());
                out.put("durationMs", endTime.toEpochMilli() - startTime.toEpochMilli());
            }
            return out;
        }
    }

    /** A channel as the outside sees it (never its stream key); {@code stream} is the current or last broadcast. */
    public record Channel(
            String arn,
            String name,
            String latencyMode,
            String type,
            String recordingConfigurationArn,
            String ingestEndpoint,
            String playbackUrl,
            Optional<Stream> stream,
            int players) {
        public boolean live() {
            return stream.map(Stream::live).orElse(false);
        }

        /** The JSON of {@code GET /_local/ivs/channels}. */
        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("arn", arn);
            out.put("name", name);
            out.put("latencyMode", latencyMode);
            out.put("type", type);
            out.put("recordingConfigurationArn", recordingConfigurationArn);
            out.put("playbackUrl", playbackUrl);
            out.put("state", live() ? "LIVE" : "OFFLINE");
            stream.ifPresent(s -> out.put("stream", s.json()));
            out.put("players", players);
            return out;
        }
    }

    /** A metadata cue delivered to the players of a channel. */
    public record Cue(String channelArn, String streamId, String text, long streamTimeMs) {}

    private final String baseUrl;
    private final IvsChannels channels;
    private final IvsControlPlane controlPlane;
    private final IvsBroadcasts broadcasts;
    private final IvsPlayers players;

    /**
     * @param recordingBuckets recording configuration ARN → S3 bucket (from the template); channels may only name
     *     these, as IVS only accepts recording configurations that exist
     */
    public LocalIvs(String baseUrl, LocalEventBridge eventBridge, Map<String, String> recordingBuckets, Clock clock) {
        this(baseUrl, eventBridge, recordingBuckets, clock, System::nanoTime);
    }

    LocalIvs(
            String baseUrl,
            LocalEventBridge eventBridge,
            Map<String, String> recordingBuckets,
            Clock clock,
            LongSupplier nanoTime) {
        this.baseUrl = baseUrl;
        this.channels = new IvsChannels(recordingBuckets);
        this.broadcasts = new IvsBroadcasts(channels, eventBridge, clock);
        this.controlPlane = new IvsControlPlane(channels, broadcasts, nanoTime);
        this.players = new IvsPlayers(channels);
    }

    public String endpoint() {
        return baseUrl + PATH;
    }

    @Override
    public Map<String, String> functionSettings() {
        return Map.of("AWS_ENDPOINT_URL_IVS", endpoint());
    }

    @Override
    public void register(RoutesConfig routes) {
        controlPlane.register(routes);
        broadcasts.register(routes);
        players.register(routes);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(
                "POST " + PATH + "/{Operation}",
                "IVS control plane (AWS_ENDPOINT_URL_IVS): CreateChannel, GetChannel, GetStream, "
                        + "StopStream, PutMetadata (≤ 1 KB, 5 requests/s per channel, channel live), "
                        + "ListStreamKeys, GetStreamKey, DeleteChannel; "
                        + "POST " + PATH + "/tags/{streamKeyArn} (TagResource of a stream key)");
        d.put(
                "POST " + BROADCAST_PATH,
                "{\"channelArn\", \"action\": \"start\"|\"stop\"} plays OBS: the stream goes live with a new "
                        + "stream_id / ends, "
                        + "and IVS's EventBridge events (Stream and Recording State Change) go to the default bus");
        d.put(
                "POST " + VIEWERS_PATH,
                "{\"channelArn\", \"count\": 0.." + MAX_SIMULATED_VIEWERS + "|null} a simulated audience: "
                        + "while set, GetStream's viewerCount is count instead of the connected players "
                        + "(across broadcasts); null clears it");
        d.put("GET " + CHANNELS_PATH, "the local IVS channels and their current or last stream (no stream keys)");
        d.put(
                "WS " + PLAYER_PATH + "?channelArn=",
                "a local player: receives {\"type\":\"TEXT_METADATA_CUE\",\"text\",\"streamTimeMs\"} "
                        + "for every PutMetadata on the live channel");
        return d;
    }

    // ---- Java API (tests, end-to-end tests, benchmarks) ----

    /**
     * Starts or stops a broadcast on a channel, exactly as {@code POST /_local/ivs/broadcast} does; a refusal (unknown
     * channel, already live, not live) is an {@link AwsError} with the control's status and code.
     */
    public Stream broadcast(String channelArn, Action action) {
        return broadcasts.broadcast(channelArn, action);
    }

    /**
     * Sets a channel's simulated audience (GetStream's viewerCount while set) or, with {@code count} null, clears it so
     * the connected players count again, exactly as {@code POST /_local/ivs/viewers} does. Returns the viewer count
     * GetStream now answers.
     */
    public int simulateViewers(String channelArn, Integer count) {
        return players.simulateViewers(channelArn, count);
    }

    public Optional<Channel> channel(String arn) {
        return Optional.ofNullable(channels.get(arn)).map(IvsChannel::view);
    }

    /** Every channel, by ARN. */
    public List<Channel> channels() {
        return channels.all().stream().map(IvsChannel::view).toList();
    }

    /** Players connected to a channel now. */
    public int players(String channelArn) {
        return players.players(channelArn);
    }

    /** The last (up to 1,000) cues sent to a channel's players, oldest first. */
    public List<Cue> cues(String channelArn) {
        return players.cues(channelArn);
    }

    /** Control-plane requests since the start, by operation (PutMetadata, GetStream, CreateChannel, …). */
    public Map<String, Long> requestsByOperation() {
        return controlPlane.requestsByOperation();
    }
}
