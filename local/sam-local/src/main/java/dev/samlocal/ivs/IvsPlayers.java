package dev.samlocal.ivs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.core.Json;
import dev.samlocal.protocol.AwsError;
import dev.samlocal.protocol.LocalJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsHandlerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local players on {@code ws://…/_local/player?channelArn=…}: each receives every accepted metadata as the IVS Web
 * Player's {@code TEXT_METADATA_CUE} event. GetStream's {@code viewerCount} is how many are connected, unless
 * {@code POST /_local/ivs/viewers} set a simulated audience (a rehearsal of a big show without thousands of sockets).
 */
final class IvsPlayers {

    static final String PATH = "/_local/player";
    static final String VIEWERS_PATH = "/_local/ivs/viewers";
    /** The largest simulated audience {@code POST /_local/ivs/viewers} accepts. */
    static final int MAX_SIMULATED_VIEWERS = 10_000_000;
    /** WebSocket close codes for a player that cannot be served (application range, 4xxx). */
    static final int CLOSE_BAD_REQUEST = 4400;

    static final int CLOSE_UNKNOWN_CHANNEL = 4404;

    private static final Logger LOG = LoggerFactory.getLogger(IvsPlayers.class);

    private final IvsChannels channels;

    IvsPlayers(IvsChannels channels) {
        this.channels = channels;
    }

    void register(RoutesConfig routes) {
        routes.post(VIEWERS_PATH, this::handleViewers);
        routes.addWsHandler(WsHandlerType.WEBSOCKET, PATH, ws -> {
            ws.onConnect(this::playerConnected);
            ws.onClose(this::playerGone);
            ws.onError(this::playerGone);
        });
    }

    /**
     * Sets a channel's simulated audience or, with {@code count} null, clears it, exactly as {@code POST
     * /_local/ivs/viewers} does; returns the viewer count GetStream now answers.
     */
    int simulateViewers(String channelArn, Integer count) {
        if (count != null && (count < 0 || count > MAX_SIMULATED_VIEWERS)) {
            throw new AwsError(
                    400,
                    "VALIDATION_FAILED",
                    "count must be an integer from 0 to " + MAX_SIMULATED_VIEWERS + ", or null");
        }
        IvsChannel channel = channels.forControl(channelArn);
        synchronized (channel) {
            if (channel.deleted()) {
                throw IvsChannels.notFoundForControl(channelArn);
            }
            int viewers = channel.audience(count);
            LOG.info(
                    "IVS channel {}: {}",
                    channel.arn,
                    count == null ? "simulated audience cleared" : "simulated audience of " + count);
            return viewers;
        }
    }

    /** Players connected to a channel now. */
    int players(String channelArn) {
        IvsChannel channel = channels.get(channelArn);
        return channel == null ? 0 : channel.players();
    }

    /** The last (up to 1,000) cues sent to a channel's players, oldest first. */
    List<LocalIvs.Cue> cues(String channelArn) {
        IvsChannel channel = channels.get(channelArn);
        return channel == null ? List.of() : channel.cues();
    }

    private void handleViewers(Context ctx) {
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
                    "Body must be a JSON object {\"channelArn\": …, \"count\": 0.." + MAX_SIMULATED_VIEWERS
                            + " | null}");
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
        if (!clear
                && (count == null
                        || !count.isIntegralNumber()
                        || !count.canConvertToInt()
                        || count.intValue() < 0
                        || count.intValue() > MAX_SIMULATED_VIEWERS)) {
            LocalJson.error(
                    ctx,
                    400,
                    "VALIDATION_FAILED",
                    "count is required: an integer from 0 to " + MAX_SIMULATED_VIEWERS
                            + ", or null to clear the simulated audience");
            return;
        }
        try {
            int viewers = simulateViewers(arn.asText(), clear ? null : count.intValue());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("channelArn", arn.asText());
            out.put("viewerCount", viewers);
            LocalJson.write(ctx, 200, out);
        } catch (AwsError e) {
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
        IvsChannel channel = channels.get(arn);
        if (channel != null) {
            channel.removePlayer(ctx);
        }
    }
}
