package dev.samlocal.ivs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import io.javalin.websocket.WsContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local IVS channel: its settings, its stream key (a secret: only {@link #streamKeyJson(boolean)} with {@code true}
 * shows the value), the live stream if any, the metadata rate limit and the connected players. State changes are made
 * while holding this object's lock.
 */
final class IvsChannel {

    /** A broadcast: live while {@code endTime} is null. */
    record Broadcast(
            String streamId, Instant startTime, Instant endTime, String recordingSessionId, String recordingKeyPrefix) {
        Broadcast ended(Instant at) {
            return new Broadcast(streamId, startTime, at, recordingSessionId, recordingKeyPrefix);
        }

        /** As the outside sees it. */
        LocalIvs.Stream view(String channelArn) {
            return new LocalIvs.Stream(channelArn, streamId, startTime, endTime);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(IvsChannel.class);
    private static final int CUE_HISTORY = 1_000;
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    final String arn;
    final String id;
    final String name;
    final String latencyMode;
    final String type;
    final String containerFormat;
    final boolean authorized;
    final boolean insecureIngest;
    final String recordingConfigurationArn;
    final Map<String, String> tags;
    /** The stream key's own tags (CreateChannel's tags are the channel's; TagResource adds these). */
    final Map<String, String> streamKeyTags = new ConcurrentHashMap<>();

    final String ingestEndpoint;
    final String playbackUrl;
    final String streamKeyArn;
    private final String streamKeyValue;
    final TokenBucket metadataRate;

    private Broadcast broadcast;
    private boolean deleted;
    /**
     * A simulated audience ({@code POST /_local/ivs/viewers}): while set, GetStream's viewerCount instead of the
     * players.
     */
    private Integer audience;

    private final Map<String, WsContext> players = new ConcurrentHashMap<>();
    private final Deque<LocalIvs.Cue> cues = new ArrayDeque<>();

    IvsChannel(
            String arn,
            String id,
            String name,
            String latencyMode,
            String type,
            String containerFormat,
            boolean authorized,
            boolean insecureIngest,
            String recordingConfigurationArn,
            Map<String, String> tags,
            String ingestEndpoint,
            String playbackUrl,
            String streamKeyArn,
            String streamKeyValue,
            TokenBucket metadataRate) {
        this.arn = arn;
        this.id = id;
        this.name = name;
        this.latencyMode = latencyMode;
        this.type = type;
        this.containerFormat = containerFormat;
        this.authorized = authorized;
        this.insecureIngest = insecureIngest;
        this.recordingConfigurationArn = recordingConfigurationArn;
        this.tags = Map.copyOf(tags);
        this.ingestEndpoint = ingestEndpoint;
        this.playbackUrl = playbackUrl;
        this.streamKeyArn = streamKeyArn;
        this.streamKeyValue = streamKeyValue;
        this.metadataRate = metadataRate;
    }

    /** The IVS {@code Channel} structure. */
    ObjectNode channelJson() {
        ObjectNode channel = Json.MAPPER.createObjectNode();
        channel.put("arn", arn);
        channel.put("name", name);
        channel.put("latencyMode", latencyMode);
        channel.put("type", type);
        channel.put("recordingConfigurationArn", recordingConfigurationArn);
        channel.put("ingestEndpoint", ingestEndpoint);
        channel.put("playbackUrl", playbackUrl);
        channel.put("authorized", authorized);
        channel.put("insecureIngest", insecureIngest);
        channel.put("containerFormat", containerFormat);
        channel.put("preset", "");
        channel.put("playbackRestrictionPolicyArn", "");
        tags.forEach(channel.putObject("tags")::put);
        return channel;
    }

    /** The channel as the outside sees it (never its stream key), with its current or last broadcast. */
    LocalIvs.Channel view() {
        return new LocalIvs.Channel(
                arn,
                name,
                latencyMode,
                type,
                recordingConfigurationArn,
                ingestEndpoint,
                playbackUrl,
                Optional.ofNullable(broadcast()).map(b -> b.view(arn)),
                players());
    }

    /** The IVS {@code StreamKey} structure; without the value it is a {@code StreamKeySummary}. */
    ObjectNode streamKeyJson(boolean withValue) {
        ObjectNode key = Json.MAPPER.createObjectNode();
        key.put("arn", streamKeyArn);
        key.put("channelArn", arn);
        streamKeyTags.forEach(key.putObject("tags")::put);
        if (withValue) {
            key.put("value", streamKeyValue);
        }
        return key;
    }

    synchronized Broadcast broadcast() {
        return broadcast;
    }

    synchronized boolean live() {
        return broadcast != null && broadcast.endTime() == null;
    }

    synchronized boolean deleted() {
        return deleted;
    }

    /** Starts a broadcast; the caller has checked the channel is not live (same lock). */
    synchronized Broadcast start(Broadcast started) {
        broadcast = started;
        return started;
    }

    synchronized Broadcast end(Instant at) {
        broadcast = broadcast.ended(at);
        return broadcast;
    }

    synchronized void delete() {
        deleted = true;
        for (WsContext player : players.values()) {
            close(player, 4410, "IVS channel deleted");
        }
        players.clear();
    }

    void addPlayer(WsContext player) {
        players.put(player.sessionId(), player);
    }

    void removePlayer(WsContext player) {
        players.remove(player.sessionId());
    }

    int players() {
        return players.size();
    }

    /** Sets (or with null clears) the simulated audience; returns the viewer count GetStream now answers. */
    synchronized int audience(Integer count) {
        audience = count;
        return viewerCount();
    }

    /** What GetStream answers as viewerCount: the simulated audience while set, else the connected players. */
    synchronized int viewerCount() {
        return audience != null ? audience : players.size();
    }

    /**
     * Sends a timed-metadata cue to every player, as the IVS Web Player's TEXT_METADATA_CUE event: the metadata text
     * and its position in the stream. Under the lock, so cues reach each player in the order accepted.
     */
    synchronized LocalIvs.Cue cue(String text, Instant at) {
        long streamTimeMs =
                Math.max(0, at.toEpochMilli() - broadcast.startTime().toEpochMilli());
        LocalIvs.Cue cue = new LocalIvs.Cue(arn, broadcast.streamId(), text, streamTimeMs);
        cues.addLast(cue);
        if (cues.size() > CUE_HISTORY) {
            cues.removeFirst();
        }
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("type", "TEXT_METADATA_CUE");
        message.put("text", text);
        message.put("streamTimeMs", streamTimeMs);
        String json = Json.write(message);
        List<WsContext> gone = new ArrayList<>();
        for (WsContext player : players.values()) {
            try {
                if (player.session.isOpen()) {
                    player.send(json);
                } else {
                    gone.add(player);
                }
            } catch (RuntimeException e) {
                LOG.debug("Player {} of {} is gone: {}", player.sessionId(), arn, e.toString());
                gone.add(player);
            }
        }
        gone.forEach(this::removePlayer);
        return cue;
    }

    synchronized List<LocalIvs.Cue> cues() {
        return List.copyOf(cues);
    }

    static void close(WsContext player, int code, String reason) {
        try {
            player.closeSession(code, closeReason(reason));
        } catch (RuntimeException e) {
            LOG.debug("Closing player {} failed: {}", player.sessionId(), e.toString());
        }
    }

    /** A WebSocket close reason fits in 123 UTF-8 bytes; longer ones are cut at a code point boundary. */
    private static String closeReason(String reason) {
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
}
