package com.liveshop.sessions.service;

import com.liveshop.sessions.ivs.LiveVideo;
import com.liveshop.sessions.repository.SessionRepository;
import com.liveshop.sessions.repository.SessionRepository.LiveChannel;
import com.liveshop.sessions.repository.SessionRepository.ViewersPublished;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.Frames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code viewers} frame of every live show, from IVS's own count (GetStream {@code viewerCount}), so the figure
 * costs nothing per viewer: one GetStream per live show per round, one DynamoDB write, and at most one publish to
 * {@code /shows/{sessionId}} that AppSync fans out.
 *
 * <ul>
 *   <li>EventBridge schedules fire at most once a minute, so one invocation runs up to {@link Cadence#maxRounds()}
 *       rounds {@link Cadence#roundEvery()} apart, while the Lambda's remaining time leaves room for a whole round
 *       ({@link Cadence#roundBudget()}). Four rounds 15 s apart end by 57.5 s, before the next minute's invocation.
 *   <li>IVS control-plane calls are limited to 5 requests/s per account (GetStream has its own 5 TPS); every GetStream
 *       waits for the {@link Pacer}, ≤ 4 calls/s in production, leaving room for the SDK's retries, so 50 live shows
 *       take ≤ 12.5 s per round (more shows than that stretch a round; the next one starts when it is due or right
 *       after).
 *   <li>The count is stored on META on every round (GET /sessions/{id} answers it); the frame is published only when
 *       the count changed since the last publish and at most once per {@link Cadence#publishAtMostEvery()} per show,
 *       through a conditional UpdateItem lease on META, so overlapping invocations publish once.
 *   <li>A failure for one show (throttled, channel gone, a DynamoDB error) is logged with the session and channel and
 *       the round goes on with the next show; no stream key is ever read here.
 * </ul>
 */
public class ViewerCountService {

    private static final Logger LOG = LoggerFactory.getLogger(ViewerCountService.class);

    /** How the rounds are timed; {@link #DEFAULT} is what the template's 70 s timeout is sized for. */
    public record Cadence(Duration roundEvery, int maxRounds, Duration roundBudget, Duration publishAtMostEvery) {
        public static final Cadence DEFAULT =
                new Cadence(Duration.ofSeconds(15), 4, Duration.ofSeconds(15), Duration.ofSeconds(15));
    }

    /** Waits between rounds (tests move a clock instead). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        Sleeper REAL = duration -> Thread.sleep(duration.toMillis());
    }

    /** Called before each GetStream; blocks as long as needed to keep IVS's per-account rate. */
    @FunctionalInterface
    public interface Pacer {
        void await() throws InterruptedException;

        Pacer NONE = () -> {};
    }

    /** What one round did: live shows seen, counts read from IVS, frames published, shows that failed. */
    public record Round(int live, int counted, int published, int failed) {}

    private final SessionRepository sessions;
    private final LiveVideo video;
    private final ChannelPublisher publisher;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Pacer pacer;
    private final Cadence cadence;

    public ViewerCountService(
            SessionRepository sessions,
            LiveVideo video,
            ChannelPublisher publisher,
            Clock clock,
            Sleeper sleeper,
            Pacer pacer,
            Cadence cadence) {
        this.sessions = sessions;
        this.video = video;
        this.publisher = publisher;
        this.clock = clock;
        this.sleeper = sleeper;
        this.pacer = pacer;
        this.cadence = cadence;
    }

    /**
     * Runs rounds {@code roundEvery} apart (by their start times) until {@code maxRounds} are done or the remaining
     * time would not hold another whole round.
     */
    public List<Round> poll(IntSupplier remainingMillis) {
        List<Round> rounds = new java.util.ArrayList<>();
        Instant first = clock.instant();
        try {
            for (int n = 0; n < cadence.maxRounds(); n++) {
                Instant due = first.plus(cadence.roundEvery().multipliedBy(n));
                Duration wait = Duration.between(clock.instant(), due);
                if (remainingMillis.getAsInt() - Math.max(0, wait.toMillis())
                        < cadence.roundBudget().toMillis()) {
                    break;
                }
                if (!wait.isNegative() && !wait.isZero()) {
                    sleeper.sleep(wait);
                }
                rounds.add(round());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Viewer count polling interrupted after {} rounds", rounds.size());
        }
        return rounds;
    }

    /** One pass over the live shows: read, store, publish when changed and due. */
    public Round round() throws InterruptedException {
        // One timestamp for the round's leases: rounds start roundEvery apart, so a show whose count keeps changing
        // is published every round, wherever it sits in the round's order.
        long roundStartMs = clock.millis();
        List<LiveChannel> live = sessions.liveChannels();
        int counted = 0;
        int published = 0;
        int failed = 0;
        for (LiveChannel show : live) {
            pacer.await();
            try {
                OptionalLong count = video.viewerCount(show.channelArn());
                if (count.isEmpty()) {
                    continue; // LIVE in our table but IVS has no stream (yet / any more): nothing to show
                }
                counted++;
                if (publishIfDue(show.sessionId(), count.getAsLong(), roundStartMs)) {
                    published++;
                }
            } catch (RuntimeException e) {
                failed++;
                LOG.warn(
                        "Viewer count of session {} (channel {}) failed this round: {}: {}",
                        show.sessionId(),
                        show.channelArn(),
                        e.getClass().getSimpleName(),
                        e.getMessage());
            }
        }
        if (!live.isEmpty()) {
            LOG.info(
                    "Viewer counts: {} live, {} counted, {} published, {} failed",
                    live.size(),
                    counted,
                    published,
                    failed);
        }
        return new Round(live.size(), counted, published, failed);
    }

    private boolean publishIfDue(String sessionId, long count, long nowMs) {
        Optional<ViewersPublished> last = sessions.storeViewerCount(sessionId, count);
        if (last.isEmpty()) {
            return false; // the session is gone
        }
        long minIntervalMs = cadence.publishAtMostEvery().toMillis();
        ViewersPublished p = last.get();
        boolean changed = p.count() == null || p.count() != count;
        boolean due = p.atMs() == null || p.atMs() <= nowMs - minIntervalMs;
        // The read above only saves a write that could not win; the lease is the decision.
        if (!changed || !due || !sessions.leaseViewersPublish(sessionId, count, nowMs, minIntervalMs)) {
            return false;
        }
        if (publisher.publish(Channels.show(sessionId), new Frames.Viewers(count)) == 0) {
            // Not delivered (the publisher has logged why): let a later round publish this count again.
            sessions.releaseViewersPublish(sessionId, nowMs);
            return false;
        }
        return true;
    }
}
