package dev.samlocal.dynamodb.streams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.eventbridge.EventFilter;
import dev.samlocal.lambda.LocalFunction;

/**
 * One SAM {@code Type: DynamoDB} function event: an event source mapping from a table's stream to a function, with
 * Lambda's defaults for what the template leaves out.
 *
 * @param id "FunctionId-EventName"
 * @param streamArn the resolved {@code Stream} (the table's local stream ARN)
 * @param startingPosition LATEST or TRIM_HORIZON
 * @param batchSize 1–10,000 records per invocation (default 100)
 * @param batchingWindowSeconds how long records are gathered before a smaller batch is sent (default 0)
 * @param filterCriteria FilterCriteria patterns (any may match); {@link EventFilter#NONE} = every record
 * @param reportBatchItemFailures FunctionResponseTypes contains ReportBatchItemFailures
 * @param maximumRetryAttempts retries of a failed batch before it is skipped; -1 = until it succeeds
 * @param bisectOnError BisectBatchOnFunctionError: a failed batch is split in two and each half retried
 */
public record StreamEventSource(
        String id,
        LocalFunction function,
        String streamArn,
        String startingPosition,
        int batchSize,
        int batchingWindowSeconds,
        EventFilter filterCriteria,
        boolean reportBatchItemFailures,
        int maximumRetryAttempts,
        boolean bisectOnError) {

    public static final int DEFAULT_BATCH_SIZE = 100;

    public StreamEventSource {
        if (!startingPosition.equals("LATEST") && !startingPosition.equals("TRIM_HORIZON")) {
            throw new IllegalArgumentException(
                    id + ": StartingPosition must be LATEST or TRIM_HORIZON, got " + startingPosition);
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException(id + ": BatchSize must be 1-10000, got " + batchSize);
        }
        if (batchingWindowSeconds < 0 || batchingWindowSeconds > 300) {
            throw new IllegalArgumentException(
                    id + ": MaximumBatchingWindowInSeconds must be 0-300, got " + batchingWindowSeconds);
        }
        if (maximumRetryAttempts < -1 || maximumRetryAttempts > 10_000) {
            throw new IllegalArgumentException(
                    id + ": MaximumRetryAttempts must be -1-10000, got " + maximumRetryAttempts);
        }
        if (filterCriteria.patterns().size() > 5) {
            throw new IllegalArgumentException(id + ": at most 5 FilterCriteria filters, got "
                    + filterCriteria.patterns().size());
        }
    }

    /** Whether a record (as the JSON Lambda would send) passes the filter criteria. */
    public boolean accepts(JsonNode record) {
        return filterCriteria.matches(record);
    }
}
