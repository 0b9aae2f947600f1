package com.liveshop.shared.auth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.liveshop.shared.http.ApiException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JWT claims the HTTP API's JWT authorizer verified and passed on
 * ({@code requestContext.authorizer.jwt.claims}). The authorizer proves the token is valid; group
 * membership ("hosts" = admin) is checked here because HTTP API authorizers only check scopes.
 */
public final class AuthClaims {

    public static final String HOSTS_GROUP = "hosts";

    private final Map<String, String> claims;

    private AuthClaims(Map<String, String> claims) {
        this.claims = claims;
    }

    public static AuthClaims from(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null
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
     * Cognito's {@code cognito:groups} arrives flattened by API Gateway as "[hosts admins]" (or as a JSON
     * array string, or a single name); all three forms are read.
     */
    public Set<String> groups() {
        String raw = claims.get("cognito:groups");
        if (raw == null || raw.isBlank()) {
            return Set.of();
        }
        String inner = raw.strip();
        if (inner.startsWith("[") && inner.endsWith("]")) {
            inner = inner.substring(1, inner.length() - 1);
        }
        return Arrays.stream(inner.split("[,\\s]+"))
                .map(g -> g.replace("\"", "").strip())
                .filter(g -> !g.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
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
