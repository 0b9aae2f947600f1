package com.liveshop.sessions.sqs;

import com.liveshop.sessions.service.ReminderMessage;
import com.liveshop.sessions.service.ReminderQueue;
import com.liveshop.shared.json.Json;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** The reminder queue ({@code REMINDER_QUEUE_URL}): SendMessageBatch of up to 10, failed entries sent again twice. */
public final class SqsReminderQueue implements ReminderQueue {

    private static final int MAX_BATCH = 10;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsReminderQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** ChangeMessageVisibility; a failure is logged (without the handle) and the message keeps its longer timeout. */
    @Override
    public void retryAfter(String receiptHandle, int delaySeconds) {
        try {
            sqs.changeMessageVisibility(
                    r -> r.queueUrl(queueUrl).receiptHandle(receiptHandle).visibilityTimeout(delaySeconds));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SqsReminderQueue.class)
                    .warn(
                            "A reminder message keeps its visibility timeout: {}",
                            e.getClass().getSimpleName());
        }
    }

    @Override
    public void send(List<ReminderMessage> messages) {
        for (int from = 0; from < messages.size(); from += MAX_BATCH) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            List<ReminderMessage> batch = messages.subList(from, Math.min(messages.size(), from + MAX_BATCH));
            for (int i = 0; i < batch.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id("m" + i)
                        .messageBody(Json.write(batch.get(i)))
                        .build());
            }
            for (int attempt = 0; !entries.isEmpty(); attempt++) {
                List<SendMessageBatchRequestEntry> pending = entries;
                SendMessageBatchResponse response =
                        sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(pending));
                if (response.failed().isEmpty()) {
                    break;
                }
                if (attempt == 2) {
                    throw new IllegalStateException(response.failed().size() + " reminder messages were not queued: "
                            + response.failed().get(0).code());
                }
                List<String> failed =
                        response.failed().stream().map(f -> f.id()).toList();
                entries = pending.stream().filter(e -> failed.contains(e.id())).toList();
            }
        }
    }
}
