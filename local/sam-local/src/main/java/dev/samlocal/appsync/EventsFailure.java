package dev.samlocal.appsync;

import java.util.Map;

/** A refusal in AppSync's shape: {@code errorType}, HTTP-ish {@code errorCode}, message. */
record EventsFailure(String errorType, int errorCode, String message) {
    Map<String, Object> body() {
        return Map.of("errorType", errorType, "errorCode", errorCode, "message", message);
    }

    static EventsFailure unauthorized() {
        return new EventsFailure("UnauthorizedException", 401, "You are not authorized to make this call.");
    }

    static EventsFailure badRequest(String message) {
        return new EventsFailure("BadRequestException", 400, message);
    }
}
