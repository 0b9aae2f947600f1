package com.liveshop.checkout.service;

import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.domain.OrderStatus;
import com.liveshop.checkout.domain.OrderView;
import com.liveshop.checkout.repository.OrderRepository;
import com.liveshop.checkout.repository.OrderRepository.ChangeOutcome;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.catalog.StockAllocation;
import com.liveshop.shared.catalog.StockRepository;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.shared.orders.CancelReason;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payment provider callbacks. A notification is trusted only when it is signed with the shared secret over its
 * timestamp and raw body, within {@link #TOLERANCE_SECONDS} of now, and a PAID one only for exactly the order's amount
 * and currency. A payment id confirms one order at most. Each change is one conditional transaction, so a replayed
 * notification changes nothing and answers as before; money that cannot buy the order any more (its payment deadline
 * passed, or a second payment) is recorded as a refund, which the outbox turns into RefundRequired.
 */
public class PaymentService {

    public enum PaymentStatus {
        PAID,
        FAILED
    }

    /** A verified notification's body. */
    public record PaymentNotice(
            String orderId, PaymentStatus status, String paymentId, long amountCents, String currency) {}

    /** How far the signature's timestamp may be from now: a captured request stops working after this. */
    public static final long TOLERANCE_SECONDS = 300;

    private final OrderRepository orders;
    private final ProductRepository products;
    private final StockRepository stock;
    /** How soon the provider should retry a webhook answered 503 SECRET_UNAVAILABLE. */
    static final long SECRET_RETRY_AFTER_SECONDS = 30;

    private static final Logger LOG = LoggerFactory.getLogger(PaymentService.class);

    private final Clock clock;
    private final WebhookSecrets secrets;
    private final ShowMetrics metrics;

    public PaymentService(
            OrderRepository orders,
            ProductRepository products,
            Clock clock,
            WebhookSecrets secrets,
            ShowMetrics metrics) {
        this.metrics = metrics;
        this.orders = orders;
        this.products = products;
        this.stock = products.stockBuckets();
        this.clock = clock;
        this.secrets = java.util.Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * {@code X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>} (several v1 values are
     * allowed while a secret rotates), compared in constant time, against the current key and, if that does not match,
     * the previous one (for one TTL after the rotation): a rotation reaches each execution environment within the
     * secrets' TTL, so for that long a provider may still sign with either. 401 SIGNATURE_EXPIRED outside the
     * tolerance, 401 INVALID_SIGNATURE for anything else wrong; 503 SECRET_UNAVAILABLE (the provider retries) when the
     * key cannot be read: an unreadable secret never lets a webhook through.
     */
    public void verifySignature(String rawBody, String signatureHeader) {
        if (signatureHeader == null) {
            throw invalidSignature();
        }
        Long timestamp = null;
        java.util.List<byte[]> candidates = new java.util.ArrayList<>();
        for (String part : signatureHeader.split(",")) {
            String[] pair = part.strip().split("=", 2);
            if (pair.length != 2) {
                throw invalidSignature();
            }
            try {
                if (pair[0].equals("t") && timestamp == null) {
                    timestamp = Long.parseLong(pair[1]);
                } else if (pair[0].equals("v1")) {
                    candidates.add(HexFormat.of().parseHex(pair[1]));
                }
            } catch (IllegalArgumentException e) {
                throw invalidSignature();
            }
        }
        if (timestamp == null || candidates.isEmpty()) {
            throw invalidSignature();
        }
        String message = timestamp + "." + rawBody;
        try {
            if (!matches(secrets.current(), message, candidates)
                    && !secrets.previous()
                            .map(previous -> matches(previous, message, candidates))
                            .orElse(false)) {
                throw invalidSignature();
            }
        } catch (WebhookSecrets.Unavailable e) {
            LOG.warn("Payment webhook refused with 503: {}", e.getMessage());
            throw ApiException.serviceUnavailable(
                    "SECRET_UNAVAILABLE",
                    "The webhook signing secret cannot be read right now; send the notification again later",
                    SECRET_RETRY_AFTER_SECONDS);
        }
        if (Math.abs(clock.instant().getEpochSecond() - timestamp) > TOLERANCE_SECONDS) {
            throw new ApiException(
                    401,
                    "SIGNATURE_EXPIRED",
                    "The X-Signature timestamp is more than " + TOLERANCE_SECONDS + " s from now");
        }
    }

    public OrderView apply(PaymentNotice notice) {
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            Order order = orders.find(notice.orderId())
                    .orElseThrow(() -> ApiException.notFound("ORDER_NOT_FOUND", "No order " + notice.orderId()));
            if (notice.status() == PaymentStatus.PAID
                    && (notice.amountCents() != order.totalCents()
                            || !notice.currency().equals(order.currency()))) {
                throw ApiException.conflict(
                        "AMOUNT_MISMATCH",
                        "The payment is " + notice.amountCents() + " " + notice.currency() + "; the order is "
                                + order.totalCents() + " " + order.currency());
            }
            Instant now = clock.instant();
            ChangeOutcome outcome =
                    notice.status() == PaymentStatus.PAID ? paid(order, notice, now) : failed(order, notice, now);
            switch (outcome) {
                case OK:
                case ALREADY_DONE:
                    return OrderView.buyer(orders.find(order.orderId()).orElse(order));
                case PAYMENT_ID_REUSED:
                    throw ApiException.conflict("PAYMENT_ID_REUSED", "This paymentId belongs to another order");
                case RETRY:
                    Backoff.pause(attempt);
                    break;
                case ORDER_CHANGED:
                case SOLD_OUT:
                default:
                    break;
            }
        }
        metrics.tryAgain("payment");
        throw Backoff.busy();
    }

    private ChangeOutcome paid(Order order, PaymentNotice notice, Instant now) {
        String paymentId = notice.paymentId();
        switch (order.status()) {
            case PENDING_PAYMENT:
                return paidIfOk(orders.confirm(order, paymentId, now), order);
            case CONFIRMED:
                return paymentId.equals(order.paymentId())
                        ? ChangeOutcome.ALREADY_DONE
                        : orders.refund(order, paymentId, notice.amountCents(), notice.currency(), "ALREADY_PAID", now);
            case CANCELLED:
            default:
                if (order.cancelReason() == CancelReason.PAYMENT_FAILED
                        && !orders.refunded(order.orderId(), paymentId)) {
                    // A retry with another card after a failure: the order stands if its units can be taken back.
                    Optional<Map<String, StockAllocation>> units = takeBack(order);
                    if (units.isPresent()) {
                        ChangeOutcome outcome = paidIfOk(orders.reconfirm(order, paymentId, units.get(), now), order);
                        if (outcome != ChangeOutcome.SOLD_OUT) {
                            return outcome;
                        }
                    }
                }
                return orders.refund(
                        order, paymentId, notice.amountCents(), notice.currency(), refundReason(order), now);
        }
    }

    private ChangeOutcome failed(Order order, PaymentNotice notice, Instant now) {
        if (order.status() != OrderStatus.PENDING_PAYMENT) {
            // Late or replayed: a failed attempt does not undo a payment or a cancellation.
            return ChangeOutcome.ALREADY_DONE;
        }
        ChangeOutcome outcome = orders.cancel(order, CancelReason.PAYMENT_FAILED, notice.paymentId(), now);
        if (outcome == ChangeOutcome.OK) {
            metrics.orderCancelled(CancelReason.PAYMENT_FAILED.name());
        }
        return outcome;
    }

    /** Counts the order as paid (and its total as revenue) when this change confirmed it. */
    private ChangeOutcome paidIfOk(ChangeOutcome outcome, Order order) {
        if (outcome == ChangeOutcome.OK) {
            metrics.orderPaid(order.totalCents(), order.currency());
        }
        return outcome;
    }

    /** Buckets with the order's units available right now (a consistent snapshot per sku), or empty if any is short. */
    private Optional<Map<String, StockAllocation>> takeBack(Order order) {
        Map<String, StockAllocation> allocations = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> line : order.unitsBySku().entrySet()) {
            int shards =
                    products.findProduct(line.getKey()).map(p -> p.shards()).orElse(0);
            if (shards == 0) {
                return Optional.empty();
            }
            Optional<StockAllocation> allocation =
                    StockAllocation.fromSnapshot(stock.snapshot(line.getKey(), shards), line.getValue());
            if (allocation.isEmpty()) {
                return Optional.empty();
            }
            allocations.put(line.getKey(), allocation.get());
        }
        return Optional.of(allocations);
    }

    private static String refundReason(Order order) {
        return order.cancelReason() == CancelReason.PAYMENT_TIMEOUT
                ? "PAYMENT_AFTER_DEADLINE"
                : "UNITS_NO_LONGER_AVAILABLE";
    }

    /** The header a provider would send for {@code body} at {@code unixSeconds}; for tests and local tooling. */
    public static String signatureFor(String secret, long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "t=" + unixSeconds + ",v1="
                    + HexFormat.of()
                            .formatHex(mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matches(String secret, String message, java.util.List<byte[]> candidates) {
        byte[] expected = sign(secret, message);
        boolean match = false;
        for (byte[] candidate : candidates) {
            match |= MessageDigest.isEqual(expected, candidate);
        }
        return match;
    }

    private static byte[] sign(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiException invalidSignature() {
        return new ApiException(
                401, "INVALID_SIGNATURE", "The X-Signature header is missing or does not match the body");
    }
}
