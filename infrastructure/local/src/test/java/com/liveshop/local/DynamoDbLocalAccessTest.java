package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's "look inside" line works as written for a developer whose AWS CLI has their own credentials and
 * region: DynamoDB Local runs shared, so every access key sees the stack's tables. Driven with the real AWS CLI.
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
        ProcessBuilder cli = new ProcessBuilder("aws", "dynamodb", "list-tables", "--endpoint-url", stack.dynamoDbEndpoint(),
                "--output", "json").redirectErrorStream(true);
        Map<String, String> env = cli.environment();
        env.put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        env.put("AWS_DEFAULT_REGION", "eu-west-1");
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        Process process;
        try {
            process = cli.start();
        } catch (java.io.IOException e) {
            Assumptions.abort("The AWS CLI is not installed: " + e.getMessage());
            return;
        }
        boolean done = process.waitFor(60, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("aws dynamodb list-tables finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("CatalogTable", "ReservationsTable", "SessionsTable");
    }
}
