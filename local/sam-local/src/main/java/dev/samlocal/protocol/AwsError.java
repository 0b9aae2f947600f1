package dev.samlocal.protocol;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * A failed request to an emulated AWS service: the HTTP status, the error code the SDK maps to its modeled exception
 * ({@code ValidationException}, {@code ResourceNotFoundException}, …) and the message. Each service writes it in the
 * shape the SDK parses for its protocol ({@link #writeRestJson}, {@link #awsJsonBody}).
 */
public final class AwsError extends RuntimeException {

    private final int status;
    private final String code;

    public AwsError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** Bad input, as most services answer it: 400 {@code ValidationException}. */
    public static AwsError validation(String message) {
        return new AwsError(400, "ValidationException", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /**
     * The REST-JSON shape (IVS, SES v2, …): the code in {@code x-amzn-ErrorType}, the message in the body's
     * {@code message}, and first under each of {@code alsoAs}, where the service's model names the member otherwise
     * (IVS: {@code exceptionMessage}).
     */
    public void writeRestJson(Context ctx, String... alsoAs) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        for (String member : alsoAs) {
            body.put(member, getMessage());
        }
        body.put("message", getMessage());
        ctx.status(status)
                .header("x-amzn-ErrorType", code)
                .contentType("application/json")
                .result(body.toString());
    }

    /** The AWS JSON 1.0/1.1 body (Secrets Manager, EventBridge, …): {@code {"__type": code, "message": …}}. */
    public String awsJsonBody() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("__type", code);
        body.put("message", getMessage());
        return body.toString();
    }
}
