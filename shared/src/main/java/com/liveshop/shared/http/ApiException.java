package com.liveshop.shared.http;

/**
 * A failure the caller can act on, mapped to {@code {"error":{"code":…,"message":…}}} with a 4xx status (or a 503 when
 * a dependency is out and the same request will work later). Services throw it for broken rules (SOLD_OUT, 409);
 * handlers never build error bodies by hand.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final java.util.Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, java.util.Map.of());
    }

    /** With response headers the caller needs, e.g. {@code Retry-After} on a 429. */
    public ApiException(int status, String code, String message, java.util.Map<String, String> headers) {
        super(message);
        this.status = status;
        this.code = code;
        this.headers = java.util.Map.copyOf(headers);
    }

    public java.util.Map<String, String> headers() {
        return headers;
    }

    /** 429 with {@code Retry-After} (whole seconds, at least 1). */
    public static ApiException tooManyRequests(String code, String message, long retryAfterSeconds) {
        return new ApiException(
                429, code, message, java.util.Map.of("Retry-After", String.valueOf(Math.max(1, retryAfterSeconds))));
    }

    /**
     * 503 with {@code Retry-After}: a dependency of ours is out (not the caller's fault), so the caller should send the
     * same request again later, e.g. a webhook provider that retries on 5xx.
     */
    public static ApiException serviceUnavailable(String code, String message, long retryAfterSeconds) {
        return new ApiException(
                503, code, message, java.util.Map.of("Retry-After", String.valueOf(Math.max(1, retryAfterSeconds))));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException validation(String message) {
        return new ApiException(400, "VALIDATION_FAILED", message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "UNAUTHORIZED", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "FORBIDDEN", message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }

    public static ApiException unprocessable(String code, String message) {
        return new ApiException(422, code, message);
    }
}
