package dev.samlocal.dynamodb.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.lambda.LocalFunction;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * One event source mapping at work, as Lambda runs it: polls the table's stream on DynamoDB Local through the real
 * streams API (DescribeStream → shards → GetShardIterator → GetRecords) every {@value #POLL_MILLIS} ms, a child shard
 * only after its parent is read to the end; drops records the filter criteria reject; hands the rest to the function in
 * batches, in order per shard, on one thread. A failed batch is retried (bisected, or from the first failed item with
 * ReportBatchItemFailures) until MaximumRetryAttempts, then logged and skipped. Nothing that goes wrong stops the
 * poller.
 */
public final class DynamoDbStreamPoller implements AutoCloseable {

    static final int POLL_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final int TRIMMED_BEFORE_WARNING = 20;
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbStreamPoller.class);

    /** A record read from a shard and waiting for its batch. */
    private record Pending(String sequenceNumber, JsonNode json) {}

    /** Where the poller is in one shard. */
    private static final class ShardState {
        final String shardId;
        final String parentShardId;
        ShardIteratorType startAt;
        /** Records up to this sequence number were in the shard before a LATEST mapping began: not delivered. */
        BigInteger skipThrough;

        String iterator;
        String lastRead;
        boolean exhausted;
        final List<Pending> buffer = new ArrayList<>();
        long firstBufferedNanos;
        int trimmedInARow;

        ShardState(String shardId, String parentShardId, ShardIteratorType startAt) {
            this.shardId = shardId;
            this.parentShardId = parentShardId;
            this.startAt = startAt;
        }
    }

    private final StreamEventSource source;
    private final DynamoDbStreamsClient streams;
    private final ScheduledExecutorService executor;
    private final Map<String, ShardState> shards = new LinkedHashMap<>();
    private final java.util.Set<String> finishedShards = new java.util.HashSet<>();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failedInvocations = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    /**
     * System.nanoTime() at the start of the latest cycle that found every shard read to its end and nothing pending;
     * null until such a cycle. (A Long.MIN_VALUE start would make {@link #idleSince} true for a poller still on its
     * first poll: MIN_VALUE - since overflows to a positive number.)
     */
    private volatile Long lastIdleCycleStart;

    /**
     * Finds the stream's shards and takes the starting iterators now (so LATEST means "from this call on"), then polls
     * in the background.
     */
    public DynamoDbStreamPoller(StreamEventSource source, DynamoDbStreamsClient streams) {
        this.source = source;
        this.streams = streams;
        boolean latest = source.startingPosition().equals("LATEST");
        for (Shard shard : describe()) {
            // LATEST is "after the newest record now". DynamoDB Local answers any iterator taken on a still-empty shard
            // with TrimmedDataAccess once records arrive, so a LATEST iterator cannot be kept: remember that record
            // instead.
            ShardState state = new ShardState(shard.shardId(), shard.parentShardId(), ShardIteratorType.TRIM_HORIZON);
            boolean closed = shard.sequenceNumberRange() != null
                    && shard.sequenceNumberRange().endingSequenceNumber() != null;
            if (latest && closed) {
                finishedShards.add(shard.shardId()); // nothing after "now" can be in a closed shard
                continue;
            }
            if (latest) {
                state.skipThrough = newestSequenceNumber(shard.shardId());
            }
            shards.put(shard.shardId(), state);
        }
        String name = "ddb-stream-" + source.id();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::cycle, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    public StreamEventSource source() {
        return source;
    }

    /**
     * True once a poll cycle that started after {@code sinceNanos} (System.nanoTime) found nothing new and nothing
     * pending.
     */
    public boolean idleSince(long sinceNanos) {
        Long idleCycleStart = lastIdleCycleStart;
        return idleCycleStart != null && idleCycleStart - sinceNanos > 0;
    }

    /** Counters for GET /_local. */
    public Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("invocations", invocations.get());
        stats.put("failedInvocations", failedInvocations.get());
        stats.put("recordsDelivered", delivered.get());
        stats.put("recordsFiltered", filtered.get());
        stats.put("recordsSkipped", skipped.get());
        return stats;
    }

    private void cycle() {
        long started = System.nanoTime();
        try {
            boolean idle = true;
            discoverShards();
            for (ShardState shard : List.copyOf(shards.values())) {
                if (shard.parentShardId != null && shards.containsKey(shard.parentShardId)) {
                    idle = false; // the parent is still being read: its records come first
                    continue;
                }
                int read = read(shard);
                idle &= read == 0;
                flush(shard);
                idle &= shard.buffer.isEmpty();
                if (shard.exhausted && shard.buffer.isEmpty()) {
                    shards.remove(shard.shardId);
                    finishedShards.add(shard.shardId);
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
            if (idle) {
                lastIdleCycleStart = started;
            }
        } catch (Throwable e) { // the poller must outlive anything: the next cycle tries again
            if (executor.isShutdown()) {
                return; // stopping: the interrupted call is expected
            }
            LOG.error("Stream event source {}: poll failed: {}", source.id(), e.toString(), e);
        }
    }

    private List<Shard> describe() {
        List<Shard> all = new ArrayList<>();
        String after = null;
        do {
            String start = after;
            StreamDescription description = streams.describeStream(
                            r -> r.streamArn(source.streamArn()).exclusiveStartShardId(start))
                    .streamDescription();
            all.addAll(description.shards());
            after = description.lastEvaluatedShardId();
        } while (after != null);
        return all;
    }

    /** New shards (the stream rolled over or split): read from their beginning, after their parents. */
    private void discoverShards() {
        for (Shard shard : describe()) {
            if (!shards.containsKey(shard.shardId()) && !finishedShards.contains(shard.shardId())) {
                shards.put(
                        shard.shardId(),
                        new ShardState(shard.shardId(), shard.parentShardId(), ShardIteratorType.TRIM_HORIZON));
            }
        }
    }

    /** The sequence number of the shard's newest record, null when it has none. */
    private BigInteger newestSequenceNumber(String shardId) {
        String iterator = streams.getShardIterator(r -> r.streamArn(source.streamArn())
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        BigInteger newest = null;
        while (iterator != null) {
            String current = iterator;
            GetRecordsResponse page =
                    streams.getRecords(r -> r.shardIterator(current).limit(1000));
            if (page.records().isEmpty()) {
                break;
            }
            newest = new BigInteger(
                    page.records().get(page.records().size() - 1).dynamodb().sequenceNumber());
            iterator = page.nextShardIterator();
        }
        return newest;
    }

    private String iterator(ShardState shard) {
        return streams.getShardIterator(r -> {
                    r.streamArn(source.streamArn()).shardId(shard.shardId);
                    if (shard.lastRead != null) {
                        r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                .sequenceNumber(shard.lastRead);
                    } else {
                        r.shardIteratorType(shard.startAt);
                    }
                })
                .shardIterator();
    }

    /** One GetRecords call on the shard; returns how many records it gave, -1 when it has to be tried again. */
    private int read(ShardState shard) {
        if (shard.exhausted) {
            return 0;
        }
        if (shard.iterator == null) {
            shard.iterator = iterator(shard);
        }
        GetRecordsResponse response;
        try {
            String current = shard.iterator;
            response = streams.getRecords(r -> r.shardIterator(current).limit(1000));
        } catch (ExpiredIteratorException e) {
            shard.iterator = null; // a fresh one after the last record read, next cycle
            return -1;
        } catch (TrimmedDataAccessException e) {
            // DynamoDB Local also answers this for an iterator taken while the shard was empty: a fresh iterator (after
            // the last record read, else from the oldest) works. Only if that keeps failing were records really lost.
            shard.iterator = null;
            if (++shard.trimmedInARow % TRIMMED_BEFORE_WARNING == 0) {
                LOG.warn(
                        "Stream event source {}: shard {} keeps answering TrimmedDataAccess",
                        source.id(),
                        shard.shardId);
            }
            return -1;
        }
        shard.trimmedInARow = 0;
        shard.iterator = response.nextShardIterator();
        shard.exhausted = shard.iterator == null;
        for (Record record : response.records()) {
            ObjectNode json = StreamRecords.toLambdaJson(record, source.streamArn());
            shard.lastRead = record.dynamodb().sequenceNumber();
            if (shard.skipThrough != null && new BigInteger(shard.lastRead).compareTo(shard.skipThrough) <= 0) {
                continue;
            }
            if (source.accepts(json)) {
                if (shard.buffer.isEmpty()) {
                    shard.firstBufferedNanos = System.nanoTime();
                }
                shard.buffer.add(new Pending(shard.lastRead, json));
            } else {
                filtered.incrementAndGet();
            }
        }
        return response.records().size();
    }

    /** Sends full batches, and a partial one once the batching window has passed (or the shard is done). */
    private void flush(ShardState shard) {
        while (shard.buffer.size() >= source.batchSize()) {
            take(shard, source.batchSize());
        }
        long waited = System.nanoTime() - shard.firstBufferedNanos;
        if (!shard.buffer.isEmpty()
                && (shard.exhausted || waited >= TimeUnit.SECONDS.toNanos(source.batchingWindowSeconds()))) {
            take(shard, shard.buffer.size());
        }
    }

    private void take(ShardState shard, int count) {
        List<Pending> batch = new ArrayList<>(shard.buffer.subList(0, count));
        shard.buffer.subList(0, count).clear();
        shard.firstBufferedNanos = System.nanoTime();
        deliver(batch, 0);
    }

    /** Invokes until the batch succeeds or its retries are used up; {@code failures} = failed attempts so far. */
    private void deliver(List<Pending> batch, int failures) {
        List<Pending> remaining = batch;
        while (!remaining.isEmpty()) {
            int failedFrom = invoke(remaining);
            if (failedFrom < 0) {
                delivered.addAndGet(remaining.size());
                return;
            }
            delivered.addAndGet(failedFrom);
            remaining = remaining.subList(failedFrom, remaining.size());
            failures++;
            if (source.maximumRetryAttempts() >= 0 && failures > source.maximumRetryAttempts()) {
                skipped.addAndGet(remaining.size());
                LOG.error(
                        "Stream event source {}: {} record(s) from sequence number {} to {} "
                                + "skipped after {} failed attempt(s)",
                        source.id(),
                        remaining.size(),
                        remaining.get(0).sequenceNumber(),
                        remaining.get(remaining.size() - 1).sequenceNumber(),
                        failures);
                return;
            }
            if (!backOff(failures)) {
                return;
            }
            if (source.bisectOnError() && failedFrom == 0 && remaining.size() > 1) {
                int half = remaining.size() / 2;
                deliver(remaining.subList(0, half), failures);
                deliver(remaining.subList(half, remaining.size()), failures);
                return;
            }
        }
    }

    /**
     * One invocation; returns -1 on success, else the index of the first record to retry (0 = the whole batch: the
     * function threw, or reported a failure it did not identify).
     */
    private int invoke(List<Pending> batch) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        batch.forEach(p -> event.withArray("Records").add(p.json()));
        invocations.incrementAndGet();
        String result;
        try {
            result = source.function().invoke(event.toString());
        } catch (RuntimeException e) {
            failedInvocations.incrementAndGet();
            LOG.warn(
                    "Stream event source {}: batch of {} record(s) failed: {}",
                    source.id(),
                    batch.size(),
                    e instanceof LocalFunction.FunctionError ? e.getCause() : e.toString());
            return 0;
        }
        if (!source.reportBatchItemFailures()) {
            return -1;
        }
        int first = firstReportedFailure(result, batch);
        if (first >= 0) {
            failedInvocations.incrementAndGet();
        }
        return first;
    }

    /**
     * ReportBatchItemFailures: the earliest failed record of the batch; an unknown or empty identifier fails it all.
     */
    private int firstReportedFailure(String result, List<Pending> batch) {
        JsonNode failures;
        try {
            failures = Json.MAPPER.readTree(result == null ? "null" : result).path("batchItemFailures");
        } catch (Exception e) {
            return -1; // a response that is not a batch response means success, as in Lambda
        }
        int first = Integer.MAX_VALUE;
        for (JsonNode failure : failures) {
            String id = failure.path("itemIdentifier").asText("");
            int index = -1;
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).sequenceNumber().equals(id)) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                return 0;
            }
            first = Math.min(first, index);
        }
        return first == Integer.MAX_VALUE ? -1 : first;
    }

    /** Waits before a retry (100 ms doubling, at most 5 s); false when the poller is being stopped. */
    private static boolean backOff(int failures) {
        try {
            Thread.sleep(Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(failures - 1, 10)));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
