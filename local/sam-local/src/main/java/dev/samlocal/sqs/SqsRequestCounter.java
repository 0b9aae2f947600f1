package dev.samlocal.sqs;

import dev.samlocal.core.UsageCounter;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the SQS requests of every SDK client in the local stack's JVM (the functions' and the event source mappings'),
 * by operation, for {@code GET /_local/usage}: ElasticMQ counts nothing itself. A global SDK interceptor (registered in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}), so no function code changes; each HTTP
 * attempt counts, retries included, as SQS bills them.
 */
public final class SqsRequestCounter implements ExecutionInterceptor {

    private static final UsageCounter REQUESTS = new UsageCounter();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if ("Sqs".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
            REQUESTS.increment(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }

    /** SQS requests by operation since this JVM started (every local stack in it). */
    static Map<String, Long> snapshot() {
        return REQUESTS.snapshot();
    }
}
