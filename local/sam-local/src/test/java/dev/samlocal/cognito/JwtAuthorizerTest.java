package dev.samlocal.cognito;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtAuthorizerTest {

    private static final String ISSUER = "http://localhost:3000/_local/cognito";
    private final JwtAuthorizer jwt = new JwtAuthorizer(ISSUER, Clock.systemUTC());

    private JWTClaimsSet.Builder valid() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(JwtAuthorizer.CLIENT_ID)
                .subject("u1")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)));
    }

    @Test
    void aHostTokenPassesWithClaimsFlattenedAsApiGatewayDoes() {
        JwtAuthorizer.Decision decision = jwt.authorize("Bearer " + jwt.hostToken());
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.claims())
                .containsEntry("cognito:groups", "[hosts]")
                .containsEntry("token_use", "id")
                .containsEntry("iss", ISSUER)
                .containsEntry("aud", JwtAuthorizer.CLIENT_ID);
        assertThat(decision.claims().get("exp")).matches("\\d+");
        // Without the "Bearer " prefix too, as API Gateway accepts.
        assertThat(jwt.authorize(jwt.hostToken()).allowed()).isTrue();
    }

    @Test
    void everyCheckOfTheAuthorizerRefusesTheToken() {
        Instant now = Instant.now();
        Map<String, String> refused = Map.of(
                "missing", "",
                "garbage", "Bearer not.a.jwt",
                "expired", jwt.expiredHostToken(Duration.ofMinutes(1)),
                "other issuer", jwt.sign(valid().issuer("https://evil.example").build()),
                "other audience", jwt.sign(valid().audience("someone-else").build()),
                "not yet valid",
                        jwt.sign(valid().notBeforeTime(Date.from(now.plusSeconds(300)))
                                .build()),
                "no expiry", jwt.sign(valid().expirationTime(null).build()),
                "other key", new JwtAuthorizer(ISSUER, Clock.systemUTC()).hostToken());
        refused.forEach((why, token) -> {
            JwtAuthorizer.Decision decision = jwt.authorize(token);
            assertThat(decision.allowed()).as(why).isFalse();
            assertThat(decision.error()).as(why).isNotBlank();
        });
    }

    @Test
    void tamperedPayloadFailsTheSignature() {
        String[] parts = jwt.hostToken().split("\\.");
        String other = jwt.idToken("viewer@liveshop.local", List.of(), Duration.ofHours(1))
                .split("\\.")[1];
        assertThat(jwt.authorize(parts[0] + "." + other + "." + parts[2]).allowed())
                .isFalse();
    }

    @Test
    void accessTokensWithClientIdAndScopesAreAccepted() {
        JwtAuthorizer.Decision decision = jwt.authorize(jwt.sign(valid().audience((String) null)
                .claim("client_id", JwtAuthorizer.CLIENT_ID)
                .claim("scope", "orders/read orders/write")
                .build()));
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.scopes()).containsExactly("orders/read", "orders/write");
    }
}
