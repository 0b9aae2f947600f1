package com.liveshop.sessions;

import com.liveshop.shared.config.AppConfig;
import java.util.Optional;

/** The sessions functions' settings, by their template.yaml environment variable names. */
public record SessionsConfig(String sessionsTable, String catalogTable) {

    public static final String SESSIONS_TABLE = "SESSIONS_TABLE";
    public static final String CATALOG_TABLE = "CATALOG_TABLE";
    public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";
    public static final String RECORDING_CONFIGURATION_ARN = "RECORDING_CONFIGURATION_ARN";
    public static final String REPLAY_BASE_URL = "REPLAY_BASE_URL";

    public static SessionsConfig from(AppConfig config) {
        return new SessionsConfig(config.required(SESSIONS_TABLE), config.required(CATALOG_TABLE));
    }

    public static Optional<String> recordingConfigurationArn(AppConfig config) {
        return config.optional(RECORDING_CONFIGURATION_ARN);
    }
}
