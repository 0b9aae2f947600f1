package dev.samlocal.dynamodb.streams;

import dev.samlocal.core.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The template's DynamoDB stream event sources (SAM {@code Type: DynamoDB} events): one {@link DynamoDbStreamPoller}
 * per mapping, reading DynamoDB Local's streams with the real {@link DynamoDbStreamsClient}. {@link #awaitIdle} lets a
 * test wait until what it wrote has been handled.
 */
public final class LocalStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStreams.class);

    private final DynamoDbStreamsClient client;
    private final Map<String, String> tableByStreamArn = new LinkedHashMap<>();
    private final List<DynamoDbStreamPoller> pollers = new CopyOnWriteArrayList<>();

    /** @param streamArns table logical id → its stream ARN on DynamoDB Local */
    public LocalStreams(String dynamoDbEndpoint, Map<String, String> streamArns) {
        this.client = LocalAws.client(DynamoDbStreamsClient.builder(), dynamoDbEndpoint)
                .build();
        streamArns.forEach((table, arn) -> tableByStreamArn.put(arn, table));
    }

    /**
     * Starts polling for {@code source}; from this call on (LATEST) or from the oldest record (TRIM_HORIZON). A stream
     * that is not a table's stream of the template is refused, as CloudFormation would.
     */
    public DynamoDbStreamPoller add(StreamEventSource source) {
        if (!tableByStreamArn.containsKey(source.streamArn())) {
            throw new IllegalArgumentException(source.id() + ": Stream " + source.streamArn()
                    + " is not the stream of a table of the template (does the table have a StreamSpecification?)");
        }
        if (!source.function().available()) {
            LOG.warn(
                    "Stream event source {} not started: {}",
                    source.id(),
                    source.function().unavailableReason().orElse(""));
            return null;
        }
        DynamoDbStreamPoller poller = new DynamoDbStreamPoller(source, client);
        pollers.add(poller);
        return poller;
    }

    public void addAll(Collection<StreamEventSource> sources) {
        sources.forEach(this::add);
    }

    public List<StreamEventSource> sources() {
        return pollers.stream().map(DynamoDbStreamPoller::source).toList();
    }

    /**
     * Waits until every mapping has read its stream to the end with nothing left to deliver, in a poll cycle that began
     * after this call: everything written before the call has then been handed to the functions (or skipped after its
     * retries). Throws if that takes longer than {@code timeout}.
     */
    public void awaitIdle(Duration timeout) throws InterruptedException {
        long since = System.nanoTime();
        long deadline = since + timeout.toNanos();
        while (!pollers.stream().allMatch(p -> p.idleSince(since))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Stream event sources still busy after " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** The mappings as GET /_local lists them. */
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (DynamoDbStreamPoller poller : pollers) {
            StreamEventSource s = poller.source();
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", s.id());
            item.put("function", s.function().logicalId());
            item.put("table", tableByStreamArn.get(s.streamArn()));
            item.put("streamArn", s.streamArn());
            item.put("startingPosition", s.startingPosition());
            item.put("batchSize", s.batchSize());
            item.put("maximumBatchingWindowInSeconds", s.batchingWindowSeconds());
            item.put("filters", s.filterCriteria().patterns());
            item.put("reportBatchItemFailures", s.reportBatchItemFailures());
            item.put("maximumRetryAttempts", s.maximumRetryAttempts());
            item.put("bisectBatchOnFunctionError", s.bisectOnError());
            item.putAll(poller.stats());
            list.add(item);
        }
        return list;
    }

    @Override
    public void close() {
        pollers.forEach(DynamoDbStreamPoller::close);
        pollers.clear();
        client.close();
    }
}
