package com.liveshop.checkout.service;

import static com.liveshop.shared.dynamo.Attrs.str;

import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.domain.OrderStatus;
import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.OrderRepository;
import com.liveshop.checkout.repository.ReservationKeys;
import com.liveshop.shared.orders.OrderItem;
import com.liveshop.shared.stats.ShowStatsRepository.Fact;
import com.liveshop.shared.stats.ShowStatsRepository.Kind;
import com.liveshop.shared.stats.ShowStatsRepository.Line;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which show facts a committed change of the Reservations table stands for. A hold's INSERT with an origin is a hold
 * placed from that show (raising it later is no new hold); an order's INSERT is an order placed, and its change to
 * CONFIRMED an order paid, once per show its lines came from. Each fact's key names the business fact itself (the
 * hold's cart, sku and expiry; the order id, step and show), so the same fact read twice counts once. Pure.
 */
public final class ShowStatsFacts {

    public List<Fact> factsFor(
            String eventName, Map<String, AttributeValue> oldImage, Map<String, AttributeValue> newImage) {
        if (newImage == null || newImage.isEmpty()) {
            return List.of();
        }
        String pk = str(newImage, ReservationKeys.PK);
        String sk = str(newImage, ReservationKeys.SK);
        if (pk == null || sk == null) {
            return List.of();
        }
        if (pk.startsWith("CART#") && sk.startsWith(ReservationKeys.HOLD_PREFIX)) {
            return "INSERT".equals(eventName) ? holdPlaced(HoldRepository.toHold(newImage)) : List.of();
        }
        if (!pk.startsWith(ReservationKeys.ORDER_PREFIX) || !ReservationKeys.ORDER_SK.equals(sk)) {
            return List.of();
        }
        Order order = OrderRepository.toOrder(newImage);
        if ("INSERT".equals(eventName)) {
            return perShow(order, Kind.ORDER_PLACED, "PLACED");
        }
        boolean paidNow = order.status() == OrderStatus.CONFIRMED
                && !OrderStatus.CONFIRMED.name().equals(str(oldImage, "status"));
        return "MODIFY".equals(eventName) && paidNow ? perShow(order, Kind.ORDER_PAID, "PAID") : List.of();
    }

    private static List<Fact> holdPlaced(Hold hold) {
        if (hold.origin() == null) {
            return List.of();
        }
        return List.of(new Fact(
                "HOLD#" + hold.cartId() + "#" + hold.sku() + "#" + hold.expiresAtMillis(),
                Kind.HOLD,
                hold.origin().sessionId(),
                hold.currency(),
                List.of(new Line(hold.sku(), hold.quantity(), 0, hold.origin()))));
    }

    private static List<Fact> perShow(Order order, Kind kind, String step) {
        Map<String, List<Line>> bySession = new LinkedHashMap<>();
        for (OrderItem item : order.items()) {
            if (item.origin() != null) {
                bySession
                        .computeIfAbsent(item.origin().sessionId(), s -> new ArrayList<>())
                        .add(new Line(item.sku(), item.quantity(), item.totalCents(), item.origin()));
            }
        }
        List<Fact> facts = new ArrayList<>();
        bySession.forEach((sessionId, lines) -> facts.add(new Fact(
                "ORDER#" + order.orderId() + "#" + step + "#" + sessionId, kind, sessionId, order.currency(), lines)));
        return facts;
    }
}
