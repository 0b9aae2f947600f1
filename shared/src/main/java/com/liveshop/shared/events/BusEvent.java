package com.liveshop.shared.events;

/**
 * An event this backend puts on its own bus (source {@value #SOURCE}): the record is the event's {@code detail}, field
 * for field, and the same record is what its consumers read ({@link BusEvents#read}). Each record names its detail-type
 * as {@code DETAIL_TYPE}; template.yaml's rule patterns match those strings.
 */
public interface BusEvent {

    /** Source of every event this backend emits. */
    String SOURCE = "liveshop";

    /** The event's detail-type: its record's {@code DETAIL_TYPE}. Not part of the detail. */
    String detailType();
}
