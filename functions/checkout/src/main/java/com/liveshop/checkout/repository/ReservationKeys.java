package com.liveshop.checkout.repository;

/**
 * Key design of the Reservations table (template.yaml ReservationsTable).
 *
 * <pre>
 * pk = CART#&lt;cartId&gt;        sk = HOLD#&lt;sku&gt;    cartId, sku, title, quantity, priceCents (first tier), tiers
 *                                               [{quantity, priceCents}], allocation {bucket: units}, currency,
 *                                               expiresAt (epoch ms), ttl (epoch s), expiryShard (GSI byExpiry)
 * pk = CART#&lt;cartId&gt;        sk = META          currency, itemCount (distinct skus held), txItems (items the
 *                                               order's transaction will write for the holds), ttl
 * pk = CART#&lt;cartId&gt;        sk = RECLAIMED#&lt;sku&gt;#&lt;expiresAt&gt;   a TTL-deleted hold whose units were
 *                                               given back, ttl
 * pk = ORDER#&lt;orderId&gt;      sk = ORDER         the order; while PENDING_PAYMENT also expiryShard + expiresAt =
 *                                               paymentDueAt, so the sweep finds overdue orders in the same GSI
 * pk = ORDER#&lt;orderId&gt;      sk = REFUND#&lt;paymentId&gt;   a payment to give back (its INSERT is the
 *                                               RefundRequired event)
 * pk = PAYMENT#&lt;paymentId&gt;  sk = PAYMENT       orderId: a provider's payment id confirms one order at most
 * pk = IDEMPOTENCY#&lt;key&gt;    sk = IDEMPOTENCY   requestHash, orderId, ttl (24 h)
 * pk = CLIENT#&lt;client&gt;      sk = SKU#&lt;sku&gt;     units: what one client (its address fingerprint) holds of
 *                                               the sku plus what its unpaid orders hold, over all carts; one attribute
 *                                               per counted hold (H#&lt;cartId&gt;) or order (O#&lt;orderId&gt;) = when
 *                                               its units go back (epoch ms), the answer's Retry-After; ttl
 * pk = CLIENT#&lt;client&gt;      sk = ORDERS        pending: the client's unpaid orders; O#&lt;orderId&gt; =
 *                                               paymentDueAt; ttl
 * pk = EMAIL#&lt;email key&gt;    sk = ORDERS        the same per buyer email (an HMAC of it, never the address)
 * </pre>
 *
 * The table's stream is the outbox: ORDER and REFUND# changes become the order events. A hold or order counted against
 * a client names it ({@code client}; an order its {@code unitClients} per sku and {@code pendingKeys}), and every
 * change that releases it moves the counters in the same transaction, so they never drift.
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

    /** The per-client counters: one partition per client, so one client's burst never touches another's. */
    public static String clientPk(String clientFingerprint) {
        return "CLIENT#" + clientFingerprint;
    }

    public static String emailPk(String emailKey) {
        return "EMAIL#" + emailKey;
    }

    public static String clientSkuSk(String sku) {
        return "SKU#" + sku;
    }

    public static final String PENDING_ORDERS_SK = "ORDERS";

    /** A counted hold's attribute on its client's counter (cart and sku name the hold; the counter names the sku). */
    public static String heldEntry(String cartId) {
        return "H#" + cartId;
    }

    public static String orderEntry(String orderId) {
        return "O#" + orderId;
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
