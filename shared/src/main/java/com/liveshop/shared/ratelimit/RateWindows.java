package com.liveshop.shared.ratelimit;

import static com.liveshop.shared.dynamo.Attrs.key;
import static com.liveshop.shared.dynamo.Attrs.n;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Fixed-window counters on a table's own items ({@code pk} = the window, {@code sk = LIMIT}): one conditional update
 * per request, no read-then-write, so concurrent callers never count past the limit. Each window is a new item with its
 * own partition (the key names the window), and expires by TTL.
 */
public final class RateWindows {

    public static final String LIMIT = "LIMIT";

    private final DynamoDbClient client;
    private final String table;

    public RateWindows(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /**
     * Counts one more in the window item {@code pk} if it holds fewer than {@code limit}; false (nothing written) when
     * the window is full. The item expires with {@code ttlEpochSeconds}.
     */
    public boolean tryCount(String pk, int limit, long ttlEpochSeconds) {
        try {
            client.updateItem(u -> u.tableName(table)
                    .key(key(pk, LIMIT))
                    .updateExpression("ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)")
                    .conditionExpression("attribute_not_exists(#n) OR #n < :limit")
                    .expressionAttributeNames(Map.of("#n", "n", "#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":one", n(1), ":limit", n(limit), ":ttl", n(ttlEpochSeconds))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
