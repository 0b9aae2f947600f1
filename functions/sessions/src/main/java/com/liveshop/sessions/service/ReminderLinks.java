package com.liveshop.sessions.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A reminder's id and the signed tokens in its emails' links. The id is an HMAC of the normalized address, so the
 * table's keys, queue messages and logs name a reminder without naming its address, and one address maps to one
 * reminder per show. A token is {@code <kind>.<sessionId>.<reminderId>.<mac>}: the MAC (HMAC-SHA256 under the secret,
 * domain-separated by kind) makes a token unforgeable and unswappable between confirm and unsubscribe, and the service
 * checks it before it reads or writes anything.
 */
public final class ReminderLinks {

    /** What a token lets its bearer do. */
    public enum Kind {
        CONFIRM("c"),
        UNSUBSCRIBE("u");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    /** A verified token: the reminder it names. */
    public record Link(Kind kind, String sessionId, String reminderId) {}

    private static final Pattern PART = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Supplier<String> secret;
    private volatile SecretKeySpec key;

    public ReminderLinks(String secret) {
        this(() -> secret);
        key();
    }

    /** With the key read when first needed (Secrets Manager at run time), not when the function starts. */
    public ReminderLinks(Supplier<String> secret) {
        this.secret = secret;
    }

    private SecretKeySpec key() {
        SecretKeySpec k = key;
        if (k == null) {
            String s = secret.get();
            if (s == null || s.length() < 16) {
                throw new IllegalStateException("The reminder secret must have at least 16 characters");
            }
            k = new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
            key = k;
        }
        return k;
    }

    /** The reminder id of a normalized address: 22 URL-safe characters (128 bits of the HMAC). */
    public String reminderId(String normalizedEmail) {
        byte[] h = hmac("reminder-id:" + normalizedEmail);
        return B64.encodeToString(java.util.Arrays.copyOf(h, 16));
    }

    public String token(Kind kind, String sessionId, String reminderId) {
        String body = kind.prefix + "." + sessionId + "." + reminderId;
        return body + "." + B64.encodeToString(hmac("reminder-link:" + body));
    }

    /** The link a token names, if it is well formed and its MAC is ours; otherwise empty. */
    public Optional<Link> verify(String token) {
        if (token == null || token.length() > 256) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4
                || !PART.matcher(parts[1]).matches()
                || !PART.matcher(parts[2]).matches()) {
            return Optional.empty();
        }
        Kind kind = parts[0].equals(Kind.CONFIRM.prefix)
                ? Kind.CONFIRM
                : parts[0].equals(Kind.UNSUBSCRIBE.prefix) ? Kind.UNSUBSCRIBE : null;
        if (kind == null) {
            return Optional.empty();
        }
        byte[] expected = B64.encode(hmac("reminder-link:" + parts[0] + "." + parts[1] + "." + parts[2]));
        if (!MessageDigest.isEqual(expected, parts[3].getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return Optional.of(new Link(kind, parts[1], parts[2]));
    }

    private byte[] hmac(String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
