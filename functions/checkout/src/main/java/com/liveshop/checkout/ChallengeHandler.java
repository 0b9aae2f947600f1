package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import com.liveshop.shared.pow.Challenges;
import com.liveshop.shared.pow.ProofOfWork;
import java.time.Clock;
import java.util.Map;

/**
 * {@code GET /challenges}: one new ALTCHA proof-of-work challenge, which the pages solve before a chat ticket or a hold
 * of a deal sku ({@link ProofOfWork}). Each answer is unique, so never cached (no-store, as every non-public route).
 * Touches no table: only the HMAC key, read from Secrets Manager at the first request.
 */
public class ChallengeHandler extends ApiHandler {

    private final Challenges challenges;
    private final Map<String, Route> routes;

    public ChallengeHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ChallengeHandler(AppConfig config) {
        this(ProofOfWork.challenges(config, Clock.systemUTC()));
    }

    public ChallengeHandler(Challenges challenges) {
        this.challenges = challenges;
        this.routes = Map.of("GET /challenges", this::issue);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse issue(HttpRequest request) {
        return HttpResponses.json(200, challenges.issue());
    }
}
