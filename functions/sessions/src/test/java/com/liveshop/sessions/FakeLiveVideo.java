package com.liveshop.sessions;

import com.liveshop.sessions.ivs.LiveVideo;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Our LiveVideo interface faked in memory: channels, stream keys, who is broadcasting, metadata sent. */
final class FakeLiveVideo implements LiveVideo {

    record Metadata(String channelArn, String text) {}

    final Map<String, String> streamKeys = new ConcurrentHashMap<>();
    final Set<String> broadcasting = ConcurrentHashMap.newKeySet();
    final List<Metadata> metadata = new CopyOnWriteArrayList<>();
    final List<String> stopped = new CopyOnWriteArrayList<>();
    final AtomicInteger putAttempts = new AtomicInteger();
    /** The next this-many PutMetadata calls fail with ThrottledException. */
    final AtomicInteger throttleNext = new AtomicInteger();
    /** GetStream's viewerCount per broadcasting channel (0 when not set). */
    final Map<String, Long> viewers = new ConcurrentHashMap<>();
    /** Channels whose GetStream fails with ThrottledException. */
    final Set<String> getStreamFails = ConcurrentHashMap.newKeySet();

    final List<String> getStreamCalls = new CopyOnWriteArrayList<>();
    private final AtomicInteger channels = new AtomicInteger();

    @Override
    public Channel createChannel(String name) {
        int n = channels.incrementAndGet();
        String id = String.format("Ch%010d", n);
        String arn = "arn:aws:ivs:us-east-1:000000000000:channel/" + id;
        String key = "sk_us-east-1_SECRETkey" + id + "zz";
        streamKeys.put(arn, key);
        return new Channel(
                arn,
                "https://abc123.us-east-1.playback.live-video.net/api/video/v1/us-east-1.000000000000.channel." + id
                        + ".m3u8",
                "abc123.global-contribute.live-video.net",
                key);
    }

    @Override
    public String streamKey(String channelArn) {
        String key = streamKeys.get(channelArn);
        if (key == null) {
            throw new ChannelNotFoundException("no channel");
        }
        return key;
    }

    @Override
    public boolean stopStream(String channelArn) {
        stopped.add(channelArn);
        return broadcasting.remove(channelArn);
    }

    @Override
    public void putMetadata(String channelArn, String text) {
        putAttempts.incrementAndGet();
        if (throttleNext.getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
            throw new ThrottledException("throttled");
        }
        if (!broadcasting.contains(channelArn)) {
            throw new NotBroadcastingException("not broadcasting");
        }
        metadata.add(new Metadata(channelArn, text));
    }

    @Override
    public OptionalLong viewerCount(String channelArn) {
        getStreamCalls.add(channelArn);
        if (getStreamFails.contains(channelArn)) {
            throw new ThrottledException("throttled");
        }
        return broadcasting.contains(channelArn)
                ? OptionalLong.of(viewers.getOrDefault(channelArn, 0L))
                : OptionalLong.empty();
    }
}
