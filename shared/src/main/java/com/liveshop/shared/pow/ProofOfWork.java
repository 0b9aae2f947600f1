package com.liveshop.shared.pow;

import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.secrets.RuntimeSecret;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The proof-of-work friction on what bots farm (chat tickets, holds of a deal sku): when REQUIRE_PROOF_OF_WORK is on,
 * such a request carries a solved ALTCHA challenge ({@link Challenges}) in the {@value #HEADER} header, and each
 * solution is spent once ({@link SpentChallenges}). Missing, invalid, expired or used again: 400
 * {@value #CHALLENGE_INVALID}, before the route writes anything. Off (the local stack's default), nothing is asked.
 */
public final class ProofOfWork {

    /** The request header that carries the solution: base64 of ALTCHA's payload JSON, as its widget makes it. */
    public static final String HEADER = "X-Altcha";

    public static final String CHALLENGE_INVALID = "CHALLENGE_INVALID";

    /** "true" or "false" (template RequireProofOfWork); absent is off. */
    public static final String REQUIRE = "REQUIRE_PROOF_OF_WORK";
    /** ALTCHA's maxnumber (template ProofOfWorkMaxNumber): the solver tries about half of it on average. */
    public static final String MAX_NUMBER = "PROOF_OF_WORK_MAX_NUMBER";
    /** The Secrets Manager secret (template AltchaSecret) whose value is the challenges' HMAC key. */
    public static final String SECRET_ARN = "ALTCHA_SECRET_ARN";

    public static final long DEFAULT_MAX_NUMBER = 20_000;

    /** Asks nothing: the routes' behaviour with REQUIRE_PROOF_OF_WORK off. */
    public static final ProofOfWork OFF = new ProofOfWork(null, null);

    private final Challenges challenges;
    private final SpentChallenges spent;

    public ProofOfWork(Challenges challenges, SpentChallenges spent) {
        this.challenges = challenges;
        this.spent = spent;
    }

    /**
     * From REQUIRE_PROOF_OF_WORK: off, or on with the key of ALTCHA_SECRET_ARN (its value read at the first solution)
     * and the spent solutions in SESSIONS_TABLE. Only the functions that take a solution set the variable.
     */
    public static ProofOfWork fromConfig(AppConfig app, DynamoDbClient dynamoDb, Clock clock) {
        if (!required(app)) {
            return OFF;
        }
        return new ProofOfWork(challenges(app, clock), new SpentChallenges(dynamoDb, app.required("SESSIONS_TABLE")));
    }

    /** The challenges signed with the key of ALTCHA_SECRET_ARN (read at run time), PROOF_OF_WORK_MAX_NUMBER hard. */
    public static Challenges challenges(AppConfig app, Clock clock) {
        long maxNumber = app.optional(MAX_NUMBER)
                .map(v -> {
                    try {
                        return Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalStateException(
                                "Configuration " + MAX_NUMBER + " must be a whole number, got '" + v + "'");
                    }
                })
                .orElse(DEFAULT_MAX_NUMBER);
        return new Challenges(RuntimeSecret.fromConfig(app, SECRET_ARN, "ALTCHA key"), maxNumber, clock);
    }

    static boolean required(AppConfig app) {
        String value = app.optional(REQUIRE).orElse("false");
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalStateException("Configuration " + REQUIRE + " must be true or false, got '" + value + "'");
        }
        return value.equals("true");
    }

    /**
     * When required: verifies {@code payload} (the {@value #HEADER} header, null when absent) and spends it, so that it
     * never buys a second request. Call it before the route's first write.
     */
    public void redeem(String payload) {
        if (challenges == null) {
            return;
        }
        Challenges.Solved solved = challenges.verify(payload);
        if (!spent.spend(solved.signature(), solved.expiresAt())) {
            throw Challenges.invalid(
                    "This proof-of-work solution was used already; solve a new challenge from GET /challenges");
        }
    }
}
