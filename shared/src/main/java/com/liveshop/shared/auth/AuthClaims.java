package com.liveshop.shared.auth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.json.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JWT claims the HTTP API's JWT authorizer verified and passed on ({@code requestContext.authorizer.jwt.claims}).
 * The authorizer proves the token is valid; group membership ("hosts" = admin) is checked here because HTTP API
 * authorizers only check scopes.
 */
public final class AuthClaims {

    public static final String HOSTS_GROUP = "hosts";

    private final Map<String, String> claims;

    private AuthClaims(Map<String, String> claims) {
        this.claims = claims;
    }

    public static AuthClaims from(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        if (context == null
                || context.getAuthorizer() == null
                || context.getAuthorizer().getJwt() == null
                || context.getAuthorizer().getJwt().getClaims() == null) {
            return new AuthClaims(Map.of());
        }
        return new AuthClaims(context.getAuthorizer().getJwt().getClaims());
    }

    public boolean authenticated() {
        return claims.get("sub") != null;
    }

    public String subject() {
        return claims.get("sub");
    }

    /**
     * Cognito's {@code cognito:groups} as the token carries it. API Gateway flattens the array claim to {@code "[hosts
     * admins]"} (names joined by a space; Cognito group names hold no whitespace), some callers pass a JSON array
     * string, and a lone name may come bare. Names are never split on anything else: a single group named
     * {@code "x,hosts"} is that group, not {@code hosts}.
     */
    public Set<String> groups() {
        String raw = claims.get("cognito:groups");
        if (raw == null || raw.isBlank()) {
            return Set.of();
        }
        String value = raw.strip();
        if (value.startsWith("[\"")) {
            try {
                return Set.copyOf(Json.MAPPER.readValue(value, new TypeReference<List<String>>() {}));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                return Set.of();
            }
        }
        if (value.startsWith("[") && value.endsWith("]")) {
            return Arrays.stream(value.substring(1, value.length() - 1).split("\\s+"))
                    .filter(g -> !g.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
        }
        return Set.of(value);
    }

    /** Admin routes: 401 without a verified token, 403 when the user is not in the hosts group. */
    public void requireHost() {
        if (!authenticated()) {
            throw ApiException.unauthorized("A valid host token is required");
        }
        if (!groups().contains(HOSTS_GROUP)) {
            throw ApiException.forbidden("Only members of the '" + HOSTS_GROUP + "' group may do this");
        }
    }
}
