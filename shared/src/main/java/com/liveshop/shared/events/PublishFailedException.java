package com.liveshop.shared.events;

/** PutEvents did not take every event; those from {@code firstFailed} on (in the order given) may be missing. */
public class PublishFailedException extends RuntimeException {

    private final int firstFailed;

    public PublishFailedException(int firstFailed, String message, Throwable cause) {
        super(message, cause);
        this.firstFailed = firstFailed;
    }

    public int firstFailed() {
        return firstFailed;
    }
}
