package com.liveshop.chat.repository;

/** One WebSocket connection of a session. {@code role} is "host" or "viewer". */
public record Connection(String sessionId, String connectionId, String name, String role, String connectedAt) {

    public static final String HOST = "host";
    public static final String VIEWER = "viewer";

    public boolean host() {
        return HOST.equals(role);
    }
}
