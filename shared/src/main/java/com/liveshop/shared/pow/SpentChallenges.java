package com.liveshop.shared.pow;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.s;

import com.liveshop.shared.sessions.SessionKeys;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Solutions already used, one item per challenge in the Sessions table ({@link SessionKeys#challengePk}): a conditional
 * put, so of two requests with the same solution exactly one gets through, on every route that asks for one (chat
 * tickets and deal holds share the table). The item's TTL is the challenge's expiry: after it, the signature check
 * refuses the solution anyway.
 */
public final class SpentChallenges {

    private final DynamoDbClient client;
    private final String table;

    public SpentChallenges(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /** True if this call spent the challenge of {@code signature}; false (nothing written) if it was spent before. */
    public boolean spend(String signature, Instant expiresAt) {
        try {
            client.putItem(p -> p.tableName(table)
                    .item(Map.of(
                            SessionKeys.PK,
                            s(SessionKeys.challengePk(signature)),
                            SessionKeys.SK,
                            s(SessionKeys.CHALLENGE),
                            "ttl",
                            n(expiresAt.getEpochSecond())))
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", SessionKeys.PK)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
