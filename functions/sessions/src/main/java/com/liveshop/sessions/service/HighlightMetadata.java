package com.liveshop.sessions.service;

import com.liveshop.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The timed-metadata text of a highlight: compact JSON that is always at most {@link #MAX_BYTES} UTF-8 bytes (IVS
 * PutMetadata's limit). When the full text is too long the title is shortened by whole code points (a surrogate pair is
 * never split) with an ellipsis, then the image URL is dropped, then the title.
 */
public final class HighlightMetadata {

    public static final int MAX_BYTES = 1024;
    /** Titles are not shortened below this many code points while the image URL can go instead. */
    static final int MIN_TITLE_WITH_IMAGE = 32;

    private static final String ELLIPSIS = "\u2026";

    /** What the player needs to show the product at that frame. */
    public record Content(
            String sessionId,
            String highlightId,
            String sku,
            String title,
            long priceCents,
            String currency,
            Long dealPriceCents,
            String dealEndsAt,
            String imageUrl) {}

    private HighlightMetadata() {}

    public static String build(Content c) {
        String full = render(c, c.title(), c.imageUrl());
        if (fits(full)) {
            return full;
        }
        if (c.imageUrl() != null) {
            String withImage = shortened(c, c.imageUrl(), MIN_TITLE_WITH_IMAGE);
            if (withImage != null) {
                return withImage;
            }
        }
        String withoutImage = shortened(c, null, 0);
        if (withoutImage != null) {
            return withoutImage;
        }
        String bare = render(c, null, null);
        if (!fits(bare)) {
            throw new IllegalStateException(
                    "Highlight metadata without title and image exceeds " + MAX_BYTES + " bytes");
        }
        return bare;
    }

    public static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest title prefix (at least {@code minCodePoints}) that fits, found by bisection; null if none. */
    private static String shortened(Content c, String imageUrl, int minCodePoints) {
        String title = c.title() == null ? "" : c.title();
        int total = title.codePointCount(0, title.length());
        int lo = minCodePoints;
        int hi = total;
        String best = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            String candidate = render(c, prefix(title, mid, total), imageUrl);
            if (fits(candidate)) {
                best = candidate;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private static String prefix(String title, int codePoints, int total) {
        if (codePoints >= total) {
            return title;
        }
        return title.substring(0, title.offsetByCodePoints(0, codePoints)).stripTrailing() + ELLIPSIS;
    }

    private static boolean fits(String json) {
        return utf8Length(json) <= MAX_BYTES;
    }

    private static String render(Content c, String title, String imageUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "highlight");
        m.put("sessionId", c.sessionId());
        m.put("highlightId", c.highlightId());
        m.put("sku", c.sku());
        if (title != null) {
            m.put("title", title);
        }
        m.put("priceCents", c.priceCents());
        m.put("currency", c.currency());
        if (c.dealPriceCents() != null) {
            m.put("dealPriceCents", c.dealPriceCents());
            m.put("dealEndsAt", c.dealEndsAt());
        }
        if (imageUrl != null) {
            m.put("imageUrl", imageUrl);
        }
        return Json.write(m);
    }
}
