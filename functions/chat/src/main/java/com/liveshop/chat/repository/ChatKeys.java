package com.liveshop.chat.repository;

/**
 * Chat items in the Sessions table, next to the sessions' items: the session's key and its META item are shared
 * {@link com.liveshop.shared.sessions.SessionKeys}'; the keys below are chat's own.
 *
 * <pre>
 * pk = SESSION#&lt;id&gt;  sk = META                 the session (sessions module); chat adds blocklist (L of
 *                                           lower-case words), bannedNames (SS of names' look-alike keys),
 *                                           bannedTickets (SS of ticket ids), bannedClients (SS of the client
 *                                           fingerprints banned tickets came from), chatMessagesPerSecond /
 *                                           chatSlowModeSeconds (slow mode), pinnedMessage (JSON string, read by GET
 *                                           /sessions/{id}), stockPushed*
 * pk = SESSION#&lt;id&gt;  sk = MSG#&lt;ms13&gt;#&lt;messageId&gt;  one chat message (ttl 30 days)
 * pk = SESSION#&lt;id&gt;  sk = TICKET#&lt;ticketId&gt;   a ticket issued: its name and client fingerprint, so a host
 *                                           can ban by ticket (ttl)
 * pk = CHATLIMIT#&lt;id&gt;#&lt;what&gt;#&lt;key&gt;#&lt;window&gt;  sk = LIMIT   one rate window's count (ttl):
 *                                           tickets per client (ip) and minute, tickets per client and show (client,
 *                                           window 0), messages per ticket and 10 s (ticket), a client's messages per
 *                                           second (share), the show's messages per second (show), the clients that
 *                                           sent in a 10 s window (senders, counted once each through a sender marker);
 *                                           or a ticket's last message time (slow)
 * </pre>
 *
 * Rate windows have partitions of their own, so counting never heats the session's partition, and each window is a new
 * item: the per-show budget item changes every second.
 */
public final class ChatKeys {

    public static final String MSG_PREFIX = "MSG#";
    public static final String TICKET_PREFIX = "TICKET#";
    public static final String LIMIT = "LIMIT";

    private ChatKeys() {}

    /** Message ids are {@code <13-digit epoch ms>-<12 hex>}: the sort key follows from the id alone. */
    public static String messageSk(String messageId) {
        return MSG_PREFIX + messageId.substring(0, 13) + "#" + messageId;
    }

    public static String ticketSk(String ticketId) {
        return TICKET_PREFIX + ticketId;
    }

    public static String limitPk(String sessionId, String what, String key, long window) {
        return "CHATLIMIT#" + sessionId + "#" + what + "#" + key + "#" + window;
    }
}
