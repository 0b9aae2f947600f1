package com.liveshop.checkout.service;

import com.liveshop.checkout.config.CheckoutConfig;
import com.liveshop.checkout.domain.Hold;
import com.liveshop.checkout.domain.IdempotencyRecord;
import com.liveshop.checkout.domain.Order;
import com.liveshop.checkout.domain.OrderStatus;
import com.liveshop.checkout.domain.OrderView;
import com.liveshop.checkout.repository.ClientLimitReached;
import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.OrderRepository;
import com.liveshop.checkout.repository.ReservationKeys;
import com.liveshop.shared.catalog.StockAllocation;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.shared.orders.OrderItem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Orders: a cart's live holds become sold in one transaction with the order and its Idempotency-Key, so a retried
 * request (even ten at once) finds the key taken and gets the same order back. Each answer to the buyer carries an
 * order token (stored only as a hash) that opens {@code GET /orders/{id}}; the order must be paid within
 * PAYMENT_SECONDS or the sweep cancels it. Its events leave through the table's stream. Unpaid orders are capped per
 * client (its address's fingerprint) and per email (an HMAC of it), MAX_PENDING_ORDERS_PER_CLIENT each, counted in the
 * order's own transaction: 429 CLIENT_LIMIT beyond.
 */
public class OrderService {

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[\\x21-\\x7E]{1,128}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final OrderRepository orders;
    private final HoldRepository holds;
    private final Clock clock;
    private final Duration paymentWindow;
    private final ShowMetrics metrics;
    private final CheckoutConfig config;
    private final UnaryOperator<String> fingerprint;

    /** {@code fingerprint}: a client address or an email → its key (an HMAC: neither is ever stored in a key). */
    public OrderService(
            OrderRepository orders,
            HoldRepository holds,
            Clock clock,
            CheckoutConfig config,
            ShowMetrics metrics,
            UnaryOperator<String> fingerprint) {
        this.metrics = metrics;
        this.orders = orders;
        this.holds = holds;
        this.clock = clock;
        this.config = config;
        this.paymentWindow = Duration.ofSeconds(config.paymentSeconds());
        this.fingerprint = fingerprint;
    }

    /** 400 IDEMPOTENCY_KEY_REQUIRED when absent, VALIDATION_FAILED when not 1-128 printable ASCII characters. */
    public static String requireIdempotencyKey(String key) {
        if (key == null || key.isEmpty()) {
            throw ApiException.badRequest("IDEMPOTENCY_KEY_REQUIRED", "The Idempotency-Key header is required");
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiException.validation(
                    "The Idempotency-Key header must be 1-128 printable characters without spaces");
        }
        return key;
    }

    /**
     * Places the cart's order for the client at {@code clientAddress}, or returns the order this key already placed for
     * the same request (a replay counts nothing).
     */
    public OrderView place(String idempotencyKey, String cartId, String email, String clientAddress) {
        String requestHash = hash(cartId + "\n" + email);
        List<String> pendingCounters = List.of(
                ReservationKeys.clientPk(fingerprint.apply(clientAddress)),
                ReservationKeys.emailPk(
                        fingerprint.apply("email:" + email.strip().toLowerCase(Locale.ROOT))));
        for (int attempt = 0; attempt < Backoff.MAX_ATTEMPTS; attempt++) {
            // The key first: a retry after success must get its order, not CART_EMPTY.
            Optional<IdempotencyRecord> existing = orders.findIdempotency(idempotencyKey);
            if (existing.isPresent()) {
                return replay(existing.get(), requestHash);
            }
            Instant now = clock.instant();
            List<Hold> cartHolds = holds.contents(cartId).holds().stream()
                    .sorted(Comparator.comparing(Hold::sku))
                    .toList();
            List<String> expired = cartHolds.stream()
                    .filter(h -> h.expiredAt(now))
                    .map(Hold::sku)
                    .toList();
            if (cartHolds.isEmpty() || !expired.isEmpty()) {
                // A concurrent retry with this key may have placed the order (emptying the cart) between
                // our key lookup and the cart read: its order is the answer, not CART_EMPTY.
                existing = orders.findIdempotency(idempotencyKey);
                if (existing.isPresent()) {
                    return replay(existing.get(), requestHash);
                }
            }
            if (cartHolds.isEmpty()) {
                throw ApiException.conflict("CART_EMPTY", "The cart holds no items");
            }
            if (!expired.isEmpty()) {
                throw ApiException.conflict(
                        "HOLDS_EXPIRED", "The hold on " + String.join(", ", expired) + " expired; add the item again");
            }
            String token = newToken();
            Order order = newOrder(cartId, email, cartHolds, now, hash(token), pendingCounters);
            IdempotencyRecord record = new IdempotencyRecord(idempotencyKey, requestHash, order.orderId());
            OrderRepository.PlaceOutcome outcome;
            try {
                outcome = orders.place(record, order, cartHolds, now, config.maxPendingOrdersPerClient());
            } catch (ClientLimitReached e) {
                throw ApiException.tooManyRequests(
                        "CLIENT_LIMIT",
                        "At most " + config.maxPendingOrdersPerClient()
                                + " unpaid orders per "
                                + (e.cap() == ClientLimitReached.Cap.EMAIL_ORDERS ? "email" : "buyer")
                                + "; pay or wait for one to lapse",
                        CartService.retryAfterSeconds(e, now, config));
            }
            switch (outcome) {
                case OK:
                    metrics.orderPlaced();
                    return OrderView.buyer(order, token);
                case KEY_TAKEN:
                case CART_CHANGED:
                    break;
                case RETRY:
                default:
                    Backoff.pause(attempt);
                    break;
            }
        }
        metrics.tryAgain("order");
        throw Backoff.busy();
    }

    /** The buyer's view, for the holder of one of the order's tokens; 404 otherwise, as for an unknown id. */
    public OrderView getForBuyer(String orderId, String orderToken) {
        Order order = orders.find(orderId).orElseThrow(() -> notFound(orderId));
        if (orderToken == null || orderToken.isEmpty()) {
            throw notFound(orderId);
        }
        byte[] given = hash(orderToken).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (String stored : order.tokenHashes()) {
            // Constant time per comparison, and every stored hash is compared.
            match |= MessageDigest.isEqual(given, stored.getBytes(StandardCharsets.US_ASCII));
        }
        if (!match) {
            throw notFound(orderId);
        }
        return OrderView.buyer(order);
    }

    /** The full view (payment id, cart), for hosts. */
    public OrderView getForHost(String orderId) {
        return OrderView.host(orders.find(orderId).orElseThrow(() -> notFound(orderId)));
    }

    /**
     * The same order again, with a fresh token: only its hash was kept, so the first answer's token cannot be repeated,
     * and a client whose first answer was lost still gets a token that opens the order.
     */
    private OrderView replay(IdempotencyRecord record, String requestHash) {
        if (!record.requestHash().equals(requestHash)) {
            throw ApiException.unprocessable(
                    "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for a different request");
        }
        Order order = orders.find(record.orderId()).orElseThrow(() -> notFound(record.orderId()));
        String token = newToken();
        return orders.addTokenHash(order.orderId(), hash(token))
                ? OrderView.buyer(order, token)
                : OrderView.buyer(order);
    }

    private Order newOrder(
            String cartId,
            String email,
            List<Hold> cartHolds,
            Instant now,
            String tokenHash,
            List<String> pendingCounters) {
        List<OrderItem> items =
                cartHolds.stream().flatMap(h -> h.orderItems().stream()).toList();
        long total = cartHolds.stream().mapToLong(Hold::lineTotalCents).sum();
        Map<String, StockAllocation> allocations = new LinkedHashMap<>();
        cartHolds.forEach(h -> allocations.put(h.sku(), h.allocation()));
        // Each hold's units stay counted against its client until the order is paid or cancelled.
        Map<String, String> unitClients = new LinkedHashMap<>();
        cartHolds.stream().filter(h -> h.client() != null).forEach(h -> unitClients.put(h.sku(), h.client()));
        return new Order(
                UUID.randomUUID().toString(),
                OrderStatus.PENDING_PAYMENT,
                cartId,
                items,
                total,
                cartHolds.get(0).currency(),
                email,
                now,
                now,
                null,
                now.plus(paymentWindow),
                null,
                allocations,
                List.of(tokenHash),
                unitClients,
                pendingCounters);
    }

    private static ApiException notFound(String orderId) {
        return ApiException.notFound("ORDER_NOT_FOUND", "No order " + orderId);
    }

    /** 256 random bits, URL-safe. */
    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
