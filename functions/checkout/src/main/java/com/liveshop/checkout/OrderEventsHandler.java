package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.liveshop.checkout.service.OrderOutbox;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.dynamo.Attrs;
import com.liveshop.shared.events.BusEvent;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.events.PublishFailedException;
import com.liveshop.shared.lambda.Invocation;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox relay (template: OrderEventsFunction, on the Reservations table's stream, ORDER# items only): each
 * committed order change becomes its event on the bus, in stream order. When PutEvents fails, the batch reports the
 * first record whose event did not go out, and Lambda retries from there: every event arrives at least once.
 */
public class OrderEventsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(OrderEventsHandler.class);

    private final OrderOutbox outbox;
    private final EventPublisher publisher;

    public OrderEventsHandler() {
        this(AppConfig.fromEnvironment());
    }

    public OrderEventsHandler(AppConfig config) {
        this(new OrderOutbox(), new CheckoutWiring(config).eventBridgePublisher());
    }

    public OrderEventsHandler(OrderOutbox outbox, EventPublisher publisher) {
        this.outbox = outbox;
        this.publisher = publisher;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return Invocation.run(context, () -> process(event, context));
    }

    private StreamsEventResponse process(DynamodbEvent event, Context context) {
        List<BusEvent> events = new ArrayList<>();
        List<String> sequenceNumbers = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record :
                event.getRecords() == null ? List.<DynamodbEvent.DynamodbStreamRecord>of() : event.getRecords()) {
            var change = record.getDynamodb();
            outbox.eventFor(
                            record.getEventName(),
                            Attrs.ofStreamImage(change.getOldImage()),
                            Attrs.ofStreamImage(change.getNewImage()))
                    .ifPresent(e -> {
                        events.add(e);
                        sequenceNumbers.add(change.getSequenceNumber());
                    });
        }
        try {
            publisher.publishAll(events);
            return StreamsEventResponse.builder()
                    .withBatchItemFailures(List.of())
                    .build();
        } catch (PublishFailedException e) {
            LOG.warn(
                    "{} of {} order events not published, retrying from there: {}",
                    events.size() - e.firstFailed(),
                    events.size(),
                    e.getMessage());
            return StreamsEventResponse.builder()
                    .withBatchItemFailures(
                            List.of(new StreamsEventResponse.BatchItemFailure(sequenceNumbers.get(e.firstFailed()))))
                    .build();
        }
    }
}
