package com.liveshop.chat;

import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.shared.config.AppConfig;
import java.util.Arrays;
import java.util.List;

/** The chat functions' settings, by their template.yaml environment variable names. */
public record ChatConfig(
        String sessionsTable,
        int ticketsPerIpPerMinute,
        int ticketsPerClientPerShow,
        int messagesPerTicketPer10s,
        int defaultMessagesPerSecond,
        List<String> brandNames) {

    public static final String SESSIONS_TABLE = "SESSIONS_TABLE";
    /**
     * The ARN of the secret holding the HMAC key chat tickets are signed with (and client addresses are hashed with):
     * read at run time, never configured itself.
     */
    public static final String CHAT_TICKET_SECRET_ARN = "CHAT_TICKET_SECRET_ARN";

    public static final String CHAT_TICKETS_PER_IP_PER_MINUTE = "CHAT_TICKETS_PER_IP_PER_MINUTE";
    public static final String CHAT_TICKETS_PER_CLIENT_PER_SHOW = "CHAT_TICKETS_PER_CLIENT_PER_SHOW";
    /** Template ChatTicketsPerClientPerShow's default. */
    public static final int DEFAULT_TICKETS_PER_CLIENT_PER_SHOW = 10;

    public static final String CHAT_MESSAGES_PER_TICKET_PER_10S = "CHAT_MESSAGES_PER_TICKET_PER_10S";
    public static final String CHAT_DEFAULT_MESSAGES_PER_SECOND = "CHAT_DEFAULT_MESSAGES_PER_SECOND";
    /** The brand's name(s), comma-separated: no viewer may chat under them or their look-alikes. */
    public static final String BRAND_NAME = "BRAND_NAME";

    public static ChatConfig from(AppConfig config) {
        return new ChatConfig(
                config.required(SESSIONS_TABLE),
                config.intOrDefault(CHAT_TICKETS_PER_IP_PER_MINUTE, 30),
                config.intOrDefault(CHAT_TICKETS_PER_CLIENT_PER_SHOW, DEFAULT_TICKETS_PER_CLIENT_PER_SHOW),
                config.intOrDefault(CHAT_MESSAGES_PER_TICKET_PER_10S, 5),
                config.intOrDefault(CHAT_DEFAULT_MESSAGES_PER_SECOND, ChatRepository.DEFAULT_MESSAGES_PER_SECOND),
                Arrays.stream(config.optional(BRAND_NAME).orElse("").split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList());
    }
}
