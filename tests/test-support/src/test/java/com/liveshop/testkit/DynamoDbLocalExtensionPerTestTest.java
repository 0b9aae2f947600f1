package com.liveshop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Registered on an instance field: every test gets a fresh DynamoDB Local. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamoDbLocalExtensionPerTestTest {

    @RegisterExtension
    final DynamoDbLocalExtension dynamo = DynamoDbLocalExtension.withTemplateTables();

    private static final Map<String, AttributeValue> ITEM =
            Map.of("pk", AttributeValue.fromS("SESSION#s-1"), "sk", AttributeValue.fromS("META"));

    @Test
    @Order(1)
    void aTestWrites() {
        dynamo.client().putItem(p -> p.tableName("SessionsTable").item(ITEM));
    }

    @Test
    @Order(2)
    void theNextTestStartsFromEmptyTables() {
        assertThat(dynamo.client().scan(s -> s.tableName("SessionsTable")).count())
                .isZero();
    }
}
