package com.liveshop.shared.events;

import java.util.List;

/** Puts our events ({@link BusEvent}: OrderPlaced, SessionLive, …) on the brand's event bus. */
public interface EventPublisher {

    /** Best effort: a failure is logged, never thrown (for signals whose loss costs nothing lasting). */
    void publish(BusEvent event);

    /**
     * All or report: puts the events in order and throws {@link PublishFailedException} naming the first one that was
     * not accepted (for the outbox, which retries from there). Publishers that can fail override this
     * ({@link EventBridgePublisher} does); the default suits ones that cannot, such as a no-op.
     */
    default void publishAll(List<BusEvent> events) {
        events.forEach(this::publish);
    }
}
