package dev.samlocal.sqs;

import dev.samlocal.lambda.LocalFunction;

/**
 * One SAM {@code Type: SQS} function event: an event source mapping from a queue to a function, with Lambda's defaults
 * for what the template leaves out.
 *
 * @param id "FunctionId-EventName"
 * @param queueArn the resolved {@code Queue}
 * @param batchSize 1–10,000 messages per invocation (default 10; more than 10 needs a batching window)
 * @param batchingWindowSeconds MaximumBatchingWindowInSeconds: how long messages are gathered (default 0)
 * @param reportBatchItemFailures FunctionResponseTypes contains ReportBatchItemFailures
 * @param maximumConcurrency ScalingConfig.MaximumConcurrency: invocations at once (2–1,000; default 2 locally)
 */
public record SqsEventSource(
        String id,
        LocalFunction function,
        String queueArn,
        int batchSize,
        int batchingWindowSeconds,
        boolean reportBatchItemFailures,
        int maximumConcurrency) {

    public static final int DEFAULT_BATCH_SIZE = 10;
    public static final int DEFAULT_CONCURRENCY = 2;

    public SqsEventSource {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException(id + ": BatchSize must be 1-10000, got " + batchSize);
        }
        if (batchingWindowSeconds < 0 || batchingWindowSeconds > 300) {
            throw new IllegalArgumentException(
                    id + ": MaximumBatchingWindowInSeconds must be 0-300, got " + batchingWindowSeconds);
        }
        if (batchSize > 10 && batchingWindowSeconds < 1) {
            throw new IllegalArgumentException(
                    id + ": a BatchSize above 10 needs MaximumBatchingWindowInSeconds of at least 1");
        }
        if (maximumConcurrency < 2 || maximumConcurrency > 1000) {
            throw new IllegalArgumentException(
                    id + ": ScalingConfig.MaximumConcurrency must be 2-1000, got " + maximumConcurrency);
        }
    }
}
