package dev.samlocal.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.samlocal.lambda.LocalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Schedules fire independently, as EventBridge Scheduler invokes each target on its own. */
class LocalSchedulerTest {

    /** A scheduled function that blocks until released (like the viewer-count poller between its rounds). */
    static final class Blocking implements RequestHandler<ScheduledEvent, String> {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String handleRequest(ScheduledEvent event, Context context) {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "released";
        }
    }

    static final class Quick implements RequestHandler<ScheduledEvent, String> {
        final CountDownLatch ran = new CountDownLatch(1);

        @Override
        public String handleRequest(ScheduledEvent event, Context context) {
            ran.countDown();
            return "ran";
        }
    }

    @Test
    void aLongRunningScheduledFunctionDoesNotHoldUpTheOthers() throws Exception {
        Blocking slow = new Blocking();
        Quick quick = new Quick();
        LocalFunction slowFunction =
                new LocalFunction("SlowFunction", Blocking.class.getName(), Map.of(), List.of(), 70, slow, null);
        LocalFunction quickFunction =
                new LocalFunction("QuickFunction", Quick.class.getName(), Map.of(), List.of(), 15, quick, null);
        try (LocalScheduler scheduler = new LocalScheduler(Clock.systemUTC())) {
            LocalScheduler.Schedule slowSchedule =
                    new LocalScheduler.Schedule("Slow", "rate(1 minute)", slowFunction, "aws.scheduler", null);
            LocalScheduler.Schedule quickSchedule =
                    new LocalScheduler.Schedule("Quick", "rate(1 minute)", quickFunction, "aws.scheduler", null);
            long before = System.nanoTime();
            scheduler.fire(slowSchedule);
            assertThat(Duration.ofNanos(System.nanoTime() - before))
                    .as("the timer is not held by the invocation")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(slow.started.await(10, TimeUnit.SECONDS)).isTrue();
            scheduler.fire(quickSchedule);
            assertThat(quick.ran.await(10, TimeUnit.SECONDS))
                    .as("ran while the slow one still runs")
                    .isTrue();
            assertThat(slow.release.getCount()).isEqualTo(1);
            slow.release.countDown();
        }
    }
}
