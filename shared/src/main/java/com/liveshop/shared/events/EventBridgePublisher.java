package com.liveshop.shared.events;

import com.liveshop.shared.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * PutEvents to the configured bus. Publishing happens after the DynamoDB write committed, so a failure
 * here is logged (detail type and entry error only, never the detail, which may hold an email) and not
 * turned into a failed request: the order exists either way.
 */
public final class EventBridgePublisher implements EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(EventBridgePublisher.class);

    private final EventBridgeClient client;
    private final String busName;

    public EventBridgePublisher(EventBridgeClient client, String busName) {
        this.client = client;
        this.busName = busName;
    }

    @Override
    public void publish(String detailType, Object detail) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(SOURCE)
                .detailType(detailType)
                .detail(Json.write(detail))
                .build();
        try {
            PutEventsResponse response = client.putEvents(r -> r.entries(entry));
            if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
                LOG.error("Event {} was not accepted by bus {}: {}", detailType, busName,
                        response.entries().get(0).errorCode());
            }
        } catch (RuntimeException e) {
            LOG.error("Event {} could not be put on bus {}: {}", detailType, busName, e.toString());
        }
    }
}
