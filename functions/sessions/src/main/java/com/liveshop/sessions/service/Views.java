package com.liveshop.sessions.service;

import com.liveshop.sessions.repository.Session;
import java.util.List;

/** What the sessions routes return. None of the public views has a field that could hold a stream key. */
public final class Views {

    private Views() {}

    /** RTMPS ingest for the host's encoder. Admin responses only. */
    public record Ingest(String endpoint, String streamKey) {
        @Override
        public String toString() {
            return "Ingest[endpoint=" + endpoint + "]";
        }
    }

    /** 201 of POST /sessions (admin). */
    public record CreatedSession(
            String sessionId,
            String status,
            String title,
            String description,
            String startsAt,
            List<String> lineup,
            String channelArn,
            String playbackUrl,
            Ingest ingest) {}

    /** One lineup product as viewers see it: summary, units available now, the deal while it runs. */
    public record LineupItem(
            String sku,
            String title,
            Long priceCents,
            String currency,
            String imageUrl,
            long available,
            Long dealPriceCents,
            String dealEndsAt) {}

    /**
     * GET /sessions/{id} (public). {@code currentHighlight} only while LIVE; {@code replay} once recorded;
     * {@code pinnedMessage} of the chat; {@code viewerCount} from IVS (ViewerCountService); {@code buyKeyword} what a
     * viewer types in the chat to hold the product on screen (comment-to-buy).
     */
    public record SessionView(
            String sessionId,
            String title,
            String description,
            String status,
            String startsAt,
            String liveAt,
            String endedAt,
            String playbackUrl,
            List<LineupItem> lineup,
            Session.Highlight currentHighlight,
            Session.Replay replay,
            Session.PinnedMessage pinnedMessage,
            long viewerCount,
            String buyKeyword) {}

    /** One entry of GET /sessions. */
    public record SessionSummary(
            String sessionId, String title, String status, String startsAt, String liveAt, String playbackUrl) {}

    public record SessionList(List<SessionSummary> items) {}

    /** POST /sessions/{id}/end: the session's status now and whether a live stream was stopped. */
    public record Ended(String sessionId, String status, String endedAt, boolean streamStopped) {}

    /** 202 of POST /sessions/{id}/reminders: the same for a new, pending or confirmed address (it tells nothing). */
    public record ReminderAccepted(String sessionId, String status) {}

    /** A replay chapter. */
    public record Chapter(long offsetMs, String sku, String title, long priceCents, Long dealPriceCents) {}

    public record Timeline(String sessionId, List<Chapter> chapters) {}

    /** 202 of POST /sessions/{id}/highlights. */
    public record HighlightAccepted(String highlightId, long offsetMs, String metadata) {}
}
