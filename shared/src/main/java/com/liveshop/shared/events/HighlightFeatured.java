package com.liveshop.shared.events;

import java.time.Instant;

/**
 * A product was featured on a live session (after IVS took its timed metadata): chat turns it into the show channel's
 * {@code highlight} frame. {@code dealPriceCents} and {@code dealEndsAt} only with a deal, {@code imageUrl} only when
 * the product has one; {@code offsetMs} from the broadcast's start.
 */
public record HighlightFeatured(
        String sessionId,
        String highlightId,
        String sku,
        String title,
        long priceCents,
        String currency,
        Long dealPriceCents,
        Instant dealEndsAt,
        String imageUrl,
        long offsetMs,
        Instant at)
        implements BusEvent {

    public static final String DETAIL_TYPE = "HighlightFeatured";

    @Override
    public String detailType() {
        return DETAIL_TYPE;
    }
}
