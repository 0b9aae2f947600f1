package com.liveshop.sessions.repository;

import java.util.List;

/**
 * A session's META item. Times are ISO-8601 UTC strings; {@code streamStartedAtMs} is the current broadcast's start;
 * {@code viewerCount} is IVS's own count of the live stream's viewers (GetStream, about 15 s behind), stored every 15 s
 * while LIVE by the viewer-count function ({@code ViewerCountService}); it stays at its last value once ended.
 * {@code buyKeyword} is the chat's comment-to-buy keyword (set by the chat module; SessionKeys.DEFAULT_BUY_KEYWORD
 * until then).
 */
public record Session(
        String sessionId,
        String title,
        String description,
        String startsAt,
        String status,
        String channelArn,
        String playbackUrl,
        String ingestEndpoint,
        List<String> lineup,
        String createdAt,
        String liveAt,
        String endedAt,
        String streamId,
        Long streamStartedAtMs,
        Highlight currentHighlight,
        Replay replay,
        long reminderCount,
        PinnedMessage pinnedMessage,
        long viewerCount,
        String buyKeyword) {

    public static final String SCHEDULED = "SCHEDULED";
    public static final String LIVE = "LIVE";
    public static final String ENDED = "ENDED";

    /** One product highlight as recorded on the timeline and as the current highlight. */
    public record Highlight(
            String highlightId,
            String sku,
            String title,
            long priceCents,
            String currency,
            Long dealPriceCents,
            String dealEndsAt,
            long offsetMs,
            String at) {}

    /** The chat message a host pinned (written by the chat module as JSON on META: pinnedMessage). */
    public record PinnedMessage(String messageId, String name, String role, String text, String at, String pinnedAt) {}

    /** The recording, playable once IVS has written it. */
    public record Replay(String url, long durationMs) {}

    public boolean live() {
        return LIVE.equals(status);
    }

    public boolean ended() {
        return ENDED.equals(status);
    }
}
