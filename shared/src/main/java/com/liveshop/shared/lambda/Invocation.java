package com.liveshop.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.liveshop.shared.metrics.EmfShowMetrics;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Every handler's {@code handleRequest} body runs inside this: Powertools logging puts the request id
 * ({@code function_request_id}), function name and cold start on every log line written meanwhile (per thread, in the
 * logging context), and the invocation's business metrics are written once when it ends, even when it throws.
 */
public final class Invocation {

    private Invocation() {}

    public static <T> T run(Context context, Supplier<T> body) {
        return PowertoolsLogging.withLogging(context, () -> {
            try {
                return body.get();
            } finally {
                EmfShowMetrics.flushInvocation();
            }
        });
    }
}
