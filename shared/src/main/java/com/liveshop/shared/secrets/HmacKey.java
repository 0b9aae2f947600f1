package com.liveshop.shared.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under a secret read when used (a {@link RuntimeSecret}): the key follows the secret's current value, so a
 * rotation the secret picks up changes every signature and fingerprint made with it from then on.
 */
public final class HmacKey {

    private record KeyOf(String value, SecretKeySpec spec) {}

    private final Supplier<String> secret;
    private final int minLength;
    private final String name;
    private volatile KeyOf key;

    /** {@code minLength}: the shortest value accepted (a shorter one is a configuration error, never a weak key). */
    public HmacKey(Supplier<String> secret, int minLength, String name) {
        this.secret = secret;
        this.minLength = minLength;
        this.name = name;
    }

    public byte[] mac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private SecretKeySpec key() {
        String s = secret.get();
        KeyOf k = key;
        if (k == null || !k.value().equals(s)) {
            if (s == null || s.length() < minLength) {
                throw new IllegalStateException("The " + name + " must be at least " + minLength + " characters");
            }
            k = new KeyOf(s, new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            key = k;
        }
        return k.spec();
    }
}
