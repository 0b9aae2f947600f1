package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.liveshop.sessions.service.ReminderMessage;
import com.liveshop.sessions.service.ReminderQueue;
import com.liveshop.sessions.service.ReminderSendService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.lambda.Invocation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reminder queue's consumer (ReportBatchItemFailures): each message is sent on its own, and one that must come back
 * is reported as a batch item failure, so the others are deleted. A body we cannot read (a poisoned message) is
 * reported too, visible again at once: after the queue's maxReceiveCount it lands in the dead-letter queue, whose alarm
 * tells an operator, instead of vanishing. A message that failed for now (SES throttling or a transient error, after
 * the SDK's own retries) comes back with an exponential backoff (ChangeMessageVisibility).
 */
public class ReminderSendHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(ReminderSendHandler.class);

    /** The first retry's delay; each later receive doubles it, up to the queue's visibility timeout. */
    static final int FIRST_BACKOFF_SECONDS = 5;

    static final int MAX_BACKOFF_SECONDS = 900;

    private final ReminderSendService sender;
    private final ReminderQueue queue;

    public ReminderSendHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ReminderSendHandler(AppConfig config) {
        this(new SessionsWiring(config), Clock.systemUTC());
    }

    private ReminderSendHandler(SessionsWiring wiring, Clock clock) {
        this(wiring.reminderSendService(wiring.reminderEmails(), clock), wiring.reminderQueue());
    }

    /** @param queue where a message that must come back gets its backoff (ChangeMessageVisibility) */
    public ReminderSendHandler(ReminderSendService sender, ReminderQueue queue) {
        this.sender = sender;
        this.queue = queue;
    }

    /**
     * When a message comes back: {@value #FIRST_BACKOFF_SECONDS} s after its first receive, doubling with each receive
     * (5, 10, 20, 40 s…), so throttled entries give SES room instead of waiting out the 15-minute timeout.
     */
    static int backoffSeconds(SQSEvent.SQSMessage record) {
        int receives;
        try {
            receives = Integer.parseInt(
                    record.getAttributes() == null
                            ? "1"
                            : record.getAttributes().getOrDefault("ApproximateReceiveCount", "1"));
        } catch (NumberFormatException e) {
            receives = 1;
        }
        return (int) Math.min(
                MAX_BACKOFF_SECONDS, (long) FIRST_BACKOFF_SECONDS << Math.min(20, Math.max(0, receives - 1)));
    }

    private static SQSBatchResponse.BatchItemFailure failure(SQSEvent.SQSMessage record) {
        return SQSBatchResponse.BatchItemFailure.builder()
                .withItemIdentifier(record.getMessageId())
                .build();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Invocation.run(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage record :
                    event == null || event.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : event.getRecords()) {
                ReminderMessage message;
                try {
                    message = Json.MAPPER.readValue(record.getBody(), ReminderMessage.class);
                } catch (Exception e) {
                    message = null;
                }
                if (message == null
                        || message.sessionId() == null
                        || message.type() == null
                        || message.reminderIds() == null) {
                    // Poisoned: no retry can help, so it comes back at once and reaches the dead-letter queue soon.
                    LOG.warn(
                            "Unreadable reminder message {}: on its way to the dead-letter queue",
                            record.getMessageId());
                    queue.retryAfter(record.getReceiptHandle(), 0);
                    failures.add(failure(record));
                    continue;
                }
                try {
                    sender.send(message);
                } catch (RuntimeException e) {
                    // The class only: an SES refusal can quote a recipient's address.
                    int backoff = backoffSeconds(record);
                    LOG.warn(
                            "Reminder message {} comes back in {} s: {}",
                            record.getMessageId(),
                            backoff,
                            e.getClass().getSimpleName());
                    queue.retryAfter(record.getReceiptHandle(), backoff);
                    failures.add(failure(record));
                }
            }
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        });
    }
}
