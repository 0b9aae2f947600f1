package com.liveshop.shared.ratelimit;

import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.secrets.HmacKey;
import com.liveshop.shared.secrets.RuntimeSecret;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * A caller's source address as a rate-limit key: HMAC-SHA256 under a secret key, 24 hex digits. A bare hash of an IPv4
 * address is reversed by trying all 2^32, so the stored key is useless without the secret. Chat tickets, reminder
 * sign-ups and waitlist joins key their per-address windows with it; all use the same key (the template's
 * ChatTicketSecret), so one client has one fingerprint everywhere.
 */
public final class SourceFingerprint {

    /** The variable that names the key's secret (its ARN); the key itself is read at run time, never configured. */
    public static final String SECRET_ARN_VARIABLE = "FINGERPRINT_SECRET_ARN";

    private final HmacKey key;

    /** {@code secret}: read when used (a {@link RuntimeSecret} reads Secrets Manager once per environment and TTL). */
    public SourceFingerprint(Supplier<String> secret) {
        this.key = new HmacKey(secret, 16, "fingerprint key");
    }

    /** The key from the secret FINGERPRINT_SECRET_ARN names, read at run time. */
    public static SourceFingerprint fromConfig(AppConfig app) {
        return new SourceFingerprint(RuntimeSecret.fromConfig(app, SECRET_ARN_VARIABLE, "fingerprint key"));
    }

    public String of(String sourceIp) {
        return HexFormat.of().formatHex(key.mac("fp:" + (sourceIp == null ? "" : sourceIp)), 0, 12);
    }
}
