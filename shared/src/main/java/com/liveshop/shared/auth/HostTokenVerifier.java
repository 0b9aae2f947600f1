package com.liveshop.shared.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.List;
import java.util.Set;

/**
 * Verifies a host's token inside a function, the way the HTTP API's JWT authorizer does: RS256 signature by a key of
 * the issuer's JWKS, {@code iss}, {@code aud} (id token) or {@code client_id} (access token), {@code exp}, {@code nbf};
 * then membership of the {@code hosts} group. For routes whose authorizer cannot be the HTTP API's (a WebSocket
 * {@code $connect}; {@code GET /orders/{id}}, which a buyer's order token also opens). Tokens are never logged.
 */
public class HostTokenVerifier {

    public static final String HOSTS_GROUP = "hosts";

    /** The token is not valid (401) or not a host's (403). */
    public static class RejectedToken extends Exception {
        private final boolean forbidden;

        RejectedToken(String message, boolean forbidden) {
            super(message);
            this.forbidden = forbidden;
        }

        public boolean forbidden() {
            return forbidden;
        }
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String audience;

    public HostTokenVerifier(String issuer, String audience, JWKSource<SecurityContext> keys) {
        this.audience = audience;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp")));
    }

    public static final String ISSUER = "HOST_JWT_ISSUER";
    public static final String AUDIENCE = "HOST_JWT_AUDIENCE";
    /** Optional: where the keys are (default: the issuer's {@code /.well-known/jwks.json}, as Cognito serves them). */
    public static final String JWKS_URL = "HOST_JWT_JWKS_URL";

    /** Verifies against HOST_JWT_ISSUER / HOST_JWT_AUDIENCE, keys from HOST_JWT_JWKS_URL or the issuer's. */
    public static HostTokenVerifier fromConfig(com.liveshop.shared.config.AppConfig app) {
        String issuer = app.required(ISSUER);
        String jwks = app.optional(JWKS_URL).orElse(issuer + "/.well-known/jwks.json");
        return fromJwksUrl(issuer, app.required(AUDIENCE), jwks);
    }

    /** Keys fetched from {@code jwksUrl} on first use, cached and refreshed as the source builder does. */
    public static HostTokenVerifier fromJwksUrl(String issuer, String audience, String jwksUrl) {
        try {
            return new HostTokenVerifier(
                    issuer,
                    audience,
                    JWKSourceBuilder.create(URI.create(jwksUrl).toURL())
                            .retrying(true)
                            .build());
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("HOST_JWT_JWKS_URL is not a URL: " + jwksUrl, e);
        }
    }

    /** The verified subject of a host token. */
    public String verifyHost(String token) throws RejectedToken {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new RejectedToken("The token is not valid", false);
        }
        List<String> aud = claims.getAudience();
        Object clientId = claims.getClaim("client_id");
        if (!(aud != null && aud.contains(audience)) && !audience.equals(clientId)) {
            throw new RejectedToken("The token is for another audience", false);
        }
        Object groups = claims.getClaim("cognito:groups");
        if (!(groups instanceof List<?> list && list.contains(HOSTS_GROUP))) {
            throw new RejectedToken("Only members of the '" + HOSTS_GROUP + "' group may connect as host", true);
        }
        return claims.getSubject();
    }
}
