package dev.samlocal.ivs;

import dev.samlocal.core.LocalAws;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.protocol.AwsError;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one store of the local IVS: its channels (each with its stream key, broadcast, players and cues, see
 * {@link IvsChannel}), found by ARN or by stream key ARN, and the recording configurations the template declares.
 */
final class IvsChannels {

    private static final Logger LOG = LoggerFactory.getLogger(IvsChannels.class);
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Map<String, String> recordingBuckets;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, IvsChannel> byArn = new ConcurrentHashMap<>();
    private final Map<String, String> channelByStreamKey = new ConcurrentHashMap<>();

    /** @param recordingBuckets recording configuration ARN → S3 bucket (from the template) */
    IvsChannels(Map<String, String> recordingBuckets) {
        this.recordingBuckets = Map.copyOf(recordingBuckets);
    }

    /** Creates a channel with a fresh ARN, endpoints and stream key, as CreateChannel does. */
    IvsChannel create(
            String name,
            String latencyMode,
            String type,
            String containerFormat,
            boolean authorized,
            boolean insecureIngest,
            String recordingConfigurationArn,
            Map<String, String> tags,
            TokenBucket metadataRate) {
        String id = randomId(12);
        String arn = "arn:aws:ivs:" + LocalAws.REGION + ":" + TemplateFunctions.ACCOUNT_ID + ":channel/" + id;
        String host = randomId(12).toLowerCase(Locale.ROOT);
        String streamKeyArn =
                "arn:aws:ivs:" + LocalAws.REGION + ":" + TemplateFunctions.ACCOUNT_ID + ":stream-key/" + randomId(12);
        IvsChannel channel = new IvsChannel(
                arn,
                id,
                name,
                latencyMode,
                type,
                containerFormat,
                authorized,
                insecureIngest,
                recordingConfigurationArn,
                tags,
                host + ".global-contribute.live-video.net",
                "https://" + host + "." + LocalAws.REGION + ".playback.live-video.net/api/video/v1/" + LocalAws.REGION
                        + "." + TemplateFunctions.ACCOUNT_ID + ".channel." + id + ".m3u8",
                streamKeyArn,
                "sk_" + LocalAws.REGION + "_" + randomId(36),
                metadataRate);
        byArn.put(arn, channel);
        channelByStreamKey.put(streamKeyArn, arn);
        LOG.info(
                "IVS channel {} created ({} latency{})",
                arn,
                latencyMode,
                recordingConfigurationArn.isEmpty() ? "" : ", recorded by " + recordingConfigurationArn);
        return channel;
    }

    /** Forgets a channel and its stream key; the caller has marked it deleted (under its lock). */
    void remove(IvsChannel channel) {
        byArn.remove(channel.arn);
        channelByStreamKey.remove(channel.streamKeyArn);
    }

    /** The channel with this ARN, or null. */
    IvsChannel get(String arn) {
        return arn == null ? null : byArn.get(arn);
    }

    /** The channel a stream key belongs to, or null. */
    IvsChannel byStreamKey(String streamKeyArn) {
        return get(channelByStreamKey.get(streamKeyArn));
    }

    /** The channel a local control names: refused with 404 CHANNEL_NOT_FOUND when there is none. */
    IvsChannel forControl(String arn) {
        IvsChannel channel = arn == null ? null : byArn.get(arn);
        if (channel == null) {
            throw notFoundForControl(arn);
        }
        return channel;
    }

    static AwsError notFoundForControl(String arn) {
        return new AwsError(404, "CHANNEL_NOT_FOUND", "No IVS channel " + arn);
    }

    /** Every channel, by ARN. */
    List<IvsChannel> all() {
        return byArn.values().stream().sorted(Comparator.comparing(c -> c.arn)).toList();
    }

    Set<String> recordingConfigurations() {
        return recordingBuckets.keySet();
    }

    /** The S3 bucket a recording configuration writes to. */
    String recordingBucket(String recordingConfigurationArn) {
        return recordingBuckets.get(recordingConfigurationArn);
    }

    String randomId(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return id.toString();
    }
}
