package dev.samlocal.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.lambda.LocalFunction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One SQS event source mapping at work, as Lambda runs it: {@code maximumConcurrency} workers long-poll the queue on
 * ElasticMQ with the real {@code SqsClient} (up to 10 messages a receive, gathered up to BatchSize for the batching
 * window), invoke the function with an {@code SQSEvent} shaped as Lambda sends it, and delete the batch
 * (DeleteMessageBatch) only when the function returns. A thrown error deletes nothing: every message comes back after
 * its visibility timeout and, past the queue's maxReceiveCount, ElasticMQ moves it to the dead-letter queue. With
 * ReportBatchItemFailures, {@code {"batchItemFailures":[{"itemIdentifier"}]}} keeps just those messages; an identifier
 * that is empty or not in the batch fails the whole batch, as Lambda does.
 */
public final class SqsPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsPoller.class);
    /**
     * Lambda's pollers long-poll for up to 20 s; here a poll in flight cannot be interrupted (the SDK's blocking HTTP
     * client) and ElasticMQ waits for open polls when it stops, so 20 s polls made every stack take ~10 s to close. A 1
     * s poll costs a receive per second per poller on loopback and closes at once.
     */
    private static final int POLL_SECONDS = 1;

    private final SqsEventSource source;
    private final String queueUrl;
    private final LocalSqs sqs;
    private final ExecutorService workers;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failedInvocations = new AtomicLong();
    private final AtomicLong messagesDelivered = new AtomicLong();
    private final AtomicLong messagesDeleted = new AtomicLong();
    private final AtomicLong messagesFailed = new AtomicLong();

    SqsPoller(SqsEventSource source, String queueUrl, LocalSqs sqs) {
        this.source = source;
        this.queueUrl = queueUrl;
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

    public SqsEventSource source() {
        return source;
    }

    /** For {@code GET /_local}: the mapping's settings and its counters since the start. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", source.id());
        d.put("function", source.function().logicalId());
        d.put("queueArn", source.queueArn());
        d.put("queueUrl", queueUrl);
        d.put("batchSize", source.batchSize());
        d.put("maximumBatchingWindowInSeconds", source.batchingWindowSeconds());
        d.put("reportBatchItemFailures", source.reportBatchItemFailures());
        d.put("maximumConcurrency", source.maximumConcurrency());
        d.put("invocations", invocations.get());
        d.put("failedInvocations", failedInvocations.get());
        d.put("messagesDelivered", messagesDelivered.get());
        d.put("messagesDeleted", messagesDeleted.get());
        d.put("messagesReportedFailed", messagesFailed.get());
        return d;
    }

    /** Whether a worker holds a batch it has not finished with. */
    boolean busy() {
        return busy.get() > 0;
    }

    private void work() {
        while (!sqs.closed()) {
            try {
                List<Message> batch = nextBatch();
                if (!batch.isEmpty()) {
                    try {
                        deliver(batch);
                    } finally {
                        busy.decrementAndGet();
                    }
                }
            } catch (RuntimeException e) {
                if (sqs.closed() || Thread.currentThread().isInterrupted()) {
                    return;
                }
                LOG.error("SQS event source {} failed to poll: {}", source.id(), e.toString());
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One long poll, then more receives until BatchSize or the batching window ends; {@link #busy} counts it when not
     * empty.
     */
    private List<Message> nextBatch() {
        List<Message> batch = new ArrayList<>();
        List<Message> first = receive(Math.min(10, source.batchSize()), POLL_SECONDS);
        if (first.isEmpty()) {
            return batch;
        }
        busy.incrementAndGet();
        batch.addAll(first);
        long windowEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(source.batchingWindowSeconds());
        try {
            while (batch.size() < source.batchSize() && System.nanoTime() - windowEnd < 0 && !sqs.closed()) {
                int waitSeconds = (int) Math.max(
                        1, Math.min(POLL_SECONDS, TimeUnit.NANOSECONDS.toSeconds(windowEnd - System.nanoTime())));
                batch.addAll(receive(Math.min(10, source.batchSize() - batch.size()), waitSeconds));
            }
        } catch (RuntimeException e) {
            busy.decrementAndGet();
            throw e;
        }
        return batch;
    }

    private List<Message> receive(int max, int waitSeconds) {
        return sqs.client()
                .receiveMessage(r -> r.queueUrl(queueUrl)
                        .maxNumberOfMessages(max)
                        .waitTimeSeconds(waitSeconds)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                .messages();
    }

    private void deliver(List<Message> batch) {
        String result;
        invocations.incrementAndGet();
        messagesDelivered.addAndGet(batch.size());
        try {
            result = source.function().invoke(event(batch).toString());
        } catch (RuntimeException e) {
            failedInvocations.incrementAndGet();
            LOG.warn(
                    "SQS event source {}: {} messages left for redelivery after a function error: {}",
                    source.id(),
                    batch.size(),
                    e instanceof LocalFunction.FunctionError ? e.getCause().toString() : e.toString());
            return;
        }
        Set<String> failed = source.reportBatchItemFailures() ? failedIds(result, batch) : Set.of();
        messagesFailed.addAndGet(failed.size());
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Message message = batch.get(i);
            if (!failed.contains(message.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder()
                        .id("m" + i)
                        .receiptHandle(message.receiptHandle())
                        .build());
            }
        }
        for (int from = 0; from < done.size(); from += 10) {
            List<DeleteMessageBatchRequestEntry> page = done.subList(from, Math.min(done.size(), from + 10));
            DeleteMessageBatchResponse response =
                    sqs.client().deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(page));
            messagesDeleted.addAndGet(response.successful().size());
            response.failed()
                    .forEach(f -> LOG.warn(
                            "SQS event source {}: a message was not deleted ({}): it comes back",
                            source.id(),
                            f.code()));
        }
    }

    /**
     * The identifiers the function reported; every message of the batch when the response names one it does not hold.
     */
    private Set<String> failedIds(String result, List<Message> batch) {
        Set<String> inBatch = new HashSet<>();
        batch.forEach(m -> inBatch.add(m.messageId()));
        JsonNode failures;
        try {
            failures = Json.MAPPER
                    .readTree(result == null || result.isBlank() ? "null" : result)
                    .path("batchItemFailures");
        } catch (Exception e) {
            return Set.of();
        }
        Set<String> failed = new HashSet<>();
        for (JsonNode failure : failures) {
            String id = failure.path("itemIdentifier").asText("");
            if (!inBatch.contains(id)) {
                LOG.warn(
                        "SQS event source {}: batchItemFailures names '{}', not a message of the batch: "
                                + "the whole batch fails",
                        source.id(),
                        id);
                return inBatch;
            }
            failed.add(id);
        }
        return failed;
    }

    private ObjectNode event(List<Message> batch) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : batch) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            ObjectNode attributes = record.putObject("attributes");
            for (String name : List.of(
                    "ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp")) {
                String value = m.attributesAsStrings().get(name);
                if (value != null) {
                    attributes.put(name, value);
                }
            }
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
