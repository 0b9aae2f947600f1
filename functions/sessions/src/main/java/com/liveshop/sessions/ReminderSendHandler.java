package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.liveshop.sessions.service.ReminderMessage;
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
 * The reminder queue's consumer (ReportBatchItemFailures): each message is sent on its own, and one that must come
 * back is reported as a batch item failure, so the others are deleted. A body we cannot read (a poisoned message)
 * is reported too: after the queue's maxReceiveCount it lands in the dead-letter queue, whose alarm tells an
 * operator, instead of vanishing.
 */
public class ReminderSendHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(ReminderSendHandler.class);

    private final ReminderSendService sender;

    public ReminderSendHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ReminderSendHandler(AppConfig config) {
        this(wire(config));
    }

    private static ReminderSendService wire(AppConfig config) {
        SessionsWiring wiring = new SessionsWiring(config);
        return wiring.reminderSendService(wiring.reminderEmails(), Clock.systemUTC());
    }

    public ReminderSendHandler(ReminderSendService sender) {
        this.sender = sender;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Invocation.run(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage record : event == null || event.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : event.getRecords()) {
                ReminderMessage message;
                try {
                    message = Json.MAPPER.readValue(record.getBody(), ReminderMessage.class);
                } catch (Exception e) {
                    LOG.warn("Unreadable reminder message {}: left for the dead-letter queue", record.getMessageId());
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(record.getMessageId()).build());
                    continue;
                }
                if (message.sessionId() == null || message.type() == null || message.reminderIds() == null) {
                    LOG.warn("Incomplete reminder message {}: left for the dead-letter queue", record.getMessageId());
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(record.getMessageId()).build());
                    continue;
                }
                try {
                    sender.send(message);
                } catch (RuntimeException e) {
                    // The class only: an SES refusal can quote a recipient's address.
                    LOG.warn("Reminder message {} comes back later: {}", record.getMessageId(), e.getClass().getSimpleName());
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(record.getMessageId()).build());
                }
            }
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        });
    }
}
