package com.liveshop.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.liveshop.shared.config.AppConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only handler (named by src/test/resources/sqs-template.yaml): records every batch it gets. A message whose body
 * starts with "report:" is returned as a batch item failure every time; "throwOnce:" makes the whole invocation fail
 * the first time that message is seen; "bogus:" makes the handler report an identifier that is not in the batch. Counts
 * how many invocations run at once.
 */
public class SqsRecordingHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final List<SQSEvent> BATCHES = new CopyOnWriteArrayList<>();
    /** The most invocations that ran at once. */
    static final AtomicInteger MOST_AT_ONCE = new AtomicInteger();

    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static final Map<String, Boolean> THROWN = new ConcurrentHashMap<>();

    public SqsRecordingHandler(AppConfig config) {}

    /** Every message received so far, in order (a redelivered message appears once per delivery). */
    static List<SQSEvent.SQSMessage> messages() {
        List<SQSEvent.SQSMessage> all = new ArrayList<>();
        BATCHES.forEach(b -> all.addAll(b.getRecords()));
        return all;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        MOST_AT_ONCE.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
        try {
            return handle(event);
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    private SQSBatchResponse handle(SQSEvent event) {
        BATCHES.add(event);
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            String body = message.getBody();
            if (body.startsWith("throwOnce:") && THROWN.putIfAbsent(message.getMessageId(), true) == null) {
                throw new IllegalStateException("first delivery of a throwOnce message fails");
            }
            if (body.startsWith("report:")) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
            if (body.startsWith("bogus:")) {
                failures.add(new SQSBatchResponse.BatchItemFailure("not-a-message-of-this-batch"));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
