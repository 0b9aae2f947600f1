package com.liveshop.checkout;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.events.BusEvent;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.json.Json;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what would go on the bus, as the JSON detail EventBridge would receive. */
final class RecordingPublisher implements EventPublisher {

    record Published(String detailType, JsonNode detail) {}

    private final List<Published> published = new CopyOnWriteArrayList<>();

    @Override
    public void publish(BusEvent event) {
        published.add(new Published(event.detailType(), Json.MAPPER.valueToTree(event)));
    }

    List<Published> all() {
        return List.copyOf(published);
    }

    List<Published> of(String detailType, String orderId) {
        return published.stream()
                .filter(p -> p.detailType().equals(detailType)
                        && p.detail().path("orderId").asText().equals(orderId))
                .toList();
    }
}
