package com.liveshop.chat.service;

import com.liveshop.chat.repository.Connection;
import com.liveshop.chat.repository.ConnectionRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out of one frame to a session's connections: Query page by page, {@code postToConnection} with at most
 * {@code maxInFlight} calls at once (the next page is read while the previous one is being sent). A 410 deletes
 * that connection (fixing the viewer count) unless its $connect may still be running; any other failure is logged and the rest go on, so one bad
 * connection never fails a broadcast.
 */
public class Broadcaster {

    /** What one broadcast did. */
    public record Result(int sent, int gone, int failed) {}

    public static final int DEFAULT_MAX_IN_FLIGHT = 32;
    /**
     * A connection whose $connect is still running is in the table but not open yet: @connections answers 410 for
     * it. Only connections older than this are treated as stale on a 410 (a $connect lasts at most the function's
     * timeout, 15 s).
     */
    public static final Duration CONNECT_GRACE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);

    private final ConnectionRepository connections;
    private final ConnectionGateway gateway;
    private final ExecutorService senders;
    private final int maxInFlight;
    private final Clock clock;

    public Broadcaster(ConnectionRepository connections, ConnectionGateway gateway, int maxInFlight, Clock clock) {
        this.clock = clock;
        this.connections = connections;
        this.gateway = gateway;
        this.maxInFlight = maxInFlight;
        // Daemon threads, made once per execution environment: the SDK's sync client blocks a thread per call.
        this.senders = Executors.newFixedThreadPool(maxInFlight, r -> {
            Thread t = new Thread(r, "chat-fanout");
            t.setDaemon(true);
            return t;
        });
    }

    public Result broadcast(String sessionId, String frame) {
        return broadcast(sessionId, frame, c -> true);
    }

    /** Sends {@code frame} to the session's connections that {@code to} accepts; returns when every call finished. */
    public Result broadcast(String sessionId, String frame, Predicate<Connection> to) {
        Semaphore inFlight = new Semaphore(maxInFlight);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger gone = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        connections.forEachPage(sessionId, page -> {
            for (Connection c : page) {
                if (!to.test(c)) {
                    continue;
                }
                inFlight.acquireUninterruptibly();
                try {
                    senders.execute(() -> {
                        try {
                            send(sessionId, c.connectionId(), c.connectedAt(), frame, sent, gone, failed);
                        } finally {
                            inFlight.release();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    inFlight.release();
                    failed.incrementAndGet();
                }
            }
        });
        inFlight.acquireUninterruptibly(maxInFlight); // every call has finished
        Result result = new Result(sent.get(), gone.get(), failed.get());
        if (result.gone() > 0 || result.failed() > 0) {
            LOG.info("Broadcast on session {}: {} sent, {} gone (removed), {} failed", sessionId, result.sent(),
                    result.gone(), result.failed());
        }
        return result;
    }

    /** One frame to one connection; a 410 removes it. Returns false when it is gone. */
    public boolean sendTo(String sessionId, String connectionId, String frame) {
        AtomicInteger gone = new AtomicInteger();
        send(sessionId, connectionId, null, frame, new AtomicInteger(), gone, new AtomicInteger());
        return gone.get() == 0;
    }

    private void send(String sessionId, String connectionId, String connectedAt, String frame, AtomicInteger sent,
                      AtomicInteger gone, AtomicInteger failed) {
        try {
            if (gateway.post(connectionId, frame) == ConnectionGateway.Outcome.GONE) {
                gone.incrementAndGet();
                if (connectedAt == null || Instant.parse(connectedAt).isBefore(clock.instant().minus(CONNECT_GRACE))) {
                    connections.remove(sessionId, connectionId);
                }
            } else {
                sent.incrementAndGet();
            }
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.warn("postToConnection {} on session {} failed: {}", connectionId, sessionId, e.toString());
        }
    }
}
