package com.liveshop.shared.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A caller's source address as a rate-limit key: HMAC-SHA256 under a secret key, 24 hex digits. A bare hash of an IPv4
 * address is reversed by trying all 2^32, so the stored key is useless without the secret. Chat tickets and reminder
 * sign-ups both key their per-address windows with it.
 */
public final class SourceFingerprint {

    private final SecretKeySpec key;

    public SourceFingerprint(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalStateException("The fingerprint secret must have at least 16 characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String of(String sourceIp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] h = mac.doFinal(("fp:" + (sourceIp == null ? "" : sourceIp)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
