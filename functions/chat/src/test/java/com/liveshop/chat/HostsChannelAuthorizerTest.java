package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.testkit.TestContext;
import com.liveshop.testkit.TestIssuer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hosts namespace's AppSync Events authorizer: a valid token of a hosts-group member, for /hosts only. */
class HostsChannelAuthorizerTest {

    private final TestIssuer issuer = new TestIssuer();
    private final HostsChannelAuthorizer authorizer = new HostsChannelAuthorizer(issuer.verifier());

    private boolean authorized(String token, String namespace) {
        Map<String, Object> context = namespace == null ? Map.of("operation", "EVENT_CONNECT")
                : Map.of("operation", "EVENT_SUBSCRIBE", "channelNamespaceName", namespace, "channel", "/" + namespace + "/abc");
        Map<String, Object> request = token == null ? Map.of("requestContext", context)
                : Map.of("authorizationToken", token, "requestContext", context, "requestHeaders", Map.of());
        Map<String, Object> answer = authorizer.handleRequest(request, new TestContext("HostsChannelAuthorizerFunction"));
        assertThat(answer).containsEntry("ttlOverride", HostsChannelAuthorizer.TTL_SECONDS);
        return (Boolean) answer.get("isAuthorized");
    }

    @Test
    void aHostMaySubscribeToTheHostsNamespace() {
        assertThat(authorized(issuer.hostToken(), "hosts")).isTrue();
        assertThat(authorized("Bearer " + issuer.hostToken(), "hosts")).isTrue();
        assertThat(authorized(issuer.hostToken(), null)).as("a connection").isTrue();
    }

    @Test
    void everyoneElseIsRefused() {
        assertThat(authorized(issuer.token(TestIssuer.ISSUER, TestIssuer.AUDIENCE, List.of()), "hosts")).as("not in the group").isFalse();
        assertThat(authorized(issuer.token(TestIssuer.ISSUER, "another-client", List.of("hosts")), "hosts")).as("audience").isFalse();
        assertThat(authorized(issuer.token("https://elsewhere.test/pool", TestIssuer.AUDIENCE, List.of("hosts")), "hosts")).isFalse();
        assertThat(authorized("not-a-jwt", "hosts")).isFalse();
        assertThat(authorized(null, "hosts")).isFalse();
        assertThat(authorized(issuer.hostToken(), "shows")).as("this authorizer speaks for hosts only").isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSampleEventIsReadAndItsPlaceholderTokenRefused() throws Exception {
        Map<String, Object> sample = com.liveshop.shared.json.Json.MAPPER.readValue(
                java.nio.file.Path.of("../../events-samples/chat/hosts-channel-authorize.json").toFile(), Map.class);
        Map<String, Object> answer = authorizer.handleRequest(sample, new TestContext("HostsChannelAuthorizerFunction"));
        assertThat(answer).containsEntry("isAuthorized", false);
    }
}
