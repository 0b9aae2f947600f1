package com.liveshop.chat.service;

import com.liveshop.chat.repository.ConnectionRepository;

/**
 * The {@code viewers} audience signal: pushed at most once per {@link #MIN_INTERVAL_MS} per session and only
 * when the count differs from the last one pushed. The lease is a conditional update on the session item, so
 * concurrent connects/disconnects in many Lambda environments push at most one frame per window. The change
 * that falls inside a window is pushed by the next connect/disconnect after it, or by {@link #flush} (a
 * schedule, every minute) if none comes.
 */
public class ViewerSignal {

    public static final long MIN_INTERVAL_MS = 2_000;

    private final ConnectionRepository connections;
    private final Broadcaster broadcaster;
    private final java.time.Clock clock;

    public ViewerSignal(ConnectionRepository connections, Broadcaster broadcaster, java.time.Clock clock) {
        this.connections = connections;
        this.broadcaster = broadcaster;
        this.clock = clock;
    }

    /** No signal (tests, and functions that do not push). */
    public static ViewerSignal none() {
        return new ViewerSignal(null, null, null) {
            @Override
            public void changed(String sessionId, long count, String exceptConnectionId) {}
        };
    }

    /**
     * The trailing push: every live session whose count differs from the last one pushed gets it now (if the
     * 2 s lease allows). Run by a schedule, so a change after the last connect/disconnect is not lost.
     * Returns how many sessions were pushed.
     */
    public int flush(com.liveshop.chat.repository.ChatRepository chat) {
        int pushed = 0;
        for (var counts : chat.liveViewerCounts()) {
            if (counts.pushedCount() == null || counts.pushedCount() != counts.viewerCount()) {
                if (connections.leaseViewersPush(counts.sessionId(), counts.viewerCount(), clock.millis(), MIN_INTERVAL_MS)) {
                    broadcaster.broadcast(counts.sessionId(), Frames.json(new Frames.Viewers(counts.viewerCount())));
                    pushed++;
                }
            }
        }
        return pushed;
    }

    /**
     * The count moved to {@code count}; push it if this call wins the lease. {@code exceptConnectionId} is the
     * connection whose $connect is running: API Gateway does not accept posts to it until $connect returns.
     */
    public void changed(String sessionId, long count, String exceptConnectionId) {
        if (connections.leaseViewersPush(sessionId, count, clock.millis(), MIN_INTERVAL_MS)) {
            broadcaster.broadcast(sessionId, Frames.json(new Frames.Viewers(count)),
                    c -> !c.connectionId().equals(exceptConnectionId));
        }
    }
}
