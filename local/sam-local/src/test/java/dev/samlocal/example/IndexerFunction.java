package dev.samlocal.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * New notes from the notes table's stream (the template's filter passes INSERTs only) → one {@code NoteIndexed} event
 * each on the notes bus, {@code {"id": …, "words": n}}. A batch whose events the bus does not all take fails, so the
 * stream hands it over again.
 */
public final class IndexerFunction implements RequestHandler<DynamodbEvent, Void> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventBridgeClient eventBridge;
    private final String bus;
    private final String source;

    public IndexerFunction() {
        this(System.getenv());
    }

    public IndexerFunction(Map<String, String> environment) {
        this.eventBridge = ExampleClients.eventBridge(environment);
        this.bus = ExampleClients.required(environment, "EVENT_BUS");
        this.source = ExampleClients.required(environment, "EVENT_SOURCE");
    }

    @Override
    public Void handleRequest(DynamodbEvent event, Context context) {
        List<PutEventsRequestEntry> entries = event.getRecords().stream()
                .map(record -> indexed(record.getDynamodb().getNewImage()))
                .toList();
        // The template's BatchSize (10) is PutEvents' limit: one request per batch.
        PutEventsResponse response = eventBridge.putEvents(r -> r.entries(entries));
        if (response.failedEntryCount() > 0) {
            throw new IllegalStateException(
                    response.failedEntryCount() + " of " + entries.size() + " NoteIndexed events refused");
        }
        return null;
    }

    private PutEventsRequestEntry indexed(Map<String, AttributeValue> note) {
        String text = note.get("text").getS();
        Map<String, Object> detail =
                Map.of("id", note.get("id").getS(), "words", text.strip().split("\\s+").length);
        try {
            return PutEventsRequestEntry.builder()
                    .eventBusName(bus)
                    .source(source)
                    .detailType("NoteIndexed")
                    .detail(JSON.writeValueAsString(detail))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
