package com.liveshop.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.liveshop.shared.config.AppConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test-only handler (named by src/test/resources/streams-template.yaml): records every batch it gets, per function. An
 * item whose NewImage has {@code fail} = "throw" makes the whole invocation fail every time, "throwOnce" the first time
 * it is seen; "report" is returned as a batch item failure every time, "reportOnce" the first time.
 */
public class StreamRecordingHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    static final Map<String, List<DynamodbEvent>> BATCHES = new ConcurrentHashMap<>();
    private static final Map<String, Boolean> THROWN_ONCE = new ConcurrentHashMap<>();

    public StreamRecordingHandler(AppConfig config) {}

    /** Every batch the function received so far. */
    static List<DynamodbEvent> batches(String function) {
        return BATCHES.computeIfAbsent(function, f -> new CopyOnWriteArrayList<>());
    }

    /** Every record the function received so far, in order (a retried record appears once per attempt). */
    static List<DynamodbEvent.DynamodbStreamRecord> records(String function) {
        List<DynamodbEvent.DynamodbStreamRecord> all = new ArrayList<>();
        batches(function).forEach(b -> all.addAll(b.getRecords()));
        return all;
    }

    static String pk(DynamodbEvent.DynamodbStreamRecord record) {
        return record.getDynamodb().getKeys().get("pk").getS();
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        String function = context.getFunctionName();
        batches(function).add(event);
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            Map<String, AttributeValue> image = record.getDynamodb().getNewImage();
            String fail = image == null || image.get("fail") == null
                    ? ""
                    : image.get("fail").getS();
            switch (fail) {
                case "throw" -> throw new IllegalStateException("cannot handle " + pk(record));
                case "throwOnce" -> {
                    if (THROWN_ONCE.putIfAbsent(function + "/" + record.getEventID(), true) == null) {
                        throw new IllegalStateException("first attempt at " + pk(record) + " fails");
                    }
                }
                case "report" -> failures.add(failure(record));
                case "reportOnce" -> {
                    if (THROWN_ONCE.putIfAbsent(function + "/" + record.getEventID(), true) == null) {
                        failures.add(failure(record));
                    }
                }
                default -> {}
            }
        }
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }

    private static StreamsEventResponse.BatchItemFailure failure(DynamodbEvent.DynamodbStreamRecord record) {
        return StreamsEventResponse.BatchItemFailure.builder()
                .withItemIdentifier(record.getDynamodb().getSequenceNumber())
                .build();
    }
}
