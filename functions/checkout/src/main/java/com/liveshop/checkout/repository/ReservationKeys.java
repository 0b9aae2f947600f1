package com.liveshop.checkout.repository;

/**
 * Key design of the Reservations table (template.yaml ReservationsTable).
 *
 * <pre>
 * pk = CART#&lt;cartId&gt;        sk = HOLD#&lt;sku&gt;    cartId, sku, title, quantity, priceCents (first tier), tiers [{quantity,
 *                                               priceCents}], allocation {bucket: units}, currency, expiresAt (epoch
 *                                               ms), ttl (epoch s), expiryShard (GSI byExpiry)
 * pk = CART#&lt;cartId&gt;        sk = META          currency, itemCount (distinct skus held), txItems (items the order's
 *                                               transaction will write for the holds), ttl
 * pk = CART#&lt;cartId&gt;        sk = RECLAIMED#&lt;sku&gt;#&lt;expiresAt&gt;   a TTL-deleted hold whose units were given back, ttl
 * pk = ORDER#&lt;orderId&gt;      sk = ORDER         the order; while PENDING_PAYMENT also expiryShard + expiresAt =
 *                                               paymentDueAt, so the sweep finds overdue orders in the same GSI
 * pk = ORDER#&lt;orderId&gt;      sk = REFUND#&lt;paymentId&gt;   a payment to give back (its INSERT is the RefundRequired event)
 * pk = PAYMENT#&lt;paymentId&gt;  sk = PAYMENT       orderId: a provider's payment id confirms one order at most
 * pk = IDEMPOTENCY#&lt;key&gt;    sk = IDEMPOTENCY   requestHash, orderId, ttl (24 h)
 * </pre>
 *
 * The table's stream is the outbox: ORDER and REFUND# changes become the order events.
 */
public final class ReservationKeys {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String META_SK = "META";
    public static final String ORDER_SK = "ORDER";
    public static final String IDEMPOTENCY_SK = "IDEMPOTENCY";
    public static final String HOLD_PREFIX = "HOLD#";
    public static final String ORDER_PREFIX = "ORDER#";
    public static final String REFUND_PREFIX = "REFUND#";
    public static final String PAYMENT_SK = "PAYMENT";
    public static final String BY_EXPIRY_INDEX = "byExpiry";
    /** Holds are spread over this many GSI partitions so a flash sale's expiries do not share one hot key. */
    public static final int EXPIRY_SHARDS = 10;

    private ReservationKeys() {}

    public static String cartPk(String cartId) {
        return "CART#" + cartId;
    }

    public static String holdSk(String sku) {
        return HOLD_PREFIX + sku;
    }

    public static String orderPk(String orderId) {
        return ORDER_PREFIX + orderId;
    }

    public static String refundSk(String paymentId) {
        return REFUND_PREFIX + paymentId;
    }

    public static String paymentPk(String paymentId) {
        return "PAYMENT#" + paymentId;
    }

    public static String reclaimedSk(String sku, long expiresAtMillis) {
        return "RECLAIMED#" + sku + "#" + expiresAtMillis;
    }

    public static String idempotencyPk(String key) {
        return "IDEMPOTENCY#" + key;
    }

    public static String expiryShard(int shard) {
        return "EXPIRY#" + shard;
    }

    public static String expiryShardOf(String cartId, String sku) {
        return expiryShard(Math.floorMod((cartId + "/" + sku).hashCode(), EXPIRY_SHARDS));
    }

    public static String expiryShardOf(String orderId) {
        return expiryShard(Math.floorMod(orderId.hashCode(), EXPIRY_SHARDS));
    }
}
