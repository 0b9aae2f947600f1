package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plain CloudFormation resources of template.yaml (Cognito, DynamoDB, EventBridge, Secrets Manager, Logs)
 * against the CloudFormation resource specification. The build fetches it once with npm
 * ({@code @aws-cdk/cfnspec}, see this module's pom); without it these tests are reported skipped, saying why.
 */
class CfnSpecTest {

    static final Path SPECIFICATION = TemplateSupport.repoRoot()
            .resolve("infrastructure/template-check/target/cfnspec/node_modules/@aws-cdk/cfnspec/spec/specification.json");

    private static CfnSpec spec;

    @BeforeAll
    static void loadSpecification() throws IOException {
        if (Files.isRegularFile(SPECIFICATION)) {
            spec = CfnSpec.load(SPECIFICATION);
        } else {
            System.err.println("[template-check] " + MISSING);
        }
    }

    private static final String MISSING = "CloudFormation specification not checked: " + SPECIFICATION + " is absent. "
            + "The template-check build installs it with npm (npm install --prefix target/cfnspec @aws-cdk/cfnspec); "
            + "npm was missing or could not reach its registry.";

    private static CfnSpec spec() {
        assumeTrue(spec != null, MISSING);
        return spec;
    }

    @Test
    void plainCloudFormationResourcesMatchTheSpecification() {
        ObjectNode template = TemplateSupport.json();
        List<String> problems = spec().check(template);
        assertThat(problems).as("template.yaml against CloudFormation resource specification %s", spec.version()).isEmpty();
    }

    @Test
    void theCheckCoversThePlainResourcesOfTheTemplate() {
        ObjectNode template = TemplateSupport.json();
        long plain = template.path("Resources").properties().stream()
                .filter(e -> !e.getValue().path("Type").asText().startsWith("AWS::Serverless::")).count();
        assertThat(plain).as("plain CloudFormation resources checked").isGreaterThanOrEqualTo(5);
        assertThat(spec().check(template)).isEmpty();
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                broken("unknown property", "CatalogTable.Properties: unknown property BillingMod",
                        t -> props(t, "CatalogTable").put("BillingMod", "PAY_PER_REQUEST")),
                broken("missing required property", "ReservationsTable.Properties: missing required property KeySchema",
                        t -> props(t, "ReservationsTable").remove("KeySchema")),
                broken("map where a list belongs", "SessionsTable.Properties.AttributeDefinitions: must be a list",
                        t -> props(t, "SessionsTable").putObject("AttributeDefinitions").put("AttributeName", "pk")),
                broken("text where an integer belongs", "CartFunctionLogGroup.Properties.RetentionInDays: expected Integer",
                        t -> props(t, "CartFunctionLogGroup").put("RetentionInDays", "a month")),
                broken("unknown property in a nested type", "CatalogTable.Properties.KeySchema[0]: unknown property KeyTyp",
                        t -> ((ObjectNode) props(t, "CatalogTable").path("KeySchema").path(0)).put("KeyTyp", "HASH")),
                broken("object where a boolean belongs", "UserPoolClient.Properties.GenerateSecret: expected Boolean",
                        t -> props(t, "UserPoolClient").putObject("GenerateSecret").put("value", false)),
                broken("unknown resource type", "OrderEventBus: unknown resource type AWS::Events::Bus",
                        t -> ((ObjectNode) t.path("Resources").path("OrderEventBus")).put("Type", "AWS::Events::Bus")),
                broken("GetAtt of an attribute the type lacks", "has no attribute BusName",
                        t -> ((ObjectNode) t.path("Outputs").path("OrderEventBusArn")).putObject("Value")
                                .putArray("Fn::GetAtt").add("OrderEventBus").add("BusName")));
    }

    private static Arguments broken(String name, String expected, Consumer<ObjectNode> change) {
        return Arguments.of(name, expected, change);
    }

    private static ObjectNode props(ObjectNode template, String logicalId) {
        return (ObjectNode) template.path("Resources").path(logicalId).path("Properties");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void aBrokenCopyOfTheTemplateFails(String name, String expected, Consumer<ObjectNode> change) {
        CfnSpec checker = spec();
        ObjectNode template = TemplateSupport.json();
        change.accept(template);
        assertThat(checker.check(template)).as("problems found for %s", name).anyMatch(p -> p.contains(expected));
    }
}
