package com.liveshop.shared.pow;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;
import org.altcha.altcha.Altcha;

/**
 * ALTCHA proof-of-work challenges (org.altcha:altcha): {@link #issue()} signs a new one with the HMAC key, and
 * {@link #verify(String)} checks a solution a client sends back. A challenge is {@code SHA-256(salt + n)} for a secret
 * {@code n} below {@code maxnumber}: the client finds {@code n} by trying them (about {@code maxnumber / 2} hashes),
 * the server checks it with one hash and one HMAC. The salt carries {@code ?expires=<epoch seconds>&}, covered by the
 * signature, so an old solution cannot be passed off as new. Stateless: spending a solution once is
 * {@link ProofOfWork}'s part.
 */
public final class Challenges {

    /** The one algorithm issued and accepted. */
    public static final String ALGORITHM = "SHA-256";
    /** How long a challenge may be solved and used: long enough for a page to keep one ready, short for a farm. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    /** A solution (base64 of a small JSON object) longer than this is not one of ours. */
    static final int MAX_PAYLOAD_CHARS = 1024;

    /** What {@code GET /challenges} answers: ALTCHA's challenge JSON, as its widget and solvers take it. */
    public record Challenge(String algorithm, String challenge, long maxnumber, String salt, String signature) {}

    /** A valid solution: its challenge's signature (unique per challenge) and when the challenge expires. */
    public record Solved(String signature, Instant expiresAt) {}

    private final Supplier<String> hmacKey;
    private final long maxNumber;
    private final Clock clock;

    public Challenges(Supplier<String> hmacKey, long maxNumber, Clock clock) {
        if (maxNumber < 1) {
            throw new IllegalStateException("Configuration " + ProofOfWork.MAX_NUMBER + " must be positive");
        }
        this.hmacKey = hmacKey;
        this.maxNumber = maxNumber;
        this.clock = clock;
    }

    /** A new challenge, valid for {@link #LIFETIME}; its secret number drawn with SecureRandom. */
    public Challenge issue() {
        Altcha.ChallengeOptions options = new Altcha.ChallengeOptions()
                .setAlgorithm(Altcha.Algorithm.SHA256)
                .setMaxNumber(maxNumber)
                .setSecureRandomNumber(true)
                .setExpires(clock.instant().plus(LIFETIME).getEpochSecond())
                .setHmacKey(hmacKey.get());
        try {
            Altcha.Challenge c = Altcha.createChallenge(options);
            return new Challenge(c.algorithm, c.challenge, c.maxnumber, c.salt, c.signature);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create a challenge: " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code payload} (base64 of ALTCHA's {@code {algorithm, challenge, number, salt, signature}}): signed with
     * our key, the number solves the challenge, not expired (by this class's clock). Refused: 400 CHALLENGE_INVALID.
     */
    public Solved verify(String payload) {
        if (payload == null || payload.isBlank()) {
            throw invalid("This request needs a solved proof-of-work challenge in the " + ProofOfWork.HEADER
                    + " header (get one from GET /challenges)");
        }
        Altcha.Payload solution = parse(payload.strip());
        long expires;
        try {
            // A challenge we issued always carries its expiry; one without is not ours.
            String value = Altcha.extractParams(solution.salt).get("expires");
            expires = value == null ? -1 : Long.parseLong(value);
        } catch (Exception e) {
            expires = -1;
        }
        boolean valid;
        try {
            // Expiry is checked below against our clock, not the library's System.currentTimeMillis().
            valid = expires > 0 && Altcha.verifySolution(solution, hmacKey.get(), false);
        } catch (IllegalArgumentException e) {
            valid = false;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot verify a challenge: " + e.getMessage(), e);
        }
        if (!valid) {
            throw invalid("The proof-of-work solution is not valid; solve a new challenge from GET /challenges");
        }
        Instant expiresAt = Instant.ofEpochSecond(expires);
        if (!clock.instant().isBefore(expiresAt)) {
            throw invalid("The proof-of-work challenge has expired; solve a new one from GET /challenges");
        }
        return new Solved(solution.signature, expiresAt);
    }

    private static Altcha.Payload parse(String payload) {
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            throw invalid("The " + ProofOfWork.HEADER + " header is too long to be a proof-of-work solution");
        }
        try {
            JsonNode json =
                    Json.MAPPER.readTree(new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8));
            Altcha.Payload p = new Altcha.Payload();
            p.algorithm = text(json, "algorithm");
            p.challenge = text(json, "challenge");
            p.salt = text(json, "salt");
            p.signature = text(json, "signature");
            JsonNode number = json.get("number");
            if (!ALGORITHM.equals(p.algorithm)
                    || number == null
                    || !number.canConvertToLong()
                    || !number.isIntegralNumber()
                    || number.asLong() < 0
                    || p.challenge == null
                    || p.salt == null
                    || p.signature == null) {
                throw invalid("The " + ProofOfWork.HEADER + " header is not an ALTCHA solution of a " + ALGORITHM
                        + " challenge");
            }
            p.number = number.asLong();
            return p;
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw invalid("The " + ProofOfWork.HEADER + " header must be base64 of the solution's JSON");
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json == null ? null : json.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    static ApiException invalid(String message) {
        return ApiException.badRequest(ProofOfWork.CHALLENGE_INVALID, message);
    }
}
