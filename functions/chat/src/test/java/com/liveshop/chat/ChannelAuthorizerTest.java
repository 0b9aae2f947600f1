package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.shared.json.Json;
import com.liveshop.testkit.TestIssuer;
import dev.samlocal.lambda.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Event API's Lambda authorizer: /hosts for hosts-group members only; /carts/{cartId} for exactly one cart channel
 * asked with its own cart id, never a wildcard, never cached.
 */
class ChannelAuthorizerTest {

    private final TestIssuer issuer = new TestIssuer();
    private final ChannelAuthorizer authorizer = new ChannelAuthorizer(issuer.verifier());

    private Map<String, Object> answer(String token, String namespace, String channel) {
        Map<String, Object> context = namespace == null
                ? Map.of("operation", "EVENT_CONNECT")
                : Map.of("operation", "EVENT_SUBSCRIBE", "channelNamespaceName", namespace, "channel", channel);
        Map<String, Object> request = token == null
                ? Map.of("requestContext", context)
                : Map.of("authorizationToken", token, "requestContext", context, "requestHeaders", Map.of());
        return authorizer.handleRequest(request, new TestContext("ChannelAuthorizerFunction"));
    }

    private boolean hostAuthorized(String token, String namespace) {
        Map<String, Object> answer = answer(token, namespace, "/" + namespace + "/abc");
        assertThat(answer).containsEntry("ttlOverride", ChannelAuthorizer.HOSTS_TTL_SECONDS);
        return (Boolean) answer.get("isAuthorized");
    }

    private boolean cartAuthorized(String token, String channel) {
        Map<String, Object> answer = answer(token, "carts", channel);
        assertThat(answer).as("cart decisions are never cached").containsEntry("ttlOverride", 0);
        return (Boolean) answer.get("isAuthorized");
    }

    @Test
    void aHostMaySubscribeToTheHostsNamespace() {
        assertThat(hostAuthorized(issuer.hostToken(), "hosts")).isTrue();
        assertThat(hostAuthorized("Bearer " + issuer.hostToken(), "hosts")).isTrue();
        assertThat(answer(issuer.hostToken(), null, null)).as("a connection").containsEntry("isAuthorized", true);
    }

    @Test
    void everyoneElseIsRefusedTheHostsNamespace() {
        assertThat(hostAuthorized(issuer.token(TestIssuer.ISSUER, TestIssuer.AUDIENCE, List.of()), "hosts"))
                .as("not in the group")
                .isFalse();
        assertThat(hostAuthorized(issuer.token(TestIssuer.ISSUER, "another-client", List.of("hosts")), "hosts"))
                .as("audience")
                .isFalse();
        assertThat(hostAuthorized(
                        issuer.token("https://elsewhere.test/pool", TestIssuer.AUDIENCE, List.of("hosts")), "hosts"))
                .isFalse();
        assertThat(hostAuthorized("not-a-jwt", "hosts")).isFalse();
        assertThat(hostAuthorized(null, "hosts")).isFalse();
        assertThat(hostAuthorized(issuer.hostToken(), "shows"))
                .as("shows is the API key's")
                .isFalse();
    }

    @Test
    void aBuyerSubscribesToExactlyItsOwnCartChannel() {
        String cart = UUID.randomUUID().toString();
        assertThat(cartAuthorized(cart, "/carts/" + cart)).isTrue();
        assertThat(cartAuthorized(" " + cart + " ", "/carts/" + cart))
                .as("surrounding blanks")
                .isTrue();
        // amplify may open the page's connection with the cart subscription's auth: allowed, never cached.
        assertThat(answer(cart, null, null)).containsEntry("isAuthorized", true).containsEntry("ttlOverride", 0);
        assertThat(answer("not-a-uuid", null, null)).containsEntry("isAuthorized", false);
    }

    @Test
    void wildcardsOtherShapesAndOtherCartsAreRefused() {
        String cart = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        assertThat(cartAuthorized(cart, "/carts/*")).as("every cart").isFalse();
        assertThat(cartAuthorized(cart, "/*")).isFalse();
        assertThat(cartAuthorized(cart, "/carts/" + cart + "/*"))
                .as("below a cart")
                .isFalse();
        assertThat(cartAuthorized(cart, "/carts/" + cart + "/holds")).isFalse();
        assertThat(cartAuthorized(other, "/carts/" + cart))
                .as("another cart's id as the token")
                .isFalse();
        assertThat(cartAuthorized(null, "/carts/" + cart)).as("no token").isFalse();
        assertThat(cartAuthorized("", "/carts/" + cart)).isFalse();
        assertThat(cartAuthorized("not-a-uuid", "/carts/not-a-uuid")).isFalse();
        String v1 = "c232ab00-9414-11ec-b3c8-9f6bdeced846";
        assertThat(cartAuthorized(v1, "/carts/" + v1))
                .as("a time-based (guessable) UUID")
                .isFalse();
        String upper = cart.toUpperCase();
        assertThat(cartAuthorized(upper, "/carts/" + upper))
                .as("frames go to the lowercase id only")
                .isFalse();
        assertThat(cartAuthorized(cart, "/shows/" + cart))
                .as("another namespace's path")
                .isFalse();
        assertThat(cartAuthorized(issuer.hostToken(), "/carts/" + cart))
                .as("a host token is not a cart id")
                .isFalse();
        assertThat(answer(cart, "shows", "/shows/" + cart)).containsEntry("isAuthorized", false);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSampleEventsAreRead() throws Exception {
        Map<String, Object> hosts = Json.MAPPER.readValue(
                Path.of("../../events-samples/chat/hosts-channel-authorize.json")
                        .toFile(),
                Map.class);
        assertThat(authorizer.handleRequest(hosts, new TestContext("ChannelAuthorizerFunction")))
                .as("its placeholder token")
                .containsEntry("isAuthorized", false);
        Map<String, Object> carts = Json.MAPPER.readValue(
                Path.of("../../events-samples/chat/carts-channel-authorize.json")
                        .toFile(),
                Map.class);
        assertThat(authorizer.handleRequest(carts, new TestContext("ChannelAuthorizerFunction")))
                .containsEntry("isAuthorized", true);
    }
}
