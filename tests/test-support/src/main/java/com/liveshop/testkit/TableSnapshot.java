package com.liveshop.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Every item of some tables, in key order (a Scan: tests only). Equal snapshots before and after a refused request mean
 * it wrote nothing. Each item carries its table's name as {@code _table}.
 */
public final class TableSnapshot {

    private TableSnapshot() {}

    public static List<Map<String, AttributeValue>> of(DynamoDbClient client, String... tables) {
        List<Map<String, AttributeValue>> all = new ArrayList<>();
        for (String table : tables) {
            Map<String, AttributeValue> start = null;
            do {
                final Map<String, AttributeValue> from = start;
                ScanResponse page = client.scan(s -> {
                    s.tableName(table).consistentRead(true);
                    if (from != null) {
                        s.exclusiveStartKey(from);
                    }
                });
                page.items().forEach(item -> {
                    Map<String, AttributeValue> copy = new TreeMap<>(item);
                    copy.put("_table", AttributeValue.fromS(table));
                    all.add(copy);
                });
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
        }
        all.sort(Comparator.comparing(
                        (Map<String, AttributeValue> m) -> m.get("_table").s())
                .thenComparing(m -> m.get("pk").s())
                .thenComparing(m -> m.get("sk").s()));
        return all;
    }
}
