package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.lambda.Invocation;
import com.liveshop.shared.realtime.Channels;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Event API's one {@code AWS_LAMBDA} authorizer (AppSync takes a single Lambda auth provider per API), for the two
 * namespaces whose subscribers are not "everyone":
 *
 * <ul>
 *   <li>{@code hosts}: only members of the Cognito {@code hosts} group (AMAZON_COGNITO_USER_POOLS alone checks the
 *       token, not the group); the token is the host's JWT. A host token may also open a connection.
 *   <li>{@code carts}: one buyer's frames. Exactly {@code /carts/{cartId}} with a lowercase random v4 UUID, and the
 *       token must be that same cart id (knowing the id is the capability, as on the cart routes). Wildcards
 *       ({@code /carts/*}), other shapes and other namespaces' paths are refused, so no subscriber can see every
 *       buyer's frames or learn cart ids. It is a string check: no DynamoDB, no network.
 * </ul>
 *
 * AppSync sends {@code {authorizationToken, requestContext: {operation, channelNamespaceName, channel, …},
 * requestHeaders}} and expects {@code {isAuthorized, ttlOverride}}. Anything else is refused. Tokens and cart ids are
 * never logged.
 */
public class ChannelAuthorizer implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    /** A host decision may be cached this long; a host token lives 60 min, so a short cache keeps revocation quick. */
    static final int HOSTS_TTL_SECONDS = 300;
    /**
     * Cart decisions are never cached (0 turns AppSync's cache off for this answer): the cache is keyed by the token,
     * and a cached "yes" must not carry over to another channel asked with the same token.
     */
    static final int CARTS_TTL_SECONDS = 0;

    private static final String V4_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final Pattern CART_ID = Pattern.compile(V4_UUID);
    private static final Pattern CART_CHANNEL = Pattern.compile("/" + Channels.CARTS + "/(" + V4_UUID + ")");
    private static final Logger LOG = LoggerFactory.getLogger(ChannelAuthorizer.class);

    private final HostTokenVerifier verifier;

    public ChannelAuthorizer() {
        this(AppConfig.fromEnvironment());
    }

    public ChannelAuthorizer(AppConfig config) {
        this(HostTokenVerifier.fromConfig(config));
    }

    public ChannelAuthorizer(HostTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> request, Context context) {
        return Invocation.run(context, () -> process(request));
    }

    private Map<String, Object> process(Map<String, Object> request) {
        Map<?, ?> requestContext = request.get("requestContext") instanceof Map<?, ?> rc ? rc : Map.of();
        Object namespace = requestContext.get("channelNamespaceName");
        String token = request.get("authorizationToken") instanceof String raw ? raw.strip() : "";
        if (Channels.CARTS.equals(namespace)) {
            return decision(cartChannelAllowed(requestContext.get("channel"), token), CARTS_TTL_SECONDS);
        }
        if (namespace == null) {
            // EVENT_CONNECT carries no namespace. amplify opens the page's one connection with the auth of whichever
            // subscription comes first, so a buyer's cart id (as a host's token) may open one; a connection alone
            // reads nothing (the public API key opens one too), every subscribe is authorized again.
            if (CART_ID.matcher(token).matches()) {
                return decision(true, CARTS_TTL_SECONDS);
            }
            return decision(isHost(token), HOSTS_TTL_SECONDS);
        }
        return decision(Channels.HOSTS.equals(namespace) && isHost(token), HOSTS_TTL_SECONDS);
    }

    /** Exactly /carts/{v4 uuid}, asked with that very cart id as the token. */
    static boolean cartChannelAllowed(Object channel, String token) {
        if (!(channel instanceof String path)) {
            return false;
        }
        var m = CART_CHANNEL.matcher(path);
        return m.matches() && m.group(1).equals(token);
    }

    private boolean isHost(String token) {
        if (token.isEmpty()) {
            return false;
        }
        String jwt = token.regionMatches(true, 0, "Bearer ", 0, 7)
                ? token.substring(7).strip()
                : token;
        try {
            verifier.verifyHost(jwt);
            return true;
        } catch (HostTokenVerifier.RejectedToken e) {
            LOG.info("Hosts channel refused: {}", e.getMessage());
            return false;
        }
    }

    private static Map<String, Object> decision(boolean authorized, int ttlSeconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("isAuthorized", authorized);
        out.put("ttlOverride", ttlSeconds);
        return out;
    }
}
