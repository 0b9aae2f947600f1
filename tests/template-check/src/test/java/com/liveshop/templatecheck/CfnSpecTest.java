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
 * Plain CloudFormation resources of template.yaml (Cognito, DynamoDB, EventBridge, Secrets Manager, Logs) against the
 * CloudFormation resource specification. The build fetches it once with npm ({@code @aws-cdk/cfnspec}, see this
 * module's pom); without it these tests are reported skipped, saying why.
 */
class CfnSpecTest {

    static final Path SPECIFICATION = TemplateSupport.repoRoot()
            .resolve("tests/template-check/target/cfnspec/node_modules/@aws-cdk/cfnspec/spec/specification.json");
    /** The newer CDK spec database, for the types cfnspec v117 lacks (AppSync Events). */
    static final Path SERVICE_SPEC_DB = TemplateSupport.repoRoot()
            .resolve("tests/template-check/target/cfnspec/node_modules/@aws-cdk/aws-service-spec/db.json.gz");

    private static CfnSpec spec;

    @BeforeAll
    static void loadSpecification() throws IOException {
        if (Files.isRegularFile(SPECIFICATION) && Files.isRegularFile(SERVICE_SPEC_DB)) {
            spec = CfnSpec.load(SPECIFICATION, SERVICE_SPEC_DB);
        } else {
            System.err.println("[template-check] " + MISSING);
        }
    }

    private static final String MISSING = "CloudFormation specification not checked: " + SPECIFICATION + " or "
            + SERVICE_SPEC_DB + " is absent. The template-check build installs them with npm "
            + "(npm install --prefix target/cfnspec @aws-cdk/cfnspec @aws-cdk/aws-service-spec); "
            + "npm was missing or could not reach its registry.";

    private static CfnSpec spec() {
        assumeTrue(spec != null, MISSING);
        return spec;
    }

    @Test
    void plainCloudFormationResourcesMatchTheSpecification() {
        ObjectNode template = TemplateSupport.json();
        List<String> problems = spec().check(template);
        assertThat(problems)
                .as("template.yaml against CloudFormation resource specification %s", spec.version())
                .isEmpty();
    }

    @Test
    void theCheckCoversThePlainResourcesOfTheTemplate() {
        ObjectNode template = TemplateSupport.json();
        long plain = template.path("Resources").properties().stream()
                .filter(e -> !e.getValue().path("Type").asText().startsWith("AWS::Serverless::"))
                .count();
        assertThat(plain).as("plain CloudFormation resources checked").isGreaterThanOrEqualTo(5);
        assertThat(spec().check(template)).isEmpty();
    }

    @Test
    void theAppSyncEventsResourcesAreChecked() {
        ObjectNode template = TemplateSupport.json();
        for (String type : List.of("AWS::AppSync::Api", "AWS::AppSync::ApiKey", "AWS::AppSync::ChannelNamespace")) {
            assertThat(spec().knows(type))
                    .as("the completed specification knows %s", type)
                    .isTrue();
            assertThat(template.path("Resources").properties().stream()
                            .map(e -> e.getValue().path("Type").asText()))
                    .as("template.yaml declares a %s", type)
                    .contains(type);
        }
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                broken(
                        "unknown property",
                        "CatalogTable.Properties: unknown property BillingMod",
                        t -> props(t, "CatalogTable").put("BillingMod", "PAY_PER_REQUEST")),
                broken(
                        "missing required property",
                        "ReservationsTable.Properties: missing required property KeySchema",
                        t -> props(t, "ReservationsTable").remove("KeySchema")),
                broken(
                        "map where a list belongs",
                        "SessionsTable.Properties.AttributeDefinitions: must be a list",
                        t -> props(t, "SessionsTable")
                                .putObject("AttributeDefinitions")
                                .put("AttributeName", "pk")),
                broken(
                        "text where an integer belongs",
                        "CartFunctionLogGroup.Properties.RetentionInDays: expected Integer",
                        t -> props(t, "CartFunctionLogGroup").put("RetentionInDays", "a month")),
                broken(
                        "unknown property in a nested type",
                        "CatalogTable.Properties.KeySchema[0]: unknown property KeyTyp",
                        t -> ((ObjectNode) props(t, "CatalogTable")
                                        .path("KeySchema")
                                        .path(0))
                                .put("KeyTyp", "HASH")),
                broken(
                        "object where a boolean belongs",
                        "UserPoolClient.Properties.GenerateSecret: expected Boolean",
                        t -> props(t, "UserPoolClient")
                                .putObject("GenerateSecret")
                                .put("value", false)),
                broken(
                        "unknown resource type",
                        "OrderEventBus: unknown resource type AWS::Events::Bus",
                        t -> ((ObjectNode) t.path("Resources").path("OrderEventBus")).put("Type", "AWS::Events::Bus")),
                broken(
                        "unknown property of a newer type",
                        "ShowsNamespace.Properties: unknown property SubscribeAuthMode",
                        t -> props(t, "ShowsNamespace").putArray("SubscribeAuthMode")),
                broken(
                        "missing required property in a newer nested type",
                        "EventsApi.Properties.EventConfig: missing required property ConnectionAuthModes",
                        t -> ((ObjectNode) props(t, "EventsApi").path("EventConfig")).remove("ConnectionAuthModes")),
                broken(
                        "text where a number belongs in a newer type",
                        "EventsApiKey.Properties.Expires: expected Double",
                        t -> props(t, "EventsApiKey").put("Expires", "next week")),
                broken(
                        "GetAtt of an attribute a newer type lacks",
                        "AWS::AppSync::Api EventsApi has no attribute Dns.Https",
                        t -> ((ObjectNode) t.path("Outputs").path("EventsApiKey"))
                                .putObject("Value")
                                .putArray("Fn::GetAtt")
                                .add("EventsApi")
                                .add("Dns.Https")),
                broken(
                        "GetAtt of an attribute the type lacks",
                        "has no attribute BusName",
                        t -> ((ObjectNode) t.path("Outputs").path("OrderEventBusArn"))
                                .putObject("Value")
                                .putArray("Fn::GetAtt")
                                .add("OrderEventBus")
                                .add("BusName")));
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
