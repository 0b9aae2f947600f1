package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.lambda.Invocation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AppSync Events {@code AWS_LAMBDA} authorizer of the {@code hosts} namespace: only members of the Cognito
 * {@code hosts} group may subscribe to {@code /hosts/*} (AMAZON_COGNITO_USER_POOLS alone checks the token, not the
 * group). AppSync sends {@code {authorizationToken, requestContext: {operation, channelNamespaceName, channel, …},
 * requestHeaders}} and expects {@code {isAuthorized, ttlOverride?}}. Any other namespace is refused: this
 * authorizer speaks for hosts only. Tokens are never logged.
 */
public class HostsChannelAuthorizer implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    static final String NAMESPACE = "hosts";
    /** AppSync caches a decision for this long; a host token lives 60 min, so a short cache keeps revocation quick. */
    static final int TTL_SECONDS = 300;
    private static final Logger LOG = LoggerFactory.getLogger(HostsChannelAuthorizer.class);

    private final HostTokenVerifier verifier;

    public HostsChannelAuthorizer() {
        this(AppConfig.fromEnvironment());
    }

    public HostsChannelAuthorizer(AppConfig config) {
        this(HostTokenVerifier.fromConfig(config));
    }

    public HostsChannelAuthorizer(HostTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> request, Context context) {
        return Invocation.run(context, () -> process(request, context));
    }

    private Map<String, Object> process(Map<String, Object> request, Context context) {
        Object requestContext = request.get("requestContext");
        Object namespace = requestContext instanceof Map<?, ?> rc ? rc.get("channelNamespaceName") : null;
        Object token = request.get("authorizationToken");
        // EVENT_CONNECT carries no namespace: a valid host token may open a connection too.
        if (namespace != null && !NAMESPACE.equals(namespace)) {
            return decision(false);
        }
        if (!(token instanceof String raw) || raw.isBlank()) {
            return decision(false);
        }
        String jwt = raw.regionMatches(true, 0, "Bearer ", 0, 7) ? raw.substring(7).strip() : raw.strip();
        try {
            verifier.verifyHost(jwt);
            return decision(true);
        } catch (HostTokenVerifier.RejectedToken e) {
            LOG.info("Hosts channel refused: {}", e.getMessage());
            return decision(false);
        }
    }

    private static Map<String, Object> decision(boolean authorized) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("isAuthorized", authorized);
        out.put("ttlOverride", TTL_SECONDS);
        return out;
    }
}
