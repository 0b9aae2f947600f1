package com.liveshop.shared.waitlist;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** How many carts wait for a sku now (a COUNT query on its partition, expired entries not counted). */
public final class WaitlistCounts {

    private final DynamoDbClient client;
    private final String table;

    public WaitlistCounts(DynamoDbClient client, String reservationsTable) {
        this.client = client;
        this.table = reservationsTable;
    }

    public long waiting(String sku, long nowEpochSeconds) {
        long count = 0;
        for (var page : client.queryPaginator(q -> q.tableName(table)
                .select(Select.COUNT)
                .keyConditionExpression("#pk = :pk")
                .filterExpression("#expiresAt > :now")
                .expressionAttributeNames(Map.of("#pk", WaitlistKeys.PK, "#expiresAt", WaitlistKeys.EXPIRES_AT))
                .expressionAttributeValues(Map.of(
                        ":pk",
                        AttributeValue.fromS(WaitlistKeys.listPk(sku)),
                        ":now",
                        AttributeValue.fromN(Long.toString(nowEpochSeconds)))))) {
            count += page.count();
        }
        return count;
    }
}
