package com.liveshop.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.liveshop.sessions.service.IntervalPacer;
import com.liveshop.sessions.service.ViewerCountService;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.Frames;
import com.liveshop.testkit.DynamoDbLocalExtension;
import dev.samlocal.lambda.TestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The viewer-count poller on DynamoDB Local with the fake IVS: the count is stored on META, the {@code viewers} frame
 * goes to the show's channel only when the count changed and at most once per 15 s, once even when two pollers race.
 */
class ViewerCountTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    /** A ChannelPublisher that keeps what it was given; {@code down} makes it accept nothing (AppSync unreachable). */
    static final class RecordingPublisher implements ChannelPublisher {
        record Sent(String channel, Object frame) {}

        final List<Sent> sent = new CopyOnWriteArrayList<>();
        volatile boolean down;

        @Override
        public int publish(String channel, List<?> frames) {
            if (down) {
                return 0;
            }
            frames.forEach(frame -> sent.add(new Sent(channel, frame)));
            return frames.size();
        }

        List<Long> counts(String sessionId) {
            return sent.stream()
                    .filter(s -> s.channel().equals(Channels.show(sessionId)))
                    .map(s -> ((Frames.Viewers) s.frame()).count())
                    .toList();
        }
    }

    static SessionsFixture f;
    RecordingPublisher publisher;
    List<Duration> sleeps;
    ViewerCountService service;
    private static final AtomicInteger STREAMS = new AtomicInteger();

    @BeforeAll
    static void start() {
        f = new SessionsFixture(DYNAMO);
        f.product("cds-wool-scarf", "Wool Scarf", 3900, 10);
    }

    @BeforeEach
    void wire() {
        publisher = new RecordingPublisher();
        sleeps = new CopyOnWriteArrayList<>();
        service = service(publisher, d -> {
            sleeps.add(d);
            f.clock.advance(d);
        });
    }

    private ViewerCountService service(ChannelPublisher p, ViewerCountService.Sleeper sleeper) {
        return f.wiring.viewerCountService(f.video, p, f.clock, sleeper, ViewerCountService.Pacer.NONE);
    }

    /** A LIVE session whose channel is broadcasting with {@code viewers} viewers. */
    private String liveShow(long viewers) {
        String id = f.scheduled("cds-wool-scarf");
        f.startStream(id, "st-" + STREAMS.incrementAndGet(), f.clock.instant());
        f.video.viewers.put(f.channelOf(id), viewers);
        return id;
    }

    private void viewers(String sessionId, long count) {
        f.video.viewers.put(f.channelOf(sessionId), count);
    }

    private long stored(String sessionId) {
        return f.wiring.sessions().find(sessionId).orElseThrow().viewerCount();
    }

    @Test
    void theFrameGoesOutOnlyWhenTheCountChanged() throws Exception {
        String id = liveShow(120);
        service.round();
        assertThat(publisher.counts(id)).containsExactly(120L);
        assertThat(stored(id)).isEqualTo(120);

        f.clock.advance(Duration.ofSeconds(15));
        service.round();
        f.clock.advance(Duration.ofSeconds(60));
        service.round();
        assertThat(publisher.counts(id)).as("unchanged: nothing new").containsExactly(120L);

        viewers(id, 135);
        f.clock.advance(Duration.ofSeconds(15));
        service.round();
        assertThat(publisher.counts(id)).containsExactly(120L, 135L);
        assertThat(stored(id)).isEqualTo(135);

        viewers(id, 90);
        f.clock.advance(Duration.ofSeconds(15));
        service.round();
        assertThat(stored(id)).isEqualTo(90);
        assertThat(f.wiring.sessions().stats().read(id).peakViewers())
                .as("the show's peak stays at its highest")
                .isEqualTo(135);
        assertThat(publisher.sent)
                .filteredOn(s -> s.channel().equals(Channels.show(id)))
                .extracting(RecordingPublisher.Sent::frame)
                .allSatisfy(frame ->
                        assertThat(com.liveshop.shared.json.Json.write(frame)).startsWith("{\"type\":\"viewers\","));
    }

    @Test
    void atMostOneFramePerFifteenSecondsButTheStoredCountFollowsEveryRound() throws Exception {
        String id = liveShow(10);
        service.round();
        viewers(id, 11);
        f.clock.advance(Duration.ofSeconds(14));
        service.round();
        assertThat(publisher.counts(id)).containsExactly(10L);
        assertThat(stored(id)).as("GET answers the newer count at once").isEqualTo(11);

        viewers(id, 12);
        f.clock.advance(Duration.ofMillis(999));
        service.round();
        assertThat(publisher.counts(id)).containsExactly(10L);

        f.clock.advance(Duration.ofMillis(1));
        service.round();
        assertThat(publisher.counts(id)).as("15 s after the last frame").containsExactly(10L, 12L);
    }

    @Test
    void twoConcurrentRoundsPublishOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ids.add(liveShow(1_000 + attempt * 10 + i));
                }
                // Two pollers (an invocation overlapping the next minute's), each with its own service, same instant.
                List<ViewerCountService> pollers = List.of(service(publisher, d -> {}), service(publisher, d -> {}));
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<ViewerCountService.Round>> rounds = new ArrayList<>();
                for (ViewerCountService poller : pollers) {
                    rounds.add(pool.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return poller.round();
                    }));
                }
                int published = 0;
                for (Future<ViewerCountService.Round> round : rounds) {
                    published += round.get(30, TimeUnit.SECONDS).published();
                }
                for (int i = 0; i < ids.size(); i++) {
                    assertThat(publisher.counts(ids.get(i)))
                            .as("show %d of attempt %d", i, attempt)
                            .containsExactly(1_000L + attempt * 10 + i);
                }
                assertThat(published).isGreaterThanOrEqualTo(ids.size());
                f.clock.advance(Duration.ofSeconds(15));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChannelThatIsNotBroadcastingIsSkipped() throws Exception {
        String id = liveShow(50);
        String arn = f.channelOf(id);
        f.video.broadcasting.remove(arn);
        int before = f.video.getStreamCalls.size();
        ViewerCountService.Round round = service.round();
        assertThat(f.video.getStreamCalls.subList(before, f.video.getStreamCalls.size()))
                .contains(arn);
        assertThat(publisher.counts(id)).isEmpty();
        assertThat(stored(id)).isZero();
        assertThat(round.counted()).isLessThan(round.live());
        assertThat(round.failed()).isZero();
    }

    @Test
    void aFailingGetStreamForOneShowDoesNotStopTheOthers() throws Exception {
        String failing = liveShow(70);
        String fine = liveShow(80);
        f.video.getStreamFails.add(f.channelOf(failing));
        try (LogCapture logs = new LogCapture()) {
            ViewerCountService.Round round = service.round();
            assertThat(round.failed()).isEqualTo(1);
            assertThat(publisher.counts(fine)).containsExactly(80L);
            assertThat(publisher.counts(failing)).isEmpty();
            assertThat(logs.lines())
                    .anySatisfy(line -> assertThat(line).contains(failing).contains("ThrottledException"));
            assertThat(String.join("\n", logs.lines())).doesNotContain(f.video.streamKeys.get(f.channelOf(failing)));
        } finally {
            f.video.getStreamFails.clear();
        }
        f.clock.advance(Duration.ofSeconds(15));
        service.round();
        assertThat(publisher.counts(failing)).as("published once IVS answers").containsExactly(70L);
    }

    @Test
    void aFrameThatCouldNotBePublishedIsPublishedByALaterRound() throws Exception {
        String id = liveShow(33);
        publisher.down = true;
        service.round();
        publisher.down = false;
        f.clock.advance(Duration.ofSeconds(15));
        service.round();
        assertThat(publisher.counts(id)).containsExactly(33L);
    }

    @Test
    void getSessionAnswersTheStoredViewerCount() throws Exception {
        String id = liveShow(4_321);
        assertThat(f.get(id).body().get("viewerCount").asLong()).isZero();
        service.round();
        SessionsFixture.Response r = f.get(id);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("viewerCount").asLong()).isEqualTo(4_321);
    }

    @Test
    void theHandlerRunsFourRoundsFifteenSecondsApartFromTheScheduleEvent() {
        String id = liveShow(1);
        ScheduledEvent event = EventLoader.loadScheduledEvent(
                SessionsFixture.samplePath("viewer-count-schedule.json").toString());
        AtomicLong next = new AtomicLong(1);
        ViewerCountHandler handler = new ViewerCountHandler(service(publisher, d -> {
            sleeps.add(d);
            f.clock.advance(d);
            viewers(id, next.incrementAndGet());
        }));
        String result = handler.handleRequest(event, new TestContext("viewer-count", 70_000));
        assertThat(result).startsWith("rounds 4,");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(15));
        assertThat(publisher.counts(id)).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void pollingStopsWhenTheRemainingTimeCannotHoldAnotherRound() {
        long deadline = f.clock.millis() + 40_000;
        List<ViewerCountService.Round> rounds = service.poll(() -> (int) (deadline - f.clock.millis()));
        assertThat(rounds).hasSize(2);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(15));
    }

    @Test
    void getStreamIsPacedAtFourCallsPerSecondSoFiftyShowsFitInTwelveAndAHalfSeconds() throws Exception {
        AtomicLong nanos = new AtomicLong(0);
        IntervalPacer pacer =
                new IntervalPacer(SessionsWiring.GET_STREAM_PER_SECOND, nanos::get, d -> nanos.addAndGet(d.toNanos()));
        for (int i = 0; i < 50; i++) {
            pacer.await();
        }
        Duration took = Duration.ofNanos(nanos.get());
        assertThat(took)
                .isLessThanOrEqualTo(Duration.ofMillis(12_500))
                .isGreaterThanOrEqualTo(Duration.ofMillis(12_250));
    }

    @Test
    void eachGetStreamWaitsForThePacer() throws Exception {
        liveShow(5);
        AtomicInteger waits = new AtomicInteger();
        int before = f.video.getStreamCalls.size();
        ViewerCountService paced =
                f.wiring.viewerCountService(f.video, publisher, f.clock, d -> {}, waits::incrementAndGet);
        ViewerCountService.Round round = paced.round();
        assertThat(waits.get()).isEqualTo(round.live()).isEqualTo(f.video.getStreamCalls.size() - before);
    }
}
