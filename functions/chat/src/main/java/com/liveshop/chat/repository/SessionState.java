package com.liveshop.chat.repository;

import java.util.List;
import java.util.Set;

/** What chat needs of a session's META item: its status and moderation state. */
public record SessionState(String sessionId, String status, long viewerCount, List<String> blocklist, Set<String> bannedNames) {

    public boolean ended() {
        return "ENDED".equals(status);
    }

    public boolean banned(String name) {
        return bannedNames.contains(ChatNames.normalize(name));
    }
}
