package com.liveshop.sessions.repository;

/**
 * Key design of the Sessions table (see template.yaml SessionsTable).
 *
 * <pre>
 * pk = SESSION#&lt;id&gt;      sk = META              the session; gsi1pk=ACTIVE, gsi1sk=&lt;startsAt&gt;#&lt;id&gt; until it ends
 * pk = SESSION#&lt;id&gt;      sk = STREAM#&lt;streamId&gt;  one IVS broadcast: startedAtMs, endedAtMs
 * pk = SESSION#&lt;id&gt;      sk = HL#&lt;offset&gt;#&lt;hid&gt;   one highlight on the timeline (offset zero-padded: sorts in order)
 * pk = SESSION#&lt;id&gt;      sk = REMINDER#&lt;email&gt;  one reminder sign-up (normalized email)
 * pk = CHANNEL#&lt;arn&gt;      sk = CHANNEL           channel ARN → sessionId, for IVS events
 * </pre>
 *
 * The byStart index is sparse: ended sessions drop out of it, so listing upcoming and live sessions is one
 * Query on one small partition, never a Scan. The IVS stream key is not stored anywhere.
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

    private SessionKeys() {}

    public static String sessionPk(String sessionId) {
        return "SESSION#" + sessionId;
    }

    public static String channelPk(String channelArn) {
        return "CHANNEL#" + channelArn;
    }

    public static String highlightSk(long offsetMs, String highlightId) {
        return HIGHLIGHT_PREFIX + String.format("%013d", offsetMs) + "#" + highlightId;
    }
}
