package com.liveshop.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.liveshop.shared.config.AppConfig;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test-only handler (named by src/test/resources/ivs-template.yaml): records the IVS events its rule routes to it. */
public class IvsEventRecorder implements RequestHandler<ScheduledEvent, String> {

    static final List<ScheduledEvent> RECEIVED = new CopyOnWriteArrayList<>();
    static volatile AppConfig lastConfig;

    public IvsEventRecorder(AppConfig config) {
        lastConfig = config;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        RECEIVED.add(event);
        return "received " + event.getDetailType();
    }
}
