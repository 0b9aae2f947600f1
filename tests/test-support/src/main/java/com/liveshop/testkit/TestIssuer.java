package com.liveshop.testkit;

import com.liveshop.shared.auth.HostTokenVerifier;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** A test stand-in for the Cognito user pool: an RS256 key, the verifier that trusts it, and tokens it signs. */
public final class TestIssuer {

    public static final String ISSUER = "https://issuer.test/pool";
    public static final String AUDIENCE = "test-client";

    private final RSAKey key;

    public TestIssuer() {
        try {
            key = new RSAKeyGenerator(2048).keyID("test").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The verifier functions use, trusting this issuer's key only. */
    public HostTokenVerifier verifier() {
        return new HostTokenVerifier(ISSUER, AUDIENCE, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())));
    }

    /** An id token of {@code issuer} for {@code audience} in {@code groups}, valid for an hour. */
    public String token(String issuer, String audience, List<String> groups) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("host-1")
                .audience(audience)
                .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                .issueTime(new Date());
        if (!groups.isEmpty()) {
            claims.claim("cognito:groups", groups);
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    public String hostToken() {
        return token(ISSUER, AUDIENCE, List.of("hosts"));
    }
}
