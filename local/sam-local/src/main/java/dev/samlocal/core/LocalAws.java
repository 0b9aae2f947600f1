package dev.samlocal.core;

import java.util.HashMap;
import java.util.Map;

/** The region and static credentials every local client uses, so nothing looks for real AWS credentials. */
public final class LocalAws {

    public static final String REGION = "us-east-1";

    private LocalAws() {}

    public static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put("AWS_REGION", REGION);
        settings.put("AWS_ACCESS_KEY_ID", "local");
        settings.put("AWS_SECRET_ACCESS_KEY", "local");
        settings.put("AWS_EC2_METADATA_DISABLED", "true");
        settings.put("AWS_EMF_ENVIRONMENT", "Local");
        // Business metrics (ShowMetrics) off: EMF lines would flood the local stack's console and the test output.
        settings.put("POWERTOOLS_METRICS_DISABLED", "true");
        settings.putAll(extra);
        return settings;
    }
}
