package com.liveshop.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.altcha.altcha.Altcha;

/**
 * Solves an ALTCHA challenge as a client would (the ALTCHA library's own solver) and encodes the X-Altcha payload:
 * base64 of {@code {algorithm, challenge, number, salt, signature}}, what the pages' worker sends.
 */
public final class AltchaSolver {

    private AltchaSolver() {}

    /** {@code challenge}: a {@code GET /challenges} answer (or the same fields as a record, as JSON). */
    public static String solve(JsonNode challenge) {
        try {
            String salt = challenge.path("salt").asText();
            String hash = challenge.path("challenge").asText();
            Altcha.Solution solution = Altcha.solveChallenge(
                    hash,
                    salt,
                    Altcha.Algorithm.fromString(challenge.path("algorithm").asText()),
                    challenge.path("maxnumber").asLong(),
                    0);
            if (solution == null) {
                throw new AssertionError("No solution for " + challenge);
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("algorithm", challenge.path("algorithm").asText());
            payload.put("challenge", hash);
            payload.put("number", solution.number);
            payload.put("salt", salt);
            payload.put("signature", challenge.path("signature").asText());
            return Base64.getEncoder().encodeToString(Json.write(payload).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("Cannot solve " + challenge, e);
        }
    }

    /** As {@link #solve(JsonNode)}, for a challenge object (e.g. shared pow.Challenges.Challenge). */
    public static String solve(Object challenge) {
        return solve(Json.MAPPER.valueToTree(challenge));
    }
}
