package dev.samlocal.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.samlocal.template.SamTemplate.FunctionEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One AWS::Serverless::Function of the template, hosted in this JVM: its handler instance (built once, like one warm
 * execution environment, and called from many threads at once like many of them), its resolved environment and its
 * event sources. {@link #invoke} takes and returns JSON, as Lambda does.
 */
public final class LocalFunction {

    /** The handler threw: Lambda reports this as a function error (HTTP API answers 500). */
    public static final class FunctionError extends RuntimeException {
        public FunctionError(String functionId, Throwable cause) {
            super(functionId + " failed: " + cause, cause);
        }
    }

    /** The template names a handler class this build does not contain (yet). */
    public static final class FunctionUnavailable extends RuntimeException {
        public FunctionUnavailable(String message) {
            super(message);
        }
    }

    private final String logicalId;
    private final String handlerClass;
    private final Map<String, String> environment;
    private final List<FunctionEvent> events;
    private final int timeoutMillis;
    private final Object handler;
    private final Type inputType;
    private final String unavailableReason;
    private final java.util.concurrent.atomic.LongAdder invocations = new java.util.concurrent.atomic.LongAdder();

    public LocalFunction(
            String logicalId,
            String handlerClass,
            Map<String, String> environment,
            List<FunctionEvent> events,
            int timeoutSeconds,
            Object handler,
            String unavailableReason) {
        this.logicalId = logicalId;
        this.handlerClass = handlerClass;
        this.environment = Map.copyOf(environment);
        this.events = List.copyOf(events);
        this.timeoutMillis = timeoutSeconds * 1000;
        this.handler = handler;
        this.inputType = handler instanceof RequestHandler<?, ?>
                ? LambdaSerialization.requestHandlerInputType(handler.getClass())
                : null;
        this.unavailableReason = unavailableReason;
    }

    public String logicalId() {
        return logicalId;
    }

    public String handlerClass() {
        return handlerClass;
    }

    /** The resolved environment the handler was configured with (contains local secrets: never print it). */
    public Map<String, String> environment() {
        return environment;
    }

    public List<FunctionEvent> events() {
        return events;
    }

    public List<FunctionEvent> eventsOfType(String... types) {
        List<String> wanted = List.of(types);
        return events.stream().filter(e -> wanted.contains(e.type())).toList();
    }

    /** The template's Timeout. */
    public int timeoutSeconds() {
        return timeoutMillis / 1000;
    }

    public boolean available() {
        return handler != null;
    }

    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    /** Invocations since the start (each one Lambda would bill: HTTP API, streams, rules, schedules, authorizers). */
    public long invocations() {
        return invocations.sum();
    }

    /** The handler's input type (RequestHandler's {@code I}); null for stream handlers. */
    public Type inputType() {
        return inputType;
    }

    /** Invokes the handler with an event given as JSON and returns its result as JSON. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public String invoke(String eventJson) {
        if (handler == null) {
            throw new FunctionUnavailable(unavailableReason);
        }
        invocations.increment();
        TestContext context = new TestContext(logicalId, timeoutMillis);
        try {
            if (handler instanceof RequestStreamHandler stream) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                stream.handleRequest(
                        new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out, context);
                return out.toString(StandardCharsets.UTF_8);
            }
            Object input = LambdaSerialization.fromJson(eventJson, inputType);
            Object output = ((RequestHandler) handler).handleRequest(input, context);
            return LambdaSerialization.toJson(output);
        } catch (IOException e) {
            throw new FunctionError(logicalId, new UncheckedIOException(e));
        } catch (RuntimeException | Error e) {
            throw new FunctionError(logicalId, e);
        }
    }
}
