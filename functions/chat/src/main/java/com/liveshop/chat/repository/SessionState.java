package com.liveshop.chat.repository;

import java.util.List;
import java.util.Set;

/**
 * What chat needs of a session's META item: its status, moderation state (banned name skeletons and tickets)
 * and chat limits ({@code messagesPerSecond} null: the configured default).
 */
public record SessionState(String sessionId, String status, List<String> blocklist, Set<String> bannedSkeletons,
                           Set<String> bannedTickets, Integer messagesPerSecond, int slowModeSeconds) {

    public boolean ended() {
        return "ENDED".equals(status);
    }
}
