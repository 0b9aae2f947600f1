package com.liveshop.chat;

import com.liveshop.shared.config.AppConfig;

/** The chat functions' settings, by their template.yaml environment variable names. */
public record ChatConfig(String sessionsTable, String websocketEndpoint) {

    public static final String SESSIONS_TABLE = "SESSIONS_TABLE";
    /** https://{api}.execute-api.{region}.amazonaws.com/{stage}: where @connections calls go. */
    public static final String WEBSOCKET_ENDPOINT = "WEBSOCKET_ENDPOINT";

    public static ChatConfig from(AppConfig config) {
        return new ChatConfig(config.required(SESSIONS_TABLE), config.required(WEBSOCKET_ENDPOINT));
    }
}
