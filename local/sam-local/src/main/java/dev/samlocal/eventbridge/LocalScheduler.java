package dev.samlocal.eventbridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.core.LocalAws;
import dev.samlocal.lambda.LocalFunction;
import dev.samlocal.lambda.TemplateFunctions;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template's schedules (Schedule / ScheduleV2 events, and AWS::Events::Rule with a ScheduleExpression) run locally:
 * {@code rate(...)} on a timer, first after one period as EventBridge does; {@code cron(...)} is logged as not run by
 * itself. Any schedule can be run at once with {@link #runNow(String)}.
 */
public final class LocalScheduler implements AutoCloseable {

    /** One schedule targeting a function; {@code input} is the fixed payload, or null for the scheduled event. */
    public record Schedule(String name, String expression, LocalFunction target, String source, String input) {}

    private static final Logger LOG = LoggerFactory.getLogger(LocalScheduler.class);
    private static final Pattern RATE =
            Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");

    private final Clock clock;
    private final Map<String, List<Schedule>> byFunction = new LinkedHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-scheduler");
        t.setDaemon(true);
        return t;
    });
    /**
     * EventBridge Scheduler invokes each target on its own, so one function that runs long (the viewer-count poller
     * spends most of its minute between rounds) must not hold up the others: the timer only fires, invocations run
     * here.
     */
    private final ExecutorService invocations = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-schedule-invocation");
        t.setDaemon(true);
        return t;
    });

    public LocalScheduler(Clock clock) {
        this.clock = clock;
    }

    public void add(Schedule schedule) {
        byFunction
                .computeIfAbsent(schedule.target().logicalId(), k -> new ArrayList<>())
                .add(schedule);
    }

    public List<Schedule> schedules() {
        return byFunction.values().stream().flatMap(List::stream).toList();
    }

    /** Starts the timers of every rate() schedule. */
    public void start() {
        for (Schedule schedule : schedules()) {
            Optional<Duration> period = rate(schedule.expression());
            if (period.isEmpty()) {
                LOG.warn(
                        "Schedule {} ({}) is not run by the local stack on its own; "
                                + "run it with POST /_local/schedules/{}/run",
                        schedule.name(),
                        schedule.expression(),
                        schedule.target().logicalId());
                continue;
            }
            long millis = period.get().toMillis();
            timer.scheduleAtFixedRate(() -> fire(schedule), millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Runs the (first) schedule of a function now; returns the handler's result JSON, empty if it has none. */
    public Optional<String> runNow(String functionLogicalId) {
        List<Schedule> schedules = byFunction.get(functionLogicalId);
        if (schedules == null || schedules.isEmpty()) {
            return Optional.empty();
        }
        Schedule schedule = schedules.get(0);
        return Optional.of(schedule.target().invoke(payload(schedule)));
    }

    /** What the timer does when a schedule is due: start its invocation and return at once. */
    void fire(Schedule schedule) {
        try {
            invocations.execute(() -> run(schedule));
        } catch (RejectedExecutionException e) {
            LOG.debug("Schedule {} fired while the scheduler closes", schedule.name());
        }
    }

    private void run(Schedule schedule) {
        try {
            schedule.target().invoke(payload(schedule));
        } catch (RuntimeException e) {
            LOG.error(
                    "Schedule {} of {} failed: {}",
                    schedule.name(),
                    schedule.target().logicalId(),
                    e.toString(),
                    e.getCause());
        }
    }

    /** The scheduled event EventBridge sends (detail-type "Scheduled Event"), unless the schedule has an Input. */
    String payload(Schedule schedule) {
        if (schedule.input() != null) {
            return schedule.input();
        }
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", schedule.source());
        event.put("account", TemplateFunctions.ACCOUNT_ID);
        event.put("time", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", LocalAws.REGION);
        event.putArray("resources")
                .add("arn:aws:events:" + LocalAws.REGION + ":" + TemplateFunctions.ACCOUNT_ID + ":rule/"
                        + schedule.name());
        event.putObject("detail");
        return Json.write(event);
    }

    /** The period of a {@code rate(...)} expression; empty for cron(...) and at(...). */
    public static Optional<Duration> rate(String expression) {
        Matcher m = RATE.matcher(expression.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        if (n <= 0) {
            return Optional.empty();
        }
        return Optional.of(
                switch (m.group(2)) {
                    case "minute", "minutes" -> Duration.ofMinutes(n);
                    case "hour", "hours" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
    }

    @Override
    public void close() {
        timer.shutdownNow();
        invocations.shutdownNow();
    }
}
