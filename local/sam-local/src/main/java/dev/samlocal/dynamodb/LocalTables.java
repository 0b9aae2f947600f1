package dev.samlocal.dynamodb;

import dev.samlocal.template.SamTemplate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * Creates the template's AWS::DynamoDB::Table resources on DynamoDB Local with the same keys, GSIs, TTL attribute and
 * stream (StreamSpecification), named by their logical id ("CatalogTable"). Tests and the local stack get exactly the
 * tables that `sam deploy` creates.
 */
public final class LocalTables {

    private LocalTables() {}

    /** Creates every table; returns logical id → table name. Existing tables are kept. */
    public static Map<String, String> createAll(DynamoDbClient client, SamTemplate template) {
        Map<String, String> names = new LinkedHashMap<>();
        template.resourcesOfType("AWS::DynamoDB::Table").forEach((id, resource) -> {
            create(client, id, SamTemplate.map(resource.get("Properties")));
            names.put(id, id);
        });
        return names;
    }

    /**
     * Logical id → the table's current stream ARN ({@code !GetAtt Table.StreamArn}) for every table of the template
     * that has a stream on DynamoDB Local.
     */
    public static Map<String, String> streamArns(DynamoDbClient client, SamTemplate template) {
        Map<String, String> arns = new LinkedHashMap<>();
        template.resourcesOfType("AWS::DynamoDB::Table").keySet().forEach(id -> {
            String arn = client.describeTable(r -> r.tableName(id)).table().latestStreamArn();
            if (arn != null) {
                arns.put(id, arn);
            }
        });
        return arns;
    }

    private static void create(DynamoDbClient client, String name, Map<String, Object> props) {
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(SamTemplate.list(props.get("AttributeDefinitions")).stream()
                        .map(SamTemplate::map)
                        .map(a -> AttributeDefinition.builder()
                                .attributeName(String.valueOf(a.get("AttributeName")))
                                .attributeType(String.valueOf(a.get("AttributeType")))
                                .build())
                        .toList())
                .keySchema(keySchema(props.get("KeySchema")));
        List<GlobalSecondaryIndex> indexes = SamTemplate.list(props.get("GlobalSecondaryIndexes")).stream()
                .map(SamTemplate::map)
                .map(g -> {
                    Map<String, Object> projection = SamTemplate.map(g.get("Projection"));
                    Projection.Builder p = Projection.builder()
                            .projectionType(String.valueOf(projection.getOrDefault("ProjectionType", "ALL")));
                    List<Object> nonKey = SamTemplate.list(projection.get("NonKeyAttributes"));
                    if (!nonKey.isEmpty()) {
                        p.nonKeyAttributes(nonKey.stream().map(String::valueOf).toList());
                    }
                    return GlobalSecondaryIndex.builder()
                            .indexName(String.valueOf(g.get("IndexName")))
                            .keySchema(keySchema(g.get("KeySchema")))
                            .projection(p.build())
                            .build();
                })
                .toList();
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        Object viewType = SamTemplate.map(props.get("StreamSpecification")).get("StreamViewType");
        if (viewType != null) {
            request.streamSpecification(s -> s.streamEnabled(true).streamViewType(String.valueOf(viewType)));
        }
        try {
            client.createTable(request.build());
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        Map<String, Object> ttl = SamTemplate.map(props.get("TimeToLiveSpecification"));
        if (Boolean.TRUE.equals(ttl.get("Enabled")) || "true".equals(String.valueOf(ttl.get("Enabled")))) {
            client.updateTimeToLive(r -> r.tableName(name)
                    .timeToLiveSpecification(s -> s.attributeName(String.valueOf(ttl.get("AttributeName")))
                            .enabled(true)));
        }
    }

    private static List<KeySchemaElement> keySchema(Object schema) {
        return SamTemplate.list(schema).stream()
                .map(SamTemplate::map)
                .map(k -> KeySchemaElement.builder()
                        .attributeName(String.valueOf(k.get("AttributeName")))
                        .keyType(String.valueOf(k.get("KeyType")))
                        .build())
                .toList();
    }
}
