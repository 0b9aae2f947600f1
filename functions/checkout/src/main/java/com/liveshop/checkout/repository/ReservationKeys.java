package com.liveshop.checkout.repository;

/**
 * Key design of the Reservations table (template.yaml ReservationsTable).
 *
 * <pre>
 * pk = CART#&lt;cartId&gt;        sk = HOLD#&lt;sku&gt;    cartId, sku, title, quantity, priceCents, currency, expiresAt (epoch ms),
 *                                               ttl (epoch s), expiryShard (GSI byExpiry, live holds only)
 * pk = CART#&lt;cartId&gt;        sk = META          currency, itemCount (distinct skus held), ttl
 * pk = ORDER#&lt;orderId&gt;      sk = ORDER         the order
 * pk = IDEMPOTENCY#&lt;key&gt;    sk = IDEMPOTENCY   requestHash, orderId, ttl (24 h)
 * </pre>
 */
public final class ReservationKeys {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String META_SK = "META";
    public static final String ORDER_SK = "ORDER";
    public static final String IDEMPOTENCY_SK = "IDEMPOTENCY";
    public static final String HOLD_PREFIX = "HOLD#";
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
        return "ORDER#" + orderId;
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
}
