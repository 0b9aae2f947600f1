package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.samlocal.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's "look inside" line works as written for a developer whose AWS CLI has their own credentials and region:
 * DynamoDB Local runs shared, so every access key sees the stack's tables. Driven with the real AWS CLI.
 */
class DynamoDbLocalAccessTest {

    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void theAwsCliWithSomeoneElsesCredentialsSeesTheTables() throws Exception {
        AwsCli.Result listed =
                AwsCli.run("eu-west-1", "dynamodb", "list-tables", "--endpoint-url", stack.dynamoDbEndpoint());
        assertThat(listed.exit()).as(listed.output()).isZero();
        String output = listed.output();
        assertThat(output).contains("CatalogTable", "ReservationsTable", "SessionsTable");
    }
}
