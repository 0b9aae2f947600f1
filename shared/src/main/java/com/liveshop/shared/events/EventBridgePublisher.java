package com.liveshop.shared.events;

import com.liveshop.shared.json.Json;
import com.liveshop.shared.metrics.ShowMetrics;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * PutEvents to the configured bus: each event's record, written by the shared mapper, is its detail. Log lines name the
 * detail type and the entry's error only, never the detail, which may hold an email.
 */
public final class EventBridgePublisher implements EventPublisher {

    /** PutEvents takes at most 10 entries per request. */
    static final int MAX_ENTRIES = 10;

    private static final Logger LOG = LoggerFactory.getLogger(EventBridgePublisher.class);

    private final EventBridgeClient client;
    private final String busName;
    private final ShowMetrics metrics;

    public EventBridgePublisher(EventBridgeClient client, String busName) {
        this(client, busName, ShowMetrics.NONE);
    }

    /** {@code metrics} counts the events {@link #publish} gave up on. */
    public EventBridgePublisher(EventBridgeClient client, String busName, ShowMetrics metrics) {
        this.client = client;
        this.busName = busName;
        this.metrics = metrics;
    }

    @Override
    public void publish(BusEvent event) {
        try {
            publishAll(List.of(event));
        } catch (PublishFailedException e) {
            metrics.publishFailed(ShowMetrics.EVENTBRIDGE, 1);
            LOG.error("Event {} was not put on bus {}: {}", event.detailType(), busName, e.getMessage());
        }
    }

    @Override
    public void publishAll(List<BusEvent> events) {
        for (int from = 0; from < events.size(); from += MAX_ENTRIES) {
            List<BusEvent> chunk = events.subList(from, Math.min(from + MAX_ENTRIES, events.size()));
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            chunk.forEach(e -> entries.add(PutEventsRequestEntry.builder()
                    .eventBusName(busName)
                    .source(BusEvent.SOURCE)
                    .detailType(e.detailType())
                    .detail(Json.write(e))
                    .build()));
            PutEventsResponse response;
            try {
                response = client.putEvents(r -> r.entries(entries));
            } catch (RuntimeException e) {
                throw new PublishFailedException(
                        from,
                        "PutEvents to " + busName + " failed: " + e.getClass().getSimpleName(),
                        e);
            }
            if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
                List<PutEventsResultEntry> results = response.entries();
                for (int i = 0; i < results.size(); i++) {
                    if (results.get(i).errorCode() != null) {
                        throw new PublishFailedException(
                                from + i,
                                "Bus " + busName + " refused " + chunk.get(i).detailType() + ": "
                                        + results.get(i).errorCode(),
                                null);
                    }
                }
                throw new PublishFailedException(from, "Bus " + busName + " refused entries", null);
            }
        }
    }
}
