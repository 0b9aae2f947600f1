package com.liveshop.local.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.liveshop.local.LocalFunction;
import com.liveshop.shared.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQS event source mapping at work, as Lambda runs it: {@code maximumConcurrency} workers long-poll the local
 * queue in-process (up to 10 messages a receive, gathered up to BatchSize for the batching window), invoke the
 * function with an {@code SQSEvent} shaped as Lambda sends it, and delete the batch when the function returns. A
 * thrown error leaves every message to come back after its visibility timeout (and, past maxReceiveCount, go to the
 * dead-letter queue). With ReportBatchItemFailures, {@code {"batchItemFailures":[{"itemIdentifier"}]}} keeps just
 * those messages; an identifier that is empty or not in the batch fails the whole batch, as Lambda does.
 */
final class SqsPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsPoller.class);
    private static final int POLL_SECONDS = 20;

    private final SqsEventSource source;
    private final LocalSqs sqs;
    private final ExecutorService workers;
    private final AtomicInteger busy = new AtomicInteger();

    SqsPoller(SqsEventSource source, LocalSqs sqs) {
        this.source = source;
        this.sqs = sqs;
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(source.maximumConcurrency(), r -> {
            Thread t = new Thread(r, "sqs-" + source.id() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < source.maximumConcurrency(); i++) {
            workers.execute(this::work);
        }
    }

    SqsEventSource source() {
        return source;
    }

    /** Whether a worker holds a batch it has not finished with. */
    boolean busy() {
        return busy.get() > 0;
    }

    private void work() {
        while (!sqs.closed()) {
            try {
                List<LocalSqs.Received> batch = nextBatch();
                if (!batch.isEmpty()) {
                    try {
                        deliver(batch);
                    } finally {
                        busy.decrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("SQS event source {} failed to poll", source.id(), e);
            }
        }
    }

    /** One long poll, then more receives until BatchSize or the batching window ends; {@link #busy} counts it when not empty. */
    private List<LocalSqs.Received> nextBatch() throws InterruptedException {
        List<LocalSqs.Received> batch = new ArrayList<>();
        List<LocalSqs.Received> first = sqs.receive(source.queueArn(), Math.min(10, source.batchSize()), POLL_SECONDS, null);
        if (first.isEmpty()) {
            return batch;
        }
        busy.incrementAndGet();
        batch.addAll(first);
        long windowEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(source.batchingWindowSeconds());
        while (batch.size() < source.batchSize() && System.nanoTime() - windowEnd < 0 && !sqs.closed()) {
            int waitSeconds = (int) Math.max(1, Math.min(POLL_SECONDS, TimeUnit.NANOSECONDS.toSeconds(windowEnd - System.nanoTime())));
            batch.addAll(sqs.receive(source.queueArn(), Math.min(10, source.batchSize() - batch.size()), waitSeconds, null));
        }
        return batch;
    }

    private void deliver(List<LocalSqs.Received> batch) {
        String result;
        try {
            result = source.function().invoke(event(batch).toString());
        } catch (RuntimeException e) {
            LOG.warn("SQS event source {}: {} messages left for redelivery after a function error: {}", source.id(), batch.size(),
                    e instanceof LocalFunction.FunctionError ? e.getCause().toString() : e.toString());
            return;
        }
        Set<String> failed = source.reportBatchItemFailures() ? failedIds(result, batch) : Set.of();
        for (LocalSqs.Received message : batch) {
            if (!failed.contains(message.messageId())) {
                sqs.delete(source.queueArn(), message.receiptHandle());
            }
        }
    }

    /** The identifiers the function reported; every message of the batch when the response names one it does not hold. */
    private Set<String> failedIds(String result, List<LocalSqs.Received> batch) {
        Set<String> inBatch = new HashSet<>();
        batch.forEach(m -> inBatch.add(m.messageId()));
        JsonNode failures;
        try {
            failures = Json.MAPPER.readTree(result == null || result.isBlank() ? "null" : result).path("batchItemFailures");
        } catch (Exception e) {
            return Set.of();
        }
        Set<String> failed = new HashSet<>();
        for (JsonNode failure : failures) {
            String id = failure.path("itemIdentifier").asText("");
            if (!inBatch.contains(id)) {
                LOG.warn("SQS event source {}: batchItemFailures names '{}', not a message of the batch: the whole batch fails",
                        source.id(), id);
                return inBatch;
            }
            failed.add(id);
        }
        return failed;
    }

    private ObjectNode event(List<LocalSqs.Received> batch) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (LocalSqs.Received m : batch) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            ObjectNode attributes = record.putObject("attributes");
            attributes.put("ApproximateReceiveCount", String.valueOf(m.receiveCount()));
            attributes.put("SentTimestamp", String.valueOf(m.sentTimestamp()));
            attributes.put("SenderId", m.senderId());
            attributes.put("ApproximateFirstReceiveTimestamp", String.valueOf(m.firstReceiveTimestamp()));
            record.putObject("messageAttributes");
            record.put("md5OfBody", m.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", source.queueArn());
            record.put("awsRegion", LocalSqs.REGION);
        }
        return event;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
