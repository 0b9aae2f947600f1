package com.liveshop.checkout.service;

import static com.liveshop.shared.dynamo.Attrs.num;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.domain.OrderStatus;
import com.liveshop.checkout.repository.OrderRepository;
import com.liveshop.checkout.repository.ReservationKeys;
import com.liveshop.shared.events.BusEvent;
import com.liveshop.shared.events.OrderCancelled;
import com.liveshop.shared.events.OrderConfirmed;
import com.liveshop.shared.events.OrderPlaced;
import com.liveshop.shared.events.RefundRequired;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The outbox: which order event a committed change of the Reservations table stands for. An order's INSERT is
 * OrderPlaced, a change of its status OrderConfirmed or OrderCancelled, a refund's INSERT RefundRequired; anything else
 * is no event. Pure: the stream handler publishes what this returns. Each event's {@code eventKey}
 * ({@code <orderId>#<status>}, or {@code <orderId>#REFUND_REQUIRED#<paymentId>}) is the same on every redelivery of one
 * change: consumers dedupe on it.
 */
public class OrderOutbox {

    public Optional<BusEvent> eventFor(
            String eventName, Map<String, AttributeValue> oldImage, Map<String, AttributeValue> newImage) {
        if (newImage == null || newImage.isEmpty()) {
            return Optional.empty();
        }
        String pk = str(newImage, ReservationKeys.PK);
        String sk = str(newImage, ReservationKeys.SK);
        if (pk == null || !pk.startsWith(ReservationKeys.ORDER_PREFIX) || sk == null) {
            return Optional.empty();
        }
        if (sk.startsWith(ReservationKeys.REFUND_PREFIX)) {
            return "INSERT".equals(eventName) ? Optional.of(refund(newImage)) : Optional.empty();
        }
        if (!ReservationKeys.ORDER_SK.equals(sk)) {
            return Optional.empty();
        }
        Order order = OrderRepository.toOrder(newImage);
        if ("INSERT".equals(eventName)) {
            return Optional.of(new OrderPlaced(
                    key(order.orderId(), OrderStatus.PENDING_PAYMENT),
                    order.orderId(),
                    order.cartId(),
                    order.items(),
                    order.totalCents(),
                    order.currency(),
                    order.email(),
                    order.paymentDueAt()));
        }
        String before = oldImage == null ? null : str(oldImage, "status");
        if (!"MODIFY".equals(eventName) || order.status().name().equals(before)) {
            return Optional.empty();
        }
        String key = key(order.orderId(), order.status());
        return switch (order.status()) {
            case CONFIRMED ->
                Optional.of(new OrderConfirmed(
                        key, order.orderId(), order.paymentId(), order.totalCents(), order.currency(), order.email()));
            case CANCELLED ->
                Optional.of(new OrderCancelled(
                        key,
                        order.orderId(),
                        order.paymentId(),
                        order.items(),
                        order.totalCents(),
                        order.currency(),
                        order.email(),
                        order.cancelReason()));
            default -> Optional.empty();
        };
    }

    private static BusEvent refund(Map<String, AttributeValue> image) {
        String orderId = str(image, "orderId");
        String paymentId = str(image, "paymentId");
        return new RefundRequired(
                orderId + "#REFUND_REQUIRED#" + paymentId,
                orderId,
                paymentId,
                num(image, "amountCents"),
                str(image, "currency"),
                str(image, "reason"));
    }

    private static String key(String orderId, OrderStatus status) {
        return orderId + "#" + status.name();
    }
}
