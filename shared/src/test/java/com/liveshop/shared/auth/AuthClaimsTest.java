package com.liveshop.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.liveshop.shared.http.ApiException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthClaimsTest {

    /**
     * An event as the HTTP API's JWT authorizer passes it on, with {@code cognito:groups} flattened to {@code groups}.
     */
    private static AuthClaims claims(String groups) {
        Map<String, String> claims = new HashMap<>(Map.of("sub", "user-1"));
        if (groups != null) {
            claims.put("cognito:groups", groups);
        }
        APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt =
                new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(claims);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer =
                new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setJwt(jwt);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRequestContext(context);
        return AuthClaims.from(event);
    }

    @Test
    void groupsAreReadAsTheTokenCarriesThem() {
        assertThat(claims("[hosts]").groups()).containsExactly("hosts");
        assertThat(claims("[hosts admins]").groups()).containsExactlyInAnyOrder("hosts", "admins");
        assertThat(claims("[\"hosts\",\"admins\"]").groups()).containsExactlyInAnyOrder("hosts", "admins");
        assertThat(claims("hosts").groups()).containsExactly("hosts");
        assertThat(claims(null).groups()).isEmpty();
    }

    @Test
    void aSingleGroupNamedWithACommaIsNotTheHostsGroup() {
        for (String flattened : new String[] {"[x,hosts]", "[\"x,hosts\"]", "x,hosts", "[hosts,x]"}) {
            AuthClaims claims = claims(flattened);
            assertThat(claims.groups()).as(flattened).doesNotContain("hosts").hasSize(1);
            assertThatThrownBy(claims::requireHost)
                    .as(flattened)
                    .isInstanceOf(ApiException.class)
                    .extracting(e -> ((ApiException) e).status())
                    .isEqualTo(403);
        }
        claims("[x,hosts hosts]").requireHost();
    }
}
