package dev.samlocal.cognito;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The HTTP API's JWT authorizer and a stand-in for the Cognito user pool behind it. Tokens are signed with an RSA key
 * made at start-up; verification does what API Gateway documents for JWT authorizers: signature by a key of the issuer,
 * {@code iss}, {@code aud} (or {@code client_id}), {@code exp}, {@code nbf}, {@code iat}. Verified claims are passed on
 * the way API Gateway does: every value a string, arrays as {@code [a b]}.
 */
public final class JwtAuthorizer {

    public static final String CLIENT_ID = "local-host-console";
    public static final String HOSTS_GROUP = "hosts";
    /** The email of {@link #hostToken()}'s user. */
    public static final String HOST_EMAIL = "host@example.com";

    public static final Duration HOST_TOKEN_LIFETIME = Duration.ofHours(12);

    /** What the authorizer decided; {@code error} is said to the caller in the 401. */
    public record Decision(boolean allowed, Map<String, String> claims, List<String> scopes, String error) {
        public static Decision deny(String error) {
            return new Decision(false, Map.of(), null, error);
        }
    }

    private final RSAKey key;
    private final String issuer;
    private final Clock clock;

    public JwtAuthorizer(String issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
        try {
            this.key = new RSAKeyGenerator(2048)
                    .keyID("local-" + UUID.randomUUID())
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate the local signing key", e);
        }
    }

    public String issuer() {
        return issuer;
    }

    /** The public key set, as Cognito serves it at {@code <issuer>/.well-known/jwks.json}. */
    public Map<String, Object> jwks() {
        return new JWKSet(key.toPublicJWK()).toJSONObject();
    }

    /** An id token of a host (member of {@value #HOSTS_GROUP}), valid 12 h. */
    public String hostToken() {
        return idToken(HOST_EMAIL, List.of(HOSTS_GROUP), HOST_TOKEN_LIFETIME);
    }

    /** A Cognito-shaped id token for a user in {@code groups} (none = a plain signed-in user). */
    public String idToken(String email, List<String> groups, Duration lifetime) {
        Instant now = clock.instant();
        return sign(idClaims(email, groups)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .build());
    }

    /** A host token that expired {@code ago} ago, for tests of the 401 path. */
    public String expiredHostToken(Duration ago) {
        Instant now = clock.instant();
        Instant expired = now.minus(ago);
        return sign(idClaims(HOST_EMAIL, List.of(HOSTS_GROUP))
                .issueTime(Date.from(expired.minus(HOST_TOKEN_LIFETIME)))
                .expirationTime(Date.from(expired))
                .build());
    }

    /** Signs arbitrary claims with the local key (tests: wrong audience, future nbf, …). */
    public String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a local token", e);
        }
    }

    private JWTClaimsSet.Builder idClaims(String email, List<String> groups) {
        String sub = UUID.nameUUIDFromBytes(email.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(sub)
                .audience(CLIENT_ID)
                .claim("token_use", "id")
                .claim("email", email)
                .claim("email_verified", true)
                .claim("cognito:username", sub)
                .claim("auth_time", clock.instant().getEpochSecond())
                .jwtID(UUID.randomUUID().toString());
        if (!groups.isEmpty()) {
            claims.claim("cognito:groups", groups);
        }
        return claims;
    }

    /** Verifies the Authorization header value (with or without "Bearer "), as the HTTP API authorizer does. */
    public Decision authorize(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            return Decision.deny("The Authorization header is missing");
        }
        String token = authorizationHeader.strip();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Decision.deny("The token is not a valid JWT");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())
                || !key.getKeyID().equals(jwt.getHeader().getKeyID())) {
            return Decision.deny("The token is not signed by a key of the issuer");
        }
        try {
            if (!jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))) {
                return Decision.deny("The token signature is invalid");
            }
        } catch (JOSEException e) {
            return Decision.deny("The token signature is invalid");
        }
        if (!issuer.equals(claims.getIssuer())) {
            return Decision.deny("The token was issued by another issuer");
        }
        List<String> audience = claims.getAudience();
        Object clientId = claims.getClaim("client_id");
        if (!(audience != null && audience.contains(CLIENT_ID)) && !CLIENT_ID.equals(clientId)) {
            return Decision.deny("The token is for another audience");
        }
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null
                || !claims.getExpirationTime().toInstant().isAfter(now)) {
            return Decision.deny("The token has expired");
        }
        if (claims.getNotBeforeTime() != null
                && claims.getNotBeforeTime().toInstant().isAfter(now)) {
            return Decision.deny("The token is not valid yet");
        }
        if (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(now)) {
            return Decision.deny("The token was issued in the future");
        }
        Object scope = claims.getClaim("scope");
        List<String> scopes =
                scope instanceof String s && !s.isBlank() ? List.of(s.trim().split("\\s+")) : null;
        return new Decision(true, flatten(jwt.getPayload().toJSONObject()), scopes, null);
    }

    /** API Gateway passes every claim as a string; arrays become "[a b]". */
    static Map<String, String> flatten(Map<String, Object> claims) {
        Map<String, String> out = new LinkedHashMap<>();
        claims.forEach((name, value) -> out.put(name, flattenValue(value)));
        return out;
    }

    private static String flattenValue(Object value) {
        if (value instanceof Date date) {
            return String.valueOf(date.toInstant().getEpochSecond());
        }
        if (value instanceof Collection<?> list) {
            return list.stream().map(JwtAuthorizer::flattenValue).collect(Collectors.joining(" ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(map.entrySet().stream()
                    .collect(Collectors.toMap(e -> String.valueOf(e.getKey()), Map.Entry::getValue)));
        }
        return Optional.ofNullable(value).map(String::valueOf).orElse("");
    }
}
