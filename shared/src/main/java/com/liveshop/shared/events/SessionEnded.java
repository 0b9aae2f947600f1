package com.liveshop.shared.events;

import java.time.Instant;

/** A session ended (by the host or by its stream's end), published once on the transition. */
public record SessionEnded(String sessionId, Instant endedAt) implements BusEvent {

    public static final String DETAIL_TYPE = "SessionEnded";

    @Override
    public String detailType() {
        return DETAIL_TYPE;
    }
}
