package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.chat.service.ViewerSignal;
import com.liveshop.shared.config.AppConfig;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Scheduled (every minute): pushes the trailing viewer count of live sessions whose count changed unseen. */
public class ViewerCountHandler implements RequestHandler<ScheduledEvent, String> {

    private static final Logger LOG = LoggerFactory.getLogger(ViewerCountHandler.class);

    private final ViewerSignal viewers;
    private final ChatRepository chat;

    public ViewerCountHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ViewerCountHandler(AppConfig config) {
        this(new ChatWiring(config), Clock.systemUTC());
    }

    ViewerCountHandler(ChatWiring wiring, Clock clock) {
        this(wiring.viewerSignal(clock), wiring.chat());
    }

    public ViewerCountHandler(ViewerSignal viewers, ChatRepository chat) {
        this.viewers = viewers;
        this.chat = chat;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        int pushed = viewers.flush(chat);
        LOG.info("Viewer counts pushed to {} live sessions", pushed);
        return "pushed " + pushed;
    }
}
