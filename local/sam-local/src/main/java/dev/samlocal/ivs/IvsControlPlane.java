package dev.samlocal.ivs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.core.UsageCounter;
import dev.samlocal.protocol.AwsError;
import dev.samlocal.protocol.JsonRequest;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IVS control plane the real {@code IvsClient} reaches through {@code AWS_ENDPOINT_URL_IVS} (REST-JSON, {@code POST
 * <endpoint>/CreateChannel} …, errors in {@code x-amzn-ErrorType} with IVS's status codes), with IVS's documented
 * limits: metadata ≤ 1 KB, 5 PutMetadata requests per second per channel, the channel must be live. Stream keys are
 * secrets: they appear only in CreateChannel and GetStreamKey answers, never in a log line.
 */
final class IvsControlPlane {

    /**
     * Where the SDK's endpoint override points (AWS_ENDPOINT_URL_IVS = base URL + this); the SDK appends /Operation.
     */
    static final String PATH = "/_local/aws/ivs";

    static final int MAX_METADATA_BYTES = 1024;
    static final int METADATA_REQUESTS_PER_SECOND = 5;

    private static final Logger LOG = LoggerFactory.getLogger(IvsControlPlane.class);
    private static final Pattern CHANNEL_ARN = Pattern.compile("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:channel/[a-zA-Z0-9-]+$");
    private static final Pattern STREAM_KEY_ARN =
            Pattern.compile("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stream-key/[a-zA-Z0-9-]+$");
    private static final Pattern RECORDING_CONFIGURATION_ARN =
            Pattern.compile("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:recording-configuration/[a-zA-Z0-9-]+$");
    private static final Pattern CHANNEL_NAME = Pattern.compile("^[a-zA-Z0-9-_]*$");
    private static final Set<String> LATENCY_MODES = Set.of("NORMAL", "LOW");
    private static final Set<String> CHANNEL_TYPES = Set.of("BASIC", "STANDARD", "ADVANCED_SD", "ADVANCED_HD");
    private static final Set<String> CONTAINER_FORMATS = Set.of("TS", "FRAGMENTED_MP4");
    private static final int MAX_ARN_LENGTH = 128;
    private static final int MAX_TAGS = 50;
    /** IVS's error structures name their message member {@code exceptionMessage}; the SDK reads {@code message}. */
    private static final String IVS_MESSAGE_MEMBER = "exceptionMessage";

    private final IvsChannels channels;
    private final IvsBroadcasts broadcasts;
    private final LongSupplier nanoTime;
    private final UsageCounter requests = new UsageCounter();

    IvsControlPlane(IvsChannels channels, IvsBroadcasts broadcasts, LongSupplier nanoTime) {
        this.channels = channels;
        this.broadcasts = broadcasts;
        this.nanoTime = nanoTime;
    }

    void register(RoutesConfig routes) {
        routes.post(PATH + "/{operation}", this::handleApi);
        routes.post(PATH + "/tags/<resourceArn>", this::handleTagResource);
    }

    /** Requests since the start, by operation (PutMetadata, GetStream, CreateChannel, …). */
    Map<String, Long> requestsByOperation() {
        return requests.snapshot();
    }

    private void handleApi(Context ctx) {
        String operation = ctx.pathParam("operation");
        requests.increment(operation);
        ctx.header("x-amzn-RequestId", UUID.randomUUID().toString());
        try {
            JsonRequest request = JsonRequest.parse(ctx.body());
            ObjectNode response = switch (operation) {
                case "CreateChannel" -> createChannel(request);
                case "GetChannel" -> wrap("channel", channelOf(request, "arn").channelJson());
                case "GetStream" -> getStream(request);
                case "StopStream" -> stopStream(request);
                case "PutMetadata" -> putMetadata(request);
                case "ListStreamKeys" -> listStreamKeys(request);
                case "GetStreamKey" -> getStreamKey(request);
                case "DeleteChannel" -> deleteChannel(request);
                default ->
                    throw new AwsError(
                            404, "UnknownOperationException", "The local IVS does not implement " + operation);
            };
            if (response == null) {
                ctx.status(operation.equals("StopStream") ? 200 : 204);
            } else {
                ctx.status(200).contentType("application/json").result(Json.write(response));
            }
        } catch (AwsError e) {
            e.writeRestJson(ctx, IVS_MESSAGE_MEMBER);
        }
    }

    /**
     * TagResource ({@code POST /tags/{resourceArn}}, the ARN URL-encoded) for stream keys: CreateChannel's tags are the
     * channel's, and the sessions module tags the channel's stream key with it right after. Channel tags are fixed at
     * creation here.
     */
    private void handleTagResource(Context ctx) {
        requests.increment("TagResource");
        ctx.header("x-amzn-RequestId", UUID.randomUUID().toString());
        try {
            String keyArn = URLDecoder.decode(ctx.pathParam("resourceArn"), StandardCharsets.UTF_8);
            Map<String, String> tags = tags(JsonRequest.parse(ctx.body()));
            if (tags.isEmpty()) {
                throw AwsError.validation(
                        "Value at 'tags' failed to satisfy constraint: Member must have at least 1 entry");
            }
            IvsChannel channel = channels.byStreamKey(keyArn);
            if (channel == null) {
                throw notFound("Resource " + keyArn + " does not exist (the local IVS tags stream keys)");
            }
            channel.streamKeyTags.putAll(tags);
            ctx.status(200).contentType("application/json").result("{}");
        } catch (AwsError e) {
            e.writeRestJson(ctx, IVS_MESSAGE_MEMBER);
        }
    }

    private ObjectNode createChannel(JsonRequest request) {
        String name = request.optionalText("name", "");
        if (name.length() > 128 || !CHANNEL_NAME.matcher(name).matches()) {
            throw AwsError.validation(
                    "Value at 'name' failed to satisfy constraint: Member must satisfy regular expression "
                            + "pattern: ^[a-zA-Z0-9-_]*$ and have length less than or equal to 128");
        }
        String latencyMode = request.oneOf("latencyMode", LATENCY_MODES, "LOW");
        String type = request.oneOf("type", CHANNEL_TYPES, "STANDARD");
        String containerFormat = request.oneOf("containerFormat", CONTAINER_FORMATS, "TS");
        boolean authorized = request.optionalBoolean("authorized");
        boolean insecureIngest = request.optionalBoolean("insecureIngest");
        String recordingConfigurationArn = request.optionalText("recordingConfigurationArn", "");
        if (!recordingConfigurationArn.isEmpty()) {
            if (!RECORDING_CONFIGURATION_ARN.matcher(recordingConfigurationArn).matches()) {
                throw AwsError.validation(
                        "Value at 'recordingConfigurationArn' failed to satisfy constraint: Member must satisfy "
                                + "regular expression pattern: " + RECORDING_CONFIGURATION_ARN.pattern());
            }
            if (channels.recordingBucket(recordingConfigurationArn) == null) {
                throw notFound("Recording configuration " + recordingConfigurationArn + " does not exist "
                        + "(the local IVS knows the template's: "
                        + String.join(", ", channels.recordingConfigurations()) + ")");
            }
        }
        Map<String, String> tags = tags(request);
        IvsChannel channel = channels.create(
                name,
                latencyMode,
                type,
                containerFormat,
                authorized,
                insecureIngest,
                recordingConfigurationArn,
                tags,
                new TokenBucket(METADATA_REQUESTS_PER_SECOND, nanoTime));
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.set("channel", channel.channelJson());
        response.set("streamKey", channel.streamKeyJson(true));
        return response;
    }

    private ObjectNode getStream(JsonRequest request) {
        IvsChannel channel = channelOf(request, "channelArn");
        IvsChannel.Broadcast broadcast = broadcasts.live(channel);
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

    private ObjectNode stopStream(JsonRequest request) {
        broadcasts.stop(channelOf(request, "channelArn"));
        return null;
    }

    private ObjectNode putMetadata(JsonRequest request) {
        String channelArn = request.matching("channelArn", CHANNEL_ARN, MAX_ARN_LENGTH);
        JsonNode metadata = request.get("metadata");
        if (metadata == null || !metadata.isTextual() || metadata.asText().isEmpty()) {
            throw AwsError.validation(
                    "Value at 'metadata' failed to satisfy constraint: Member must not be null and must have "
                            + "length greater than or equal to 1");
        }
        String text = metadata.asText();
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_METADATA_BYTES) {
            throw AwsError.validation("Metadata is " + bytes + " bytes; the maximum is " + MAX_METADATA_BYTES
                    + " bytes (1 KB) per request");
        }
        IvsChannel channel = existing(channelArn);
        // The rate limit applies to every request on the channel, before anything else is looked at.
        if (!channel.metadataRate.tryAcquire()) {
            throw new AwsError(
                    429,
                    "ThrottlingException",
                    "Request rate exceeded: at most " + METADATA_REQUESTS_PER_SECOND
                            + " PutMetadata requests per second per channel");
        }
        broadcasts.cue(channel, text);
        return null;
    }

    private ObjectNode listStreamKeys(JsonRequest request) {
        IvsChannel channel = channelOf(request, "channelArn");
        JsonNode maxResults = request.get("maxResults");
        if (maxResults != null
                && !maxResults.isNull()
                && (!maxResults.isInt() || maxResults.asInt() < 1 || maxResults.asInt() > 50)) {
            throw AwsError.validation(
                    "Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50");
        }
        if (!request.optionalText("nextToken", "").isEmpty()) {
            // A channel has one stream key here, so no answer ever hands out a token.
            throw AwsError.validation("The nextToken is not valid");
        }
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.putArray("streamKeys").add(channel.streamKeyJson(false));
        return response;
    }

    private ObjectNode getStreamKey(JsonRequest request) {
        String keyArn = request.text("arn");
        if (keyArn.length() > MAX_ARN_LENGTH || !STREAM_KEY_ARN.matcher(keyArn).matches()) {
            throw AwsError.validation(
                    "Value at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                            + STREAM_KEY_ARN.pattern());
        }
        IvsChannel channel = channels.byStreamKey(keyArn);
        if (channel == null) {
            throw notFound("Stream key " + keyArn + " does not exist");
        }
        return wrap("streamKey", channel.streamKeyJson(true));
    }

    private ObjectNode deleteChannel(JsonRequest request) {
        IvsChannel channel = channelOf(request, "arn");
        synchronized (channel) {
            if (channel.live()) {
                throw new AwsError(
                        409,
                        "ConflictException",
                        "Channel " + channel.arn + " is live: call StopStream and wait for "
                                + "the Stream End event before deleting it");
            }
            channel.delete();
            channels.remove(channel);
        }
        LOG.info("IVS channel {} deleted", channel.arn);
        return null;
    }

    /** The channel a request's ARN member names: its pattern checked, ResourceNotFoundException when there is none. */
    private IvsChannel channelOf(JsonRequest request, String member) {
        return existing(request.matching(member, CHANNEL_ARN, MAX_ARN_LENGTH));
    }

    private IvsChannel existing(String arn) {
        IvsChannel channel = channels.get(arn);
        if (channel == null) {
            throw notFound("Channel " + arn + " does not exist");
        }
        return channel;
    }

    private static AwsError notFound(String message) {
        return new AwsError(404, "ResourceNotFoundException", message);
    }

    private static Map<String, String> tags(JsonRequest request) {
        JsonNode tags = request.get("tags");
        Map<String, String> out = new LinkedHashMap<>();
        if (tags == null || tags.isNull()) {
            return out;
        }
        if (!tags.isObject() || tags.size() > MAX_TAGS) {
            throw AwsError.validation("Value at 'tags' must be a map of at most " + MAX_TAGS + " string entries");
        }
        tags.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()
                    || e.getKey().isEmpty()
                    || e.getKey().length() > 128
                    || e.getValue().asText().length() > 256) {
                throw AwsError.validation(
                        "Tag " + e.getKey() + " is not valid: keys 1-128 characters, string values up to 256");
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
}
