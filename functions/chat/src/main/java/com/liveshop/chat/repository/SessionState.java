package com.liveshop.chat.repository;

import java.util.List;
import java.util.Set;

/**
 * What chat needs of a session's META item: its status, moderation state (banned names' look-alike keys, tickets and
 * clients: the fingerprints of the addresses banned tickets came from) chat limits ({@code messagesPerSecond} null: the
 * configured default), the buy keyword of comment-to-buy, and the sku on screen ({@code featuredSku}, null unless LIVE
 * with a current highlight).
 */
public record SessionState(
        String sessionId,
        String status,
        List<String> blocklist,
        Set<String> bannedNames,
        Set<String> bannedTickets,
        Set<String> bannedClients,
        Integer messagesPerSecond,
        int slowModeSeconds,
        String buyKeyword,
        String featuredSku) {

    public boolean ended() {
        return "ENDED".equals(status);
    }

    public boolean live() {
        return "LIVE".equals(status);
    }
}
