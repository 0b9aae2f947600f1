package com.liveshop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Registered on a static field: one DynamoDB Local with the template's tables for the whole class. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamoDbLocalExtensionPerClassTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static final Map<String, AttributeValue> ITEM =
            Map.of("pk", AttributeValue.fromS("PRODUCT#sku-1"), "sk", AttributeValue.fromS("META"));
    private static String endpointBeforeAll;

    @BeforeAll
    static void runningBeforeTheClassesOwnSetUp() {
        endpointBeforeAll = DYNAMO.endpoint();
    }

    @Test
    @Order(1)
    void theTemplatesTablesExistWithTheirStreams(DynamoDbClient client) {
        assertThat(client.listTables().tableNames())
                .containsExactlyInAnyOrder("CatalogTable", "ReservationsTable", "SessionsTable");
        assertThat(DYNAMO.table("CatalogTable")).isEqualTo("CatalogTable");

        client.putItem(p -> p.tableName(DYNAMO.table("CatalogTable")).item(ITEM));

        assertThat(DYNAMO.stream("CatalogTable").next().getRecords())
                .singleElement()
                .satisfies(r -> assertThat(r.getEventName()).isEqualTo("INSERT"));
    }

    @Test
    @Order(2)
    void theClassesTestsShareOneDatabase() {
        assertThat(DYNAMO.endpoint()).isEqualTo(endpointBeforeAll);
        assertThat(DYNAMO.client()
                        .getItem(g -> g.tableName("CatalogTable").key(ITEM))
                        .hasItem())
                .isTrue();
    }

    @Test
    void aFunctionsSettingsReachTheseTablesAsTheTemplateNamesThem() {
        assertThat(DYNAMO.functionSettings())
                .containsEntry("AWS_ENDPOINT_URL_DYNAMODB", DYNAMO.endpoint())
                .containsEntry("CATALOG_TABLE", "CatalogTable")
                .containsEntry("RESERVATIONS_TABLE", "ReservationsTable")
                .containsEntry("SESSIONS_TABLE", "SessionsTable");
    }

    @Test
    void aTableTheTemplateDoesNotDeclareIsRefused() {
        assertThatThrownBy(() -> DYNAMO.table("OrdersTable"))
                .hasMessageContaining("template.yaml has no table OrdersTable");
    }

    @Test
    void startedInATestItIsADatabaseOfItsOwnUntilClosedWithWhatWasBuiltOnIt() {
        AtomicBoolean fixtureClosed = new AtomicBoolean();
        try (DynamoDbLocalExtension own =
                DynamoDbLocalExtension.withTemplateTables().start()) {
            own.closeWith(() -> fixtureClosed.set(true));
            assertThat(own.endpoint()).isNotEqualTo(DYNAMO.endpoint());
            assertThat(own.client()
                            .getItem(g -> g.tableName("CatalogTable").key(ITEM))
                            .hasItem())
                    .isFalse();
            own.close();
            assertThat(fixtureClosed).isTrue();
            assertThatThrownBy(own::client).hasMessageContaining("not running");
        }
    }
}
