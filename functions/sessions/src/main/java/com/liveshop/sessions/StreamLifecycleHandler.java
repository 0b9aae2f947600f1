package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.liveshop.sessions.service.IvsEvent;
import com.liveshop.sessions.service.StreamLifecycleService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.lambda.Invocation;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge rule target for {@code source: aws.ivs} stream and recording state changes. An event we cannot read is
 * logged and dropped (a retry would not help); a DynamoDB failure throws so EventBridge/Lambda retry, which is safe
 * because every change is idempotent.
 */
public class StreamLifecycleHandler implements RequestHandler<Map<String, Object>, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamLifecycleHandler.class);

    private final StreamLifecycleService lifecycle;

    public StreamLifecycleHandler() {
        this(AppConfig.fromEnvironment());
    }

    public StreamLifecycleHandler(AppConfig config) {
        this(wire(config));
    }

    private static StreamLifecycleService wire(AppConfig config) {
        SessionsWiring wiring = new SessionsWiring(config);
        return wiring.lifecycleService(wiring.eventBridgePublisher());
    }

    public StreamLifecycleHandler(StreamLifecycleService lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        return Invocation.run(context, () -> process(event, context));
    }

    private Void process(Map<String, Object> event, Context context) {
        IvsEvent.parse(event == null ? null : Json.MAPPER.valueToTree(event))
                .ifPresentOrElse(
                        lifecycle::handle,
                        () -> LOG.warn(
                                "Dropping an event that is not a readable IVS state change (request {})",
                                context == null ? "-" : context.getAwsRequestId()));
        return null;
    }
}
