package com.liveshop.shared.events;

/** One event for the bus: its detail-type and the detail record serialized as JSON. */
public record BusEvent(String detailType, Object detail) {}
