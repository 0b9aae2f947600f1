package com.liveshop.chat.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.ratelimit.SourceFingerprint;
import com.liveshop.shared.secrets.HmacKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Chat tickets: a signed, stateless identity for chatting in one show, {@code v1.<base64url payload>.<base64url
 * HMAC-SHA256>}, the payload being {@code {"s": sessionId, "t": ticketId, "n": name, "e": expiry epoch seconds, "f":
 * the client fingerprint, "c": cartId?}}. {@code f} is the keyed hash of the address that obtained the ticket: a ban by
 * ticket bans that client for the show, and the show's budget is shared per client. Sending a message verifies it
 * without a read. The JDK's HMAC is used as is (a JWT library would add a header and algorithm choice we do not want a
 * client to pick).
 */
public final class ChatTickets {

    /**
     * A verified ticket; {@code client}: the fingerprint of the address that obtained it ({@link SourceFingerprint});
     * {@code cartId} null unless it was bound to a cart.
     */
    public record Ticket(
            String sessionId, String ticketId, String name, Instant expiresAt, String client, String cartId) {}

    static final String VERSION = "v1";
    /** Tickets are short strings; anything longer is not one (and is not worth decoding). */
    static final int MAX_LENGTH = 1024;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SourceFingerprint fingerprints;
    private final HmacKey key;

    /**
     * {@code secret}: the key (at least 32 characters; the template generates 48), read when used: a
     * {@code RuntimeSecret} reads Secrets Manager once per execution environment and TTL.
     */
    public ChatTickets(Supplier<String> secret) {
        this.key = new HmacKey(secret, 32, "chat-ticket key");
        this.fingerprints = new SourceFingerprint(secret);
    }

    public String sign(Ticket t) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("s", t.sessionId());
        payload.put("t", t.ticketId());
        payload.put("n", t.name());
        payload.put("e", t.expiresAt().getEpochSecond());
        if (t.cartId() != null) {
            payload.put("c", t.cartId());
        }
        if (t.client() != null) {
            payload.put("f", t.client());
        }
        String body = VERSION + "." + B64.encodeToString(Json.write(payload).getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(key.mac(body));
    }

    /** The ticket if it is ours, unexpired at {@code now} and for {@code sessionId}; else 401 INVALID_TICKET. */
    public Ticket verify(String ticket, String sessionId, Instant now) {
        if (ticket == null || ticket.isBlank()) {
            throw invalid("A chat ticket is required (X-Chat-Ticket); get one with POST /sessions/{id}/chat-tickets");
        }
        String[] parts = ticket.strip().split("\\.", -1);
        if (ticket.length() > MAX_LENGTH || parts.length != 3 || !VERSION.equals(parts[0])) {
            throw invalid("The chat ticket is not valid");
        }
        byte[] signature;
        JsonNode payload;
        try {
            signature = B64D.decode(parts[2]);
            payload = Json.MAPPER.readTree(B64D.decode(parts[1]));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw invalid("The chat ticket is not valid");
        }
        if (!MessageDigest.isEqual(signature, key.mac(parts[0] + "." + parts[1])) || payload == null) {
            throw invalid("The chat ticket is not valid");
        }
        Ticket t = new Ticket(
                payload.path("s").asText(""),
                payload.path("t").asText(""),
                payload.path("n").asText(""),
                Instant.ofEpochSecond(payload.path("e").asLong(0)),
                payload.path("f").asText(""),
                payload.hasNonNull("c") ? payload.get("c").asText() : null);
        if (!t.sessionId().equals(sessionId)) {
            throw invalid("The chat ticket is for another show");
        }
        if (!now.isBefore(t.expiresAt())) {
            throw invalid("The chat ticket has expired; get a new one");
        }
        return t;
    }

    /** A keyed hash of a value we must not store (a client address): stable per secret, not reversible. */
    public String fingerprint(String value) {
        return fingerprints.of(value);
    }

    private static ApiException invalid(String message) {
        return new ApiException(401, "INVALID_TICKET", message);
    }
}
