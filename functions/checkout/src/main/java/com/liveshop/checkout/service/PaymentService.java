package com.liveshop.checkout.service;

import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.domain.OrderItem;
import com.liveshop.checkout.domain.OrderStatus;
import com.liveshop.checkout.repository.OrderRepository;
import com.liveshop.checkout.repository.OrderRepository.TransitionOutcome;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Payment provider callbacks: a signed PAID confirms a pending order, a signed FAILED cancels it and gives its
 * units back. Each transition happens once; a replay answers with the order as it is.
 */
public class PaymentService {

    public enum PaymentStatus { PAID, FAILED }

    public record OrderConfirmed(String orderId, String paymentId, long totalCents, String currency, String email) {}

    public record OrderCancelled(String orderId, String paymentId, List<OrderItem> items, long totalCents, String currency, String email) {}

    private static final String SIGNATURE_PREFIX = "sha256=";

    private final OrderRepository orders;
    private final EventPublisher events;
    private final Clock clock;
    private final SecretKeySpec key;

    public PaymentService(OrderRepository orders, EventPublisher events, Clock clock, String webhookSecret) {
        if (webhookSecret == null || webhookSecret.isEmpty()) {
            throw new IllegalStateException("Missing required configuration: PAYMENT_WEBHOOK_SECRET");
        }
        this.orders = orders;
        this.events = events;
        this.clock = clock;
        this.key = new SecretKeySpec(webhookSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** {@code X-Signature: sha256=<hex HMAC-SHA256(raw body)>}, compared in constant time; else 401. */
    public void verifySignature(String rawBody, String signatureHeader) {
        if (signatureHeader == null || !signatureHeader.startsWith(SIGNATURE_PREFIX)) {
            throw invalidSignature();
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signatureHeader.substring(SIGNATURE_PREFIX.length()).trim());
        } catch (IllegalArgumentException e) {
            throw invalidSignature();
        }
        byte[] expected = sign(rawBody.getBytes(StandardCharsets.UTF_8));
        if (!MessageDigest.isEqual(expected, given)) {
            throw invalidSignature();
        }
    }

    public Order apply(String orderId, PaymentStatus status, String paymentId) {
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            Order order = orders.find(orderId)
                    .orElseThrow(() -> ApiException.notFound("ORDER_NOT_FOUND", "No order " + orderId));
            OrderStatus target = status == PaymentStatus.PAID ? OrderStatus.CONFIRMED : OrderStatus.CANCELLED;
            if (order.status() == target) {
                return order;
            }
            if (order.status() != OrderStatus.PENDING_PAYMENT) {
                throw ApiException.conflict("ORDER_NOT_PENDING", "Order " + orderId + " is " + order.status());
            }
            Instant now = clock.instant();
            TransitionOutcome outcome = status == PaymentStatus.PAID
                    ? orders.confirm(order, paymentId, now)
                    : orders.cancel(order, paymentId, now);
            if (outcome == TransitionOutcome.OK) {
                Order changed = order.withStatus(target, paymentId, now);
                if (target == OrderStatus.CONFIRMED) {
                    events.publish("OrderConfirmed", new OrderConfirmed(orderId, paymentId, order.totalCents(),
                            order.currency(), order.email()));
                } else {
                    events.publish("OrderCancelled", new OrderCancelled(orderId, paymentId, order.items(),
                            order.totalCents(), order.currency(), order.email()));
                }
                return changed;
            }
            if (outcome == TransitionOutcome.RETRY) {
                Backoff.pause(attempt);
            }
        }
        throw Backoff.busy();
    }

    /** The signature a provider would send for {@code body}; for tests and local tooling. */
    public static String signatureFor(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return SIGNATURE_PREFIX + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiException invalidSignature() {
        return new ApiException(401, "INVALID_SIGNATURE", "The X-Signature header is missing or does not match the body");
    }
}
