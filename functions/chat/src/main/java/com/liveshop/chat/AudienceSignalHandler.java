package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.liveshop.chat.service.AudienceSignals;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.events.BusEvents;
import com.liveshop.shared.lambda.Invocation;
import java.util.Map;

/** EventBridge rule target: session status and featured products published to the show's channel. */
public class AudienceSignalHandler implements RequestHandler<Map<String, Object>, Void> {

    private final AudienceSignals signals;

    public AudienceSignalHandler() {
        this(AppConfig.fromEnvironment());
    }

    public AudienceSignalHandler(AppConfig config) {
        this(new AudienceSignals(new ChatWiring(config).publisher()));
    }

    public AudienceSignalHandler(AudienceSignals signals) {
        this.signals = signals;
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        return Invocation.run(context, () -> process(event, context));
    }

    private Void process(Map<String, Object> event, Context context) {
        BusEvents.read(event).ifPresent(signals::handle);
        return null;
    }
}
