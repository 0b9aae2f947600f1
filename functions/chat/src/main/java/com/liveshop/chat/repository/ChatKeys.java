package com.liveshop.chat.repository;

/**
 * Chat items in the Sessions table, next to the sessions module's items (see its SessionKeys).
 *
 * <pre>
 * pk = SESSION#&lt;id&gt;   sk = META                  the session (sessions module); chat adds viewerCount (ADD),
 *                                              blocklist (L of lower-case words), bannedNames (SS, lower case),
 *                                              pinnedMessage (JSON string, read by GET /sessions/{id}),
 *                                              viewersPushedAtMs / viewersPushedCount (the viewers signal lease)
 * pk = SESSION#&lt;id&gt;   sk = CONN#&lt;connectionId&gt;   one WebSocket connection: name, role, connectedAt, rate window, ttl
 * pk = SESSION#&lt;id&gt;   sk = MSG#&lt;ms13&gt;#&lt;messageId&gt;  one chat message (ttl 30 days)
 * pk = CONN#&lt;connectionId&gt;  sk = CONN          connection → session, for $disconnect and messages
 * </pre>
 *
 * A session's connections are one Query on its partition ({@code begins_with(sk, "CONN#")}), never a Scan.
 */
public final class ChatKeys {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String META = "META";
    public static final String CONN_PREFIX = "CONN#";
    public static final String CONN = "CONN";
    public static final String MSG_PREFIX = "MSG#";

    private ChatKeys() {}

    public static String sessionPk(String sessionId) {
        return "SESSION#" + sessionId;
    }

    public static String connectionSk(String connectionId) {
        return CONN_PREFIX + connectionId;
    }

    public static String connectionLookupPk(String connectionId) {
        return CONN_PREFIX + connectionId;
    }

    /** Message ids are {@code <13-digit epoch ms>-<12 hex>}: the sort key follows from the id alone. */
    public static String messageSk(String messageId) {
        return MSG_PREFIX + messageId.substring(0, 13) + "#" + messageId;
    }
}
