package com.liveshop.sessions.service;

import java.util.List;

/** Where reminder work waits for the paced sender (SQS in AWS and locally: {@code sqs.SqsReminderQueue}). */
public interface ReminderQueue {

    /** Enqueues every message or throws; a partial batch failure is retried by the implementation, then thrown. */
    void send(List<ReminderMessage> messages);

    /**
     * Makes a received message (by its receipt handle) come back after {@code delaySeconds} instead of the queue's
     * visibility timeout: the sender's backoff. Best effort: if it fails, the message comes back later anyway.
     */
    default void retryAfter(String receiptHandle, int delaySeconds) {}
}
