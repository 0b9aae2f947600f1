package com.liveshop.shared.realtime;

import java.util.List;

/**
 * Publishes frames to an AppSync Events channel: one call reaches every subscriber of the channel, whatever the
 * audience. Best effort by contract: a publish that fails after its retries is logged and dropped, never thrown, so it
 * cannot fail the request or the write that caused it.
 */
public interface ChannelPublisher {

    /** Publishes each frame (serialized to JSON) as one event, in order; returns how many were accepted. */
    int publish(String channel, List<?> frames);

    default int publish(String channel, Object frame) {
        return publish(channel, List.of(frame));
    }

    /** Publishes nothing (functions and tests that have no real-time side). */
    ChannelPublisher NONE = (channel, frames) -> 0;
}
