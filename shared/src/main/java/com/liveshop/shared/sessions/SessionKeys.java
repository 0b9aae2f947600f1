package com.liveshop.shared.sessions;

/**
 * Key design of the Sessions table (see template.yaml SessionsTable), shared by the sessions, chat and checkout modules
 * (checkout reads a show's current highlight for a hold and keeps the show's sales stats).
 *
 * <pre>
 * pk = SESSION#&lt;id&gt;      sk = META              the session; gsi1pk=ACTIVE, gsi1sk=&lt;startsAt&gt;#&lt;id&gt;
 *                                               until it ends
 * pk = SESSION#&lt;id&gt;      sk = STREAM#&lt;streamId&gt;  one IVS broadcast: startedAtMs, endedAtMs
 * pk = SESSION#&lt;id&gt;      sk = HL#&lt;offset&gt;#&lt;hid&gt;   one highlight on the timeline (offset zero-padded:
 *                                               sorts in order)
 * pk = SESSION#&lt;id&gt;      sk = REMINDER#&lt;rid&gt;    one reminder (rid = HMAC of the normalized address): email,
 *                                               status PENDING → CONFIRMED, confirmSentAt, liveSentAt
 * pk = SESSION#&lt;id&gt;      sk = STATS             the show's sales totals and peakViewers (ShowStatsRepository)
 * pk = SESSION#&lt;id&gt;      sk = STATS#SKU#&lt;sku&gt;   one product's totals in the show
 * pk = SESSION#&lt;id&gt;      sk = STATS#HL#&lt;hid&gt;    one highlight's totals: what was bought while it was on
 *                                               screen
 * pk = STATSEVENT#&lt;key&gt;   sk = STATSEVENT        one counted fact (a hold placed, an order placed / paid), ttl:
 *                                               makes the stream-fed aggregation idempotent; own partitions, never the
 *                                               show's
 * pk = REMINDLIMIT#&lt;id&gt;#&lt;ip fingerprint&gt;#&lt;minute&gt;  sk = LIMIT  reminder sign-ups from one source per
 *                                               minute (ttl)
 * pk = CHANNEL#&lt;arn&gt;      sk = CHANNEL           channel ARN → sessionId, for IVS events
 * pk = CHALLENGE#&lt;signature&gt;  sk = CHALLENGE   an ALTCHA solution already used (shared pow.SpentChallenges), ttl
 *                                               = the challenge's expiry; own partitions
 * </pre>
 *
 * The byStart index is sparse: ended sessions drop out of it, so listing upcoming and live sessions is one Query on one
 * small partition, never a Scan. The IVS stream key is not stored anywhere.
 */
public final class SessionKeys {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String META = "META";
    public static final String CHANNEL = "CHANNEL";
    public static final String STREAM_PREFIX = "STREAM#";
    public static final String HIGHLIGHT_PREFIX = "HL#";
    public static final String REMINDER_PREFIX = "REMINDER#";
    public static final String BY_START_INDEX = "byStart";
    public static final String ACTIVE = "ACTIVE";
    public static final String STATS = "STATS";
    public static final String STATS_SKU_PREFIX = "STATS#SKU#";
    public static final String STATS_HIGHLIGHT_PREFIX = "STATS#HL#";
    public static final String STATS_EVENT = "STATSEVENT";
    public static final String CHALLENGE = "CHALLENGE";

    /** The session META attribute of the chat's buy keyword (comment-to-buy), and the keyword until a host sets one. */
    public static final String BUY_KEYWORD = "chatBuyKeyword";

    public static final String DEFAULT_BUY_KEYWORD = "SOLD";

    private SessionKeys() {}

    public static String sessionPk(String sessionId) {
        return "SESSION#" + sessionId;
    }

    public static String channelPk(String channelArn) {
        return "CHANNEL#" + channelArn;
    }

    public static String reminderLimitPk(String sessionId, String sourceFingerprint, long minute) {
        return "REMINDLIMIT#" + sessionId + "#" + sourceFingerprint + "#" + minute;
    }

    /** A spent proof-of-work challenge, by its signature (hex HMAC, unique per challenge). */
    public static String challengePk(String signature) {
        return CHALLENGE + "#" + signature;
    }

    public static String statsEventPk(String factKey) {
        return STATS_EVENT + "#" + factKey;
    }

    public static String highlightSk(long offsetMs, String highlightId) {
        return HIGHLIGHT_PREFIX + String.format("%013d", offsetMs) + "#" + highlightId;
    }
}
