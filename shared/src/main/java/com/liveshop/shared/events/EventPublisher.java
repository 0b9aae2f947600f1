package com.liveshop.shared.events;

/** Puts domain events (OrderPlaced, SessionLive, …) on the brand's event bus. */
public interface EventPublisher {

    /** Source of every event this backend emits. */
    String SOURCE = "liveshop";

    void publish(String detailType, Object detail);
}
