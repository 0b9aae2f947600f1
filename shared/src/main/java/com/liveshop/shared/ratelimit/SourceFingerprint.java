package com.liveshop.shared.ratelimit;

import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.secrets.RuntimeSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A caller's source address as a rate-limit key: HMAC-SHA256 under a secret key, 24 hex digits. A bare hash of an IPv4
 * address is reversed by trying all 2^32, so the stored key is useless without the secret. Chat tickets, reminder
 * sign-ups and waitlist joins key their per-address windows with it; all use the same key (the template's
 * ChatTicketSecret), so one client has one fingerprint everywhere.
 */
public final class SourceFingerprint {

    /** The variable that names the key's secret (its ARN); the key itself is read at run time, never configured. */
    public static final String SECRET_ARN_VARIABLE = "FINGERPRINT_SECRET_ARN";

    private final Supplier<String> secret;
    private volatile KeyOf key;

    /** {@code secret}: read when used (a {@link RuntimeSecret} reads Secrets Manager once per environment and TTL). */
    public SourceFingerprint(Supplier<String> secret) {
        this.secret = secret;
    }

    /** The key from the secret FINGERPRINT_SECRET_ARN names, read at run time. */
    public static SourceFingerprint fromConfig(AppConfig app) {
        return new SourceFingerprint(RuntimeSecret.fromConfig(app, SECRET_ARN_VARIABLE, "fingerprint key"));
    }

    public String of(String sourceIp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            byte[] h = mac.doFinal(("fp:" + (sourceIp == null ? "" : sourceIp)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The key for the secret's current value: a rotation the {@code RuntimeSecret} picks up changes it here too. */
    private SecretKeySpec key() {
        String s = secret.get();
        KeyOf k = key;
        if (k == null || !k.value().equals(s)) {
            if (s == null || s.length() < 16) {
                throw new IllegalStateException("The fingerprint secret must have at least 16 characters");
            }
            k = new KeyOf(s, new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            key = k;
        }
        return k.spec();
    }

    private record KeyOf(String value, SecretKeySpec spec) {}
}
