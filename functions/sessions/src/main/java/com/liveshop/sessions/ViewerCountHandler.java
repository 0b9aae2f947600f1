package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.liveshop.sessions.service.IntervalPacer;
import com.liveshop.sessions.service.ViewerCountService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.lambda.Invocation;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge Scheduler target (rate(1 minute)): polls IVS's viewer count of every live show in rounds 15 s apart for
 * as long as the invocation's remaining time allows (template Timeout 70 s: four rounds), stores it on the session and
 * publishes the {@code viewers} frame to {@code /shows/{sessionId}} when it changed.
 */
public class ViewerCountHandler implements RequestHandler<ScheduledEvent, String> {

    private static final Logger LOG = LoggerFactory.getLogger(ViewerCountHandler.class);

    private final ViewerCountService viewers;

    public ViewerCountHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ViewerCountHandler(AppConfig config) {
        this(wire(new SessionsWiring(config)));
    }

    private static ViewerCountService wire(SessionsWiring wiring) {
        return wiring.viewerCountService(
                wiring.ivs(),
                wiring.channelPublisher(),
                Clock.systemUTC(),
                ViewerCountService.Sleeper.REAL,
                IntervalPacer.perSecond(SessionsWiring.GET_STREAM_PER_SECOND));
    }

    public ViewerCountHandler(ViewerCountService viewers) {
        this.viewers = viewers;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        return Invocation.run(context, () -> process(event, context));
    }

    private String process(ScheduledEvent event, Context context) {
        List<ViewerCountService.Round> rounds = viewers.poll(context::getRemainingTimeInMillis);
        int published =
                rounds.stream().mapToInt(ViewerCountService.Round::published).sum();
        int failed = rounds.stream().mapToInt(ViewerCountService.Round::failed).sum();
        LOG.info("Viewer counts: {} rounds, {} frames published, {} failures", rounds.size(), published, failed);
        return "rounds " + rounds.size() + ", published " + published + ", failed " + failed;
    }
}
