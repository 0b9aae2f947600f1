package com.liveshop.shared.waitlist;

/**
 * Key design of the waitlist in the Reservations table (checkout writes it; the host's stats count it):
 *
 * <pre>
 * pk = WAITLIST#&lt;sku&gt;                 sk = &lt;13-digit joinedAt ms&gt;#&lt;cartId&gt;   one entry: cartId,
 *                                                                          quantity, expiresAt (epoch s), ttl, client
 *                                                                          (the joining client's fingerprint, whose cap
 *                                                                          its hold counts against); sk order = arrival
 *                                                                          order
 * pk = WAITCART#&lt;cartId&gt;#&lt;sku&gt;       sk = WAITLIST                      the cart's entry for the sku
 *                                                                          (entrySk): one entry per cart and sku, found
 *                                                                          by cart
 * pk = WAITCOUNT#&lt;sku&gt;                sk = COUNT                         n = entries in the line (expired ones
 *                                                                          until removed): written in the same
 *                                                                          transaction as each entry's Put or Delete,
 *                                                                          so it is exact
 * pk = WAITLIMIT#&lt;source&gt;#&lt;minute&gt;  sk = LIMIT                         joins from one source address (its
 *                                                                          fingerprint) in one minute
 * </pre>
 *
 * An entry past {@code expiresAt} is no longer waiting (TTL deletes it later; the hand-out deletes it when it meets
 * it). Every entry lives as long ({@code WaitlistHours}), so the expired entries of a line are always its oldest ones.
 */
public final class WaitlistKeys {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String MARKER_SK = "WAITLIST";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String COUNT_SK = "COUNT";
    /** The counter's attribute: entries in the line. */
    public static final String COUNT = "n";

    private WaitlistKeys() {}

    public static String listPk(String sku) {
        return "WAITLIST#" + sku;
    }

    public static String entrySk(long joinedAtMillis, String cartId) {
        return String.format("%013d", joinedAtMillis) + "#" + cartId;
    }

    public static String markerPk(String cartId, String sku) {
        return "WAITCART#" + cartId + "#" + sku;
    }

    public static String counterPk(String sku) {
        return "WAITCOUNT#" + sku;
    }

    public static String joinLimitPk(String sourceFingerprint, long minute) {
        return "WAITLIMIT#" + sourceFingerprint + "#" + minute;
    }
}
