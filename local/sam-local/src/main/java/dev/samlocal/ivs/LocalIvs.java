package dev.samlocal.ivs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.core.LocalAws;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsHandlerType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.samlocal.core.LocalService;
import dev.samlocal.eventbridge.LocalEventBridge;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.protocol.LocalJson;

/**
 * Amazon IVS for the local stack, in three parts:
 * <ul>
 *   <li>the control plane the real {@code IvsClient} reaches through {@code AWS_ENDPOINT_URL_IVS} (REST-JSON,
 *       {@code POST <endpoint>/CreateChannel} …, errors in {@code x-amzn-ErrorType} with IVS's status codes),
 *       with IVS's documented limits: metadata ≤ 1 KB, 5 PutMetadata requests per second per channel, the
 *       channel must be live;</li>
 *   <li>{@code POST /_local/ivs/broadcast} playing OBS: a stream starts or ends and IVS's EventBridge events go
 *       to the default bus of {@link LocalEventBridge}, so the template's rules route them;</li>
 *   <li>local "players" on {@code ws://…/_local/player?channelArn=…}, which receive each accepted metadata as
 *       the IVS Web Player's {@code TEXT_METADATA_CUE} event; GetStream's {@code viewerCount} is how many are
 *       connected, unless {@code POST /_local/ivs/viewers} set a simulated audience (a rehearsal of a big show
 *       without thousands of sockets).</li>
 * </ul>
 * Stream keys are secrets: they appear only in CreateChannel and GetStreamKey answers, never in a log line.
 */
public final class LocalIvs implements LocalService {

    /** Where the SDK's endpoint override points (AWS_ENDPOINT_URL_IVS = base URL + this); the SDK appends /Operation. */
    public static final String PATH = "/_local/aws/ivs";
    public static final String BROADCAST_PATH = "/_local/ivs/broadcast";
    public static final String CHANNELS_PATH = "/_local/ivs/channels";
    public static final String VIEWERS_PATH = "/_local/ivs/viewers";
    /** The largest simulated audience {@code POST /_local/ivs/viewers} accepts. */
    public static final int MAX_SIMULATED_VIEWERS = 10_000_000;
    public static final String PLAYER_PATH = "/_local/player";
    public static final int MAX_METADATA_BYTES = 1024;
    public static final int METADATA_REQUESTS_PER_SECOND = 5;
    /** WebSocket close codes for a player that cannot be served (application range, 4xxx). */
    public static final int CLOSE_BAD_REQUEST = 4400;
    public static final int CLOSE_UNKNOWN_CHANNEL = 4404;

    /** What OBS does to a channel. */
    public enum Action { START, STOP }

    /** A broadcast as the outside sees it: {@code endTime} null while live. */
    public record Stream(String channelArn, String streamId, Instant startTime, Instant endTime) {
        public boolean live() {
            return endTime == null;
        }
    }

    /** A channel as the outside sees it (never its stream key); {@code stream} is the current or last broadcast. */
    public record Channel(String arn, String name, String latencyMode, String type, String recordingConfigurationArn,
                          String ingestEndpoint, String playbackUrl, Optional<Stream> stream, int players) {
        public boolean live() {
            return stream.map(Stream::live).orElse(false);
        }
    }

    /** A metadata cue delivered to the players of a channel. */
    public record Cue(String channelArn, String streamId, String text, long streamTimeMs) {}

    /** A local control refused (unknown channel, already live, not live): status and error code for the JSON answer. */
    public static final class Refused extends RuntimeException {
        private final int status;
        private final String code;

        Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    /** An IVS API error: HTTP status and the error type the SDK maps to its modeled exception. */
    static final class ApiError extends RuntimeException {
        final int status;
        final String type;

        ApiError(int status, String type, String message) {
            super(message);
            this.status = status;
            this.type = type;
        }

        static ApiError validation(String message) {
            return new ApiError(400, "ValidationException", message);
        }

        static ApiError notFound(String message) {
            return new ApiError(404, "ResourceNotFoundException", message);
        }

        static ApiError notBroadcasting() {
            return new ApiError(404, "ChannelNotBroadcasting", "The stream is offline for the given channel ARN.");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalIvs.class);
    private static final Pattern CHANNEL_ARN = Pattern.compile("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:channel/[a-zA-Z0-9-]+$");
    private static final Pattern STREAM_KEY_ARN = Pattern.compile("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stream-key/[a-zA-Z0-9-]+$");
    private static final Pattern RECORDING_CONFIGURATION_ARN =
            Pattern.compile("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:recording-configuration/[a-zA-Z0-9-]+$");
    private static final Pattern CHANNEL_NAME = Pattern.compile("^[a-zA-Z0-9-_]*$");
    private static final Set<String> LATENCY_MODES = Set.of("NORMAL", "LOW");
    private static final Set<String> CHANNEL_TYPES = Set.of("BASIC", "STANDARD", "ADVANCED_SD", "ADVANCED_HD");
    private static final Set<String> CONTAINER_FORMATS = Set.of("TS", "FRAGMENTED_MP4");
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_ARN_LENGTH = 128;
    private static final int MAX_TAGS = 50;
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final String baseUrl;
    private final LocalEventBridge eventBridge;
    private final Map<String, String> recordingBuckets;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, IvsChannel> channels = new ConcurrentHashMap<>();
    private final dev.samlocal.core.UsageCounter requests = new dev.samlocal.core.UsageCounter();
    private final Map<String, String> channelByStreamKey = new ConcurrentHashMap<>();

    /**
     * @param recordingBuckets recording configuration ARN → S3 bucket (from the template); channels may only
     *                         name these, as IVS only accepts recording configurations that exist
     */
    public LocalIvs(String baseUrl, LocalEventBridge eventBridge, Map<String, String> recordingBuckets, Clock clock) {
        this(baseUrl, eventBridge, recordingBuckets, clock, System::nanoTime);
    }

    LocalIvs(String baseUrl, LocalEventBridge eventBridge, Map<String, String> recordingBuckets, Clock clock, LongSupplier nanoTime) {
        this.baseUrl = baseUrl;
        this.eventBridge = eventBridge;
        this.recordingBuckets = Map.copyOf(recordingBuckets);
        this.clock = clock;
        this.nanoTime = nanoTime;
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
        routes.post(PATH + "/{operation}", this::handleApi);
        routes.post(PATH + "/tags/<resourceArn>", this::handleTagResource);
        routes.post(BROADCAST_PATH, this::handleBroadcast);
        routes.post(VIEWERS_PATH, this::handleViewers);
        routes.get(CHANNELS_PATH, ctx -> LocalJson.write(ctx, 200, channels().stream().map(LocalIvs::channelView).toList()));
        routes.addWsHandler(WsHandlerType.WEBSOCKET, PLAYER_PATH, ws -> {
            ws.onConnect(this::playerConnected);
            ws.onClose(this::playerGone);
            ws.onError(this::playerGone);
        });
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("POST " + PATH + "/{Operation}", "IVS control plane (AWS_ENDPOINT_URL_IVS): CreateChannel, GetChannel, GetStream, "
                + "StopStream, PutMetadata (≤ 1 KB, 5 requests/s per channel, channel live), ListStreamKeys, GetStreamKey, DeleteChannel; "
                + "POST " + PATH + "/tags/{streamKeyArn} (TagResource of a stream key)");
        d.put("POST " + BROADCAST_PATH, "{\"channelArn\", \"action\": \"start\"|\"stop\"} plays OBS: the stream goes live with a new "
                + "stream_id / ends, and IVS's EventBridge events (Stream and Recording State Change) go to the default bus");
        d.put("POST " + VIEWERS_PATH, "{\"channelArn\", \"count\": 0.." + MAX_SIMULATED_VIEWERS + "|null} a simulated audience: "
                + "while set, GetStream's viewerCount is count instead of the connected players (across broadcasts); null clears it");
        d.put("GET " + CHANNELS_PATH, "the local IVS channels and their current or last stream (no stream keys)");
        d.put("WS " + PLAYER_PATH + "?channelArn=", "a local player: receives {\"type\":\"TEXT_METADATA_CUE\",\"text\",\"streamTimeMs\"} "
                + "for every PutMetadata on the live channel");
        return d;
    }

    // ---- Java API (tests, end-to-end tests, benchmarks) ----

    /** Starts or stops a broadcast on a channel, exactly as {@code POST /_local/ivs/broadcast} does. */
    public Stream broadcast(String channelArn, Action action) {
        IvsChannel channel = channels.get(channelArn == null ? "" : channelArn);
        if (channel == null) {
            throw new Refused(404, "CHANNEL_NOT_FOUND", "No IVS channel " + channelArn);
        }
        synchronized (channel) {
            if (channel.deleted()) {
                throw new Refused(404, "CHANNEL_NOT_FOUND", "No IVS channel " + channelArn);
            }
            if (action == Action.START) {
                if (channel.live()) {
                    throw new Refused(409, "ALREADY_LIVE", "Channel " + channelArn + " is already live (stream "
                            + channel.broadcast().streamId() + "); stop it first");
                }
                return stream(channel.arn, start(channel));
            }
            if (!channel.live()) {
                throw new Refused(409, "NOT_BROADCASTING", "Channel " + channelArn + " is not live");
            }
            return stream(channel.arn, end(channel));
        }
    }

    /**
     * Sets a channel's simulated audience (GetStream's viewerCount while set) or, with {@code count} null, clears it so
     * the connected players count again, exactly as {@code POST /_local/ivs/viewers} does. Returns the viewer count
     * GetStream now answers.
     */
    public int simulateViewers(String channelArn, Integer count) {
        if (count != null && (count < 0 || count > MAX_SIMULATED_VIEWERS)) {
            throw new Refused(400, "VALIDATION_FAILED", "count must be an integer from 0 to " + MAX_SIMULATED_VIEWERS + ", or null");
        }
        IvsChannel channel = channels.get(channelArn == null ? "" : channelArn);
        if (channel == null) {
            throw new Refused(404, "CHANNEL_NOT_FOUND", "No IVS channel " + channelArn);
        }
        synchronized (channel) {
            if (channel.deleted()) {
                throw new Refused(404, "CHANNEL_NOT_FOUND", "No IVS channel " + channelArn);
            }
            int viewers = channel.audience(count);
            LOG.info("IVS channel {}: {}", channel.arn, count == null ? "simulated audience cleared" : "simulated audience of " + count);
            return viewers;
        }
    }

    public Optional<Channel> channel(String arn) {
        return Optional.ofNullable(arn == null ? null : channels.get(arn)).map(LocalIvs::view);
    }

    /** Every channel, by ARN. */
    public List<Channel> channels() {
        return channels.values().stream().sorted(Comparator.comparing(c -> c.arn)).map(LocalIvs::view).toList();
    }

    /** Players connected to a channel now. */
    public int players(String channelArn) {
        IvsChannel channel = channelArn == null ? null : channels.get(channelArn);
        return channel == null ? 0 : channel.players();
    }

    /** The last (up to 1,000) cues sent to a channel's players, oldest first. */
    public List<Cue> cues(String channelArn) {
        IvsChannel channel = channelArn == null ? null : channels.get(channelArn);
        return channel == null ? List.of() : channel.cues();
    }

    /** Control-plane requests since the start, by operation (PutMetadata, GetStream, CreateChannel, …). */
    public Map<String, Long> requestsByOperation() {
        return requests.snapshot();
    }

    // ---- control plane ----

    void handleApi(Context ctx) {
        String operation = ctx.pathParam("operation");
        requests.increment(operation);
        ctx.header("x-amzn-RequestId", UUID.randomUUID().toString());
        try {
            JsonNode request = parse(ctx.body());
            ObjectNode response = switch (operation) {
                case "CreateChannel" -> createChannel(request);
                case "GetChannel" -> wrap("channel", channelOf(arn(request, "arn")).channelJson());
                case "GetStream" -> getStream(request);
                case "StopStream" -> stopStream(request);
                case "PutMetadata" -> putMetadata(request);
                case "ListStreamKeys" -> listStreamKeys(request);
                case "GetStreamKey" -> getStreamKey(request);
                case "DeleteChannel" -> deleteChannel(request);
                default -> throw new ApiError(404, "UnknownOperationException",
                        "The local IVS does not implement " + operation);
            };
            if (response == null) {
                ctx.status(operation.equals("StopStream") ? 200 : 204);
            } else {
                ctx.status(200).contentType("application/json").result(Json.write(response));
            }
        } catch (ApiError e) {
            writeError(ctx, e);
        }
    }

    /**
     * TagResource ({@code POST /tags/{resourceArn}}, the ARN URL-encoded) for stream keys: CreateChannel's tags
     * are the channel's, and the sessions module tags the channel's stream key with it right after. Channel tags
     * are fixed at creation here.
     */
    void handleTagResource(Context ctx) {
        requests.increment("TagResource");
        ctx.header("x-amzn-RequestId", UUID.randomUUID().toString());
        try {
            String keyArn = java.net.URLDecoder.decode(ctx.pathParam("resourceArn"), java.nio.charset.StandardCharsets.UTF_8);
            Map<String, String> tags = tags(parse(ctx.body()));
            if (tags.isEmpty()) {
                throw ApiError.validation("Value at 'tags' failed to satisfy constraint: Member must have at least 1 entry");
            }
            String channelArn = channelByStreamKey.get(keyArn);
            IvsChannel channel = channelArn == null ? null : channels.get(channelArn);
            if (channel == null) {
                throw ApiError.notFound("Resource " + keyArn + " does not exist (the local IVS tags stream keys)");
            }
            channel.streamKeyTags.putAll(tags);
            ctx.status(200).contentType("application/json").result("{}");
        } catch (ApiError e) {
            writeError(ctx, e);
        }
    }

    /** An IVS error as the SDK reads it: the type in {@code x-amzn-ErrorType}, the message in the body. */
    private static void writeError(Context ctx, ApiError e) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("exceptionMessage", e.getMessage());
        body.put("message", e.getMessage());
        ctx.status(e.status).header("x-amzn-ErrorType", e.type).contentType("application/json").result(Json.write(body));
    }

    private ObjectNode createChannel(JsonNode request) {
        String name = optionalText(request, "name", "");
        if (name.length() > 128 || !CHANNEL_NAME.matcher(name).matches()) {
            throw ApiError.validation("Value at 'name' failed to satisfy constraint: Member must satisfy regular expression "
                    + "pattern: ^[a-zA-Z0-9-_]*$ and have length less than or equal to 128");
        }
        String latencyMode = oneOf(request, "latencyMode", LATENCY_MODES, "LOW");
        String type = oneOf(request, "type", CHANNEL_TYPES, "STANDARD");
        String containerFormat = oneOf(request, "containerFormat", CONTAINER_FORMATS, "TS");
        boolean authorized = optionalBoolean(request, "authorized");
        boolean insecureIngest = optionalBoolean(request, "insecureIngest");
        String recordingConfigurationArn = optionalText(request, "recordingConfigurationArn", "");
        if (!recordingConfigurationArn.isEmpty()) {
            if (!RECORDING_CONFIGURATION_ARN.matcher(recordingConfigurationArn).matches()) {
                throw ApiError.validation("Value at 'recordingConfigurationArn' failed to satisfy constraint: Member must satisfy "
                        + "regular expression pattern: " + RECORDING_CONFIGURATION_ARN.pattern());
            }
            if (!recordingBuckets.containsKey(recordingConfigurationArn)) {
                throw ApiError.notFound("Recording configuration " + recordingConfigurationArn + " does not exist "
                        + "(the local IVS knows the template's: " + String.join(", ", recordingBuckets.keySet()) + ")");
            }
        }
        Map<String, String> tags = tags(request);

        String id = randomId(12);
        String arn = "arn:aws:ivs:" + LocalAws.REGION + ":" + TemplateFunctions.ACCOUNT_ID + ":channel/" + id;
        String host = randomId(12).toLowerCase(Locale.ROOT);
        String streamKeyArn = "arn:aws:ivs:" + LocalAws.REGION + ":" + TemplateFunctions.ACCOUNT_ID + ":stream-key/" + randomId(12);
        IvsChannel channel = new IvsChannel(arn, id, name, latencyMode, type, containerFormat, authorized, insecureIngest,
                recordingConfigurationArn, tags, host + ".global-contribute.live-video.net",
                "https://" + host + "." + LocalAws.REGION + ".playback.live-video.net/api/video/v1/" + LocalAws.REGION + "."
                        + TemplateFunctions.ACCOUNT_ID + ".channel." + id + ".m3u8",
                streamKeyArn, "sk_" + LocalAws.REGION + "_" + randomId(36),
                new TokenBucket(METADATA_REQUESTS_PER_SECOND, nanoTime));
        channels.put(arn, channel);
        channelByStreamKey.put(streamKeyArn, arn);
        LOG.info("IVS channel {} created ({} latency{})", arn, latencyMode,
                recordingConfigurationArn.isEmpty() ? "" : ", recorded by " + recordingConfigurationArn);
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.set("channel", channel.channelJson());
        response.set("streamKey", channel.streamKeyJson(true));
        return response;
    }

    private ObjectNode getStream(JsonNode request) {
        IvsChannel channel = channelOf(arn(request, "channelArn"));
        IvsChannel.Broadcast broadcast;
        synchronized (channel) {
            if (!channel.live()) {
                throw ApiError.notBroadcasting();
            }
            broadcast = channel.broadcast();
        }
        ObjectNode stream = Json.MAPPER.createObjectNode();
        stream.put("channelArn", channel.arn);
        stream.put("streamId", broadcast.streamId());
        stream.put("playbackUrl", channel.playbackUrl);
        stream.put("startTime", broadcast.startTime().toString());
        stream.put("state", "LIVE");
        stream.put("health", "HEALTHY");
        stream.put("viewerCount", channel.viewerCount());
        return wrap("stream", stream);
    }

    private ObjectNode stopStream(JsonNode request) {
        IvsChannel channel = channelOf(arn(request, "channelArn"));
        synchronized (channel) {
            if (!channel.live()) {
                throw ApiError.notBroadcasting();
            }
            end(channel);
        }
        return null;
    }

    private ObjectNode putMetadata(JsonNode request) {
        String channelArn = arn(request, "channelArn");
        JsonNode metadata = request.get("metadata");
        if (metadata == null || !metadata.isTextual() || metadata.asText().isEmpty()) {
            throw ApiError.validation("Value at 'metadata' failed to satisfy constraint: Member must not be null and must have "
                    + "length greater than or equal to 1");
        }
        String text = metadata.asText();
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_METADATA_BYTES) {
            throw ApiError.validation("Metadata is " + bytes + " bytes; the maximum is " + MAX_METADATA_BYTES + " bytes (1 KB) per request");
        }
        IvsChannel channel = channelOf(channelArn);
        // The rate limit applies to every request on the channel, before anything else is looked at.
        if (!channel.metadataRate.tryAcquire()) {
            throw new ApiError(429, "ThrottlingException", "Request rate exceeded: at most " + METADATA_REQUESTS_PER_SECOND
                    + " PutMetadata requests per second per channel");
        }
        synchronized (channel) {
            if (!channel.live()) {
                throw ApiError.notBroadcasting();
            }
            channel.cue(text, clock.instant());
        }
        return null;
    }

    private ObjectNode listStreamKeys(JsonNode request) {
        IvsChannel channel = channelOf(arn(request, "channelArn"));
        JsonNode maxResults = request.get("maxResults");
        if (maxResults != null && !maxResults.isNull() && (!maxResults.isInt() || maxResults.asInt() < 1 || maxResults.asInt() > 50)) {
            throw ApiError.validation("Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50");
        }
        String nextToken = optionalText(request, "nextToken", "");
        if (!nextToken.isEmpty()) {
            // A channel has one stream key here, so no answer ever hands out a token.
            throw ApiError.validation("The nextToken is not valid");
        }
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.putArray("streamKeys").add(channel.streamKeyJson(false));
        return response;
    }

    private ObjectNode getStreamKey(JsonNode request) {
        String keyArn = text(request, "arn");
        if (keyArn.length() > MAX_ARN_LENGTH || !STREAM_KEY_ARN.matcher(keyArn).matches()) {
            throw ApiError.validation("Value at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + STREAM_KEY_ARN.pattern());
        }
        String channelArn = channelByStreamKey.get(keyArn);
        IvsChannel channel = channelArn == null ? null : channels.get(channelArn);
        if (channel == null) {
            throw ApiError.notFound("Stream key " + keyArn + " does not exist");
        }
        return wrap("streamKey", channel.streamKeyJson(true));
    }

    private ObjectNode deleteChannel(JsonNode request) {
        IvsChannel channel = channelOf(arn(request, "arn"));
        synchronized (channel) {
            if (channel.live()) {
                throw new ApiError(409, "ConflictException", "Channel " + channel.arn + " is live: call StopStream and wait for "
                        + "the Stream End event before deleting it");
            }
            channel.delete();
            channels.remove(channel.arn);
            channelByStreamKey.remove(channel.streamKeyArn);
        }
        LOG.info("IVS channel {} deleted", channel.arn);
        return null;
    }

    // ---- broadcasts and their events (callers hold the channel's lock) ----

    private IvsChannel.Broadcast start(IvsChannel channel) {
        Instant now = clock.instant();
        String streamId = "st-" + randomId(23);
        String recordingSessionId = channel.recordingConfigurationArn.isEmpty() ? null : randomId(12);
        String prefix = recordingSessionId == null ? null : IvsEvents.recordingKeyPrefix(channel.id, now, recordingSessionId);
        IvsChannel.Broadcast broadcast = channel.start(new IvsChannel.Broadcast(streamId, now, null, recordingSessionId, prefix));
        LOG.info("IVS broadcast {} started on {}", streamId, channel.arn);
        emit(IvsEvents.streamStateChange(channel.arn, channel.name, streamId, IvsEvents.SESSION_CREATED, now));
        emit(IvsEvents.streamStateChange(channel.arn, channel.name, streamId, IvsEvents.STREAM_START, now));
        if (recordingSessionId != null) {
            emit(IvsEvents.recordingStateChange(channel.arn, channel.name, streamId, IvsEvents.RECORDING_START,
                    recordingBuckets.get(channel.recordingConfigurationArn), prefix, 0, recordingSessionId, now));
        }
        return broadcast;
    }

    private IvsChannel.Broadcast end(IvsChannel channel) {
        Instant now = clock.instant();
        IvsChannel.Broadcast broadcast = channel.end(now);
        LOG.info("IVS broadcast {} ended on {}", broadcast.streamId(), channel.arn);
        // The encoder is gone first (Session Ended), then the last segments are processed (Stream End), as IVS documents.
        emit(IvsEvents.streamStateChange(channel.arn, channel.name, broadcast.streamId(), IvsEvents.SESSION_ENDED, now));
        emit(IvsEvents.streamStateChange(channel.arn, channel.name, broadcast.streamId(), IvsEvents.STREAM_END, now));
        if (broadcast.recordingSessionId() != null) {
            long durationMs = now.toEpochMilli() - broadcast.startTime().toEpochMilli();
            emit(IvsEvents.recordingStateChange(channel.arn, channel.name, broadcast.streamId(), IvsEvents.RECORDING_END,
                    recordingBuckets.get(channel.recordingConfigurationArn), broadcast.recordingKeyPrefix(), durationMs,
                    broadcast.recordingSessionId(), now));
        }
        return broadcast;
    }

    private void emit(ObjectNode event) {
        eventBridge.putEvent(TemplateFunctions.DEFAULT_BUS, event);
    }

    // ---- the local controls ----

    void handleBroadcast(Context ctx) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            LocalJson.error(ctx, 400, "INVALID_JSON", "Body must be a JSON object {\"channelArn\": …, \"action\": \"start\"|\"stop\"}");
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
            Stream stream = broadcast(arn.asText(), Action.valueOf(action.asText().toUpperCase(Locale.ROOT)));
            LocalJson.write(ctx, 200, streamView(stream));
        } catch (Refused e) {
            LocalJson.error(ctx, e.status(), e.code(), e.getMessage());
        }
    }

    void handleViewers(Context ctx) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            LocalJson.error(ctx, 400, "INVALID_JSON", "Body must be a JSON object {\"channelArn\": …, \"count\": 0.."
                    + MAX_SIMULATED_VIEWERS + " | null}");
            return;
        }
        JsonNode arn = body.get("channelArn");
        if (arn == null || !arn.isTextual() || arn.asText().isBlank()) {
            LocalJson.error(ctx, 400, "VALIDATION_FAILED", "channelArn is required (a string)");
            return;
        }
        JsonNode count = body.get("count");
        // An integer in range, or an explicit null to clear; 1.5, "12", true, a missing count or 1e12 are refused.
        boolean clear = count != null && count.isNull();
        if (!clear && (count == null || !count.isIntegralNumber() || !count.canConvertToInt()
                || count.intValue() < 0 || count.intValue() > MAX_SIMULATED_VIEWERS)) {
            LocalJson.error(ctx, 400, "VALIDATION_FAILED", "count is required: an integer from 0 to " + MAX_SIMULATED_VIEWERS
                    + ", or null to clear the simulated audience");
            return;
        }
        try {
            int viewers = simulateViewers(arn.asText(), clear ? null : count.intValue());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("channelArn", arn.asText());
            out.put("viewerCount", viewers);
            LocalJson.write(ctx, 200, out);
        } catch (Refused e) {
            LocalJson.error(ctx, e.status(), e.code(), e.getMessage());
        }
    }

    private void playerConnected(WsConnectContext ctx) {
        String arn = ctx.queryParam("channelArn");
        if (arn == null || arn.isBlank()) {
            IvsChannel.close(ctx, CLOSE_BAD_REQUEST, "The channelArn query parameter is required");
            return;
        }
        IvsChannel channel = channels.get(arn);
        if (channel == null) {
            IvsChannel.close(ctx, CLOSE_UNKNOWN_CHANNEL, "Unknown IVS channel: " + arn);
            return;
        }
        ctx.attribute("channelArn", arn);
        ctx.enableAutomaticPings(15, TimeUnit.SECONDS);
        channel.addPlayer(ctx);
    }

    private void playerGone(WsContext ctx) {
        String arn = ctx.attribute("channelArn");
        IvsChannel channel = arn == null ? null : channels.get(arn);
        if (channel != null) {
            channel.removePlayer(ctx);
        }
    }

    // ---- helpers ----

    private IvsChannel channelOf(String arn) {
        IvsChannel channel = channels.get(arn);
        if (channel == null) {
            throw ApiError.notFound("Channel " + arn + " does not exist");
        }
        return channel;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // answered below
        }
        throw ApiError.validation("The request body is not a JSON object");
    }

    /** A required channel ARN member, checked against IVS's pattern and length. */
    private static String arn(JsonNode request, String field) {
        String arn = text(request, field);
        if (arn.length() > MAX_ARN_LENGTH || !CHANNEL_ARN.matcher(arn).matches()) {
            throw ApiError.validation("Value at '" + field + "' failed to satisfy constraint: Member must satisfy regular "
                    + "expression pattern: " + CHANNEL_ARN.pattern() + " and have length less than or equal to " + MAX_ARN_LENGTH);
        }
        return arn;
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            throw ApiError.validation("Value null at '" + field + "' failed to satisfy constraint: Member must not be null");
        }
        if (!value.isTextual()) {
            throw ApiError.validation("Value at '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode request, String field, String fallback) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? fallback : text(request, field);
    }

    private static boolean optionalBoolean(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiError.validation("Value at '" + field + "' must be a boolean");
        }
        return value.asBoolean();
    }

    private static String oneOf(JsonNode request, String field, Set<String> allowed, String fallback) {
        String value = optionalText(request, field, fallback);
        if (!allowed.contains(value)) {
            throw ApiError.validation("Value '" + value + "' at '" + field + "' failed to satisfy constraint: Member must satisfy "
                    + "enum value set: " + allowed.stream().sorted().toList());
        }
        return value;
    }

    private static Map<String, String> tags(JsonNode request) {
        JsonNode tags = request.get("tags");
        Map<String, String> out = new LinkedHashMap<>();
        if (tags == null || tags.isNull()) {
            return out;
        }
        if (!tags.isObject() || tags.size() > MAX_TAGS) {
            throw ApiError.validation("Value at 'tags' must be a map of at most " + MAX_TAGS + " string entries");
        }
        tags.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual() || e.getKey().isEmpty() || e.getKey().length() > 128 || e.getValue().asText().length() > 256) {
                throw ApiError.validation("Tag " + e.getKey() + " is not valid: keys 1-128 characters, string values up to 256");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static ObjectNode wrap(String field, ObjectNode value) {
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.set(field, value);
        return response;
    }

    private String randomId(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return id.toString();
    }

    /** A WebSocket close reason fits in 123 UTF-8 bytes; longer ones are cut at a code point boundary. */
    static String closeReason(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > MAX_CLOSE_REASON_BYTES - 3) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return out.append("...").toString();
    }

    private static Stream stream(String channelArn, IvsChannel.Broadcast b) {
        return new Stream(channelArn, b.streamId(), b.startTime(), b.endTime());
    }

    private static Channel view(IvsChannel c) {
        IvsChannel.Broadcast b = c.broadcast();
        return new Channel(c.arn, c.name, c.latencyMode, c.type, c.recordingConfigurationArn, c.ingestEndpoint, c.playbackUrl,
                Optional.ofNullable(b).map(x -> stream(c.arn, x)), c.players());
    }

    private static Map<String, Object> streamView(Stream s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channelArn", s.channelArn());
        out.put("streamId", s.streamId());
        out.put("state", s.live() ? "LIVE" : "OFFLINE");
        out.put("startTime", s.startTime().toString());
        if (!s.live()) {
            out.put("endTime", s.endTime().toString());
            out.put("durationMs", s.endTime().toEpochMilli() - s.startTime().toEpochMilli());
        }
        return out;
    }

    private static Map<String, Object> channelView(Channel c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("arn", c.arn());
        out.put("name", c.name());
        out.put("latencyMode", c.latencyMode());
        out.put("type", c.type());
        out.put("recordingConfigurationArn", c.recordingConfigurationArn());
        out.put("playbackUrl", c.playbackUrl());
        out.put("state", c.live() ? "LIVE" : "OFFLINE");
        c.stream().ifPresent(s -> out.put("stream", streamView(s)));
        out.put("players", c.players());
        return out;
    }
}
