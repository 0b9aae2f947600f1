package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * template.yaml against the official AWS SAM JSON schema (draft-04), which lives beside the repository in
 * ../shared/schemas. A clone without that folder reports these tests as skipped, saying why.
 */
class SamSchemaTest {

    private static JsonSchema schema;
    private static String missing;

    @BeforeAll
    static void loadSchema() throws IOException {
        Path file = TemplateSupport.repoRoot()
                .resolve("../shared/schemas/sam.schema.json")
                .normalize();
        if (!Files.isRegularFile(file)) {
            missing = "SAM schema not validated: " + file + " is absent (a clone without the ../shared folder). "
                    + "Put sam.schema.json (aws/serverless-application-model schema_source/sam.schema.json) "
                    + "there to run it.";
            System.err.println("[template-check] " + missing);
            return;
        }
        JsonNode schemaNode = TemplateSupport.MAPPER.readTree(file.toFile());
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().typeLoose(false).build();
        // The SAM schema annotates with two keywords of its own; they carry documentation, not rules.
        JsonMetaSchema draft4 = JsonMetaSchema.builder(JsonMetaSchema.getV4())
                .keyword(new NonValidationKeyword("__samPassThrough"))
                .keyword(new NonValidationKeyword("markdownDescription"))
                .build();
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b.metaSchema(draft4))
                .getSchema(schemaNode, config);
    }

    private static Set<ValidationMessage> validate(JsonNode template) {
        assumeTrue(schema != null, missing);
        return schema.validate(template);
    }

    @Test
    void templateIsAValidSamTemplate() {
        Set<ValidationMessage> errors = validate(TemplateSupport.json());
        assertThat(errors).as("template.yaml against sam.schema.json").isEmpty();
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                broken(
                        "a function with an unknown property",
                        t -> function(t, "CartFunction")
                                .put("Handlr", "com.liveshop.checkout.CartHandler::handleRequest")),
                broken(
                        "Events as a list instead of a map",
                        t -> function(t, "OrderFunction")
                                .putArray("Events")
                                .addObject()
                                .put("Type", "HttpApi")),
                broken(
                        "an HttpApi event with an unknown property",
                        t -> ((ObjectNode) function(t, "CatalogReadFunction")
                                        .path("Events")
                                        .path("GetProduct")
                                        .path("Properties"))
                                .put("Verb", "GET")),
                broken(
                        "an HttpApi event whose Method is a number",
                        t -> ((ObjectNode) function(t, "CatalogReadFunction")
                                        .path("Events")
                                        .path("GetProduct")
                                        .path("Properties"))
                                .put("Method", 7)),
                broken(
                        "AutoPublishAlias as a list",
                        t -> function(t, "HoldExpiryFunction")
                                .putArray("AutoPublishAlias")
                                .add("live")),
                broken(
                        "an unknown key in Globals.Function",
                        t -> ((ObjectNode) t.path("Globals").path("Function")).put("Memory", 1024)),
                broken(
                        "a misspelt serverless resource type",
                        t -> ((ObjectNode) t.path("Resources").path("CartFunction"))
                                .put("Type", "AWS::Serverless::Functon")));
    }

    private static Arguments broken(String name, Consumer<ObjectNode> change) {
        return Arguments.of(name, change);
    }

    private static ObjectNode function(ObjectNode template, String logicalId) {
        return (ObjectNode) template.path("Resources").path(logicalId).path("Properties");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void aBrokenCopyOfTheTemplateFails(String name, Consumer<ObjectNode> change) {
        ObjectNode template = TemplateSupport.json();
        change.accept(template);
        assertThat(validate(template)).as("validation errors for %s", name).isNotEmpty();
    }
}
