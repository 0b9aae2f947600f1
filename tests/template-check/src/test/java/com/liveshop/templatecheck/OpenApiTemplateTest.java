package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.liveshop.shared.realtime.Frames;
import dev.samlocal.template.SamTemplate;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * openapi.yaml against template.yaml and the code: the same routes (method + path) both ways, each operation's security
 * the route's {@code Auth} (HostJwt → the {@code hostJwt} bearer scheme, none → {@code security: []}), and one schema
 * per real-time frame whose properties are the frame record's components.
 */
class OpenApiTemplateTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private static JsonNode spec;
    private static Map<String, String> templateAuth;

    @BeforeAll
    static void load() throws IOException {
        spec = new ObjectMapper(new YAMLFactory())
                .readTree(TemplateSupport.repoRoot().resolve("openapi.yaml").toFile());
        templateAuth = new TreeMap<>();
        for (SamTemplate.FunctionDef function : TemplateSupport.template().functions()) {
            for (SamTemplate.FunctionEvent event : function.events()) {
                if (event.type().equals("HttpApi")) {
                    Map<String, Object> props = event.properties();
                    String routeKey = String.valueOf(props.get("Method")).toUpperCase() + " " + props.get("Path");
                    Object authorizer = SamTemplate.map(props.get("Auth")).get("Authorizer");
                    templateAuth.put(routeKey, authorizer == null ? "NONE" : String.valueOf(authorizer));
                }
            }
        }
    }

    @Test
    void everyTemplateRouteIsDescribedAndNothingElse() {
        Set<String> described = new TreeSet<>(operations().keySet());
        assertThat(templateAuth).hasSizeGreaterThan(30);
        assertThat(templateAuth.keySet())
                .as("routes of template.yaml missing from openapi.yaml")
                .isSubsetOf(described);
        assertThat(described)
                .as("operations of openapi.yaml that template.yaml has no route for")
                .isSubsetOf(templateAuth.keySet());
    }

    @Test
    void eachOperationsSecurityIsItsRoutesAuth() {
        assertThat(spec.at("/components/securitySchemes/hostJwt/scheme").asText())
                .isEqualTo("bearer");
        assertThat(spec.at("/components/securitySchemes/hostJwt/bearerFormat").asText())
                .isEqualTo("JWT");
        operations().forEach((routeKey, operation) -> {
            JsonNode security = operation.get("security");
            assertThat(security).as("%s states its security", routeKey).isNotNull();
            String auth = templateAuth.getOrDefault(routeKey, "NONE");
            if (auth.equals("HostJwt")) {
                assertThat(security.toString()).as(routeKey).isEqualTo("[{\"hostJwt\":[]}]");
            } else {
                assertThat(security.toString()).as(routeKey).isEqualTo("[]");
            }
        });
    }

    @Test
    void everyOperationAnswersTheErrorShapeWithTheCodesItLists() {
        operations()
                .forEach((routeKey, operation) -> operation
                        .get("responses")
                        .fields()
                        .forEachRemaining(e -> {
                            JsonNode response = resolve(e.getValue());
                            assertThat(response.at("/headers/Cache-Control").isMissingNode()
                                            && !e.getKey().equals("401"))
                                    .as("%s %s documents Cache-Control", routeKey, e.getKey())
                                    .isFalse();
                            if (e.getKey().startsWith("4") && !e.getKey().equals("401")) {
                                JsonNode schema = response.at("/content/application~1json/schema");
                                if (!schema.isMissingNode()) {
                                    assertThat(schema.path("$ref").asText())
                                            .as("%s %s is an Error", routeKey, e.getKey())
                                            .isEqualTo("#/components/schemas/Error");
                                    assertThat(schema.at("/properties/error/properties/code/enum")
                                                    .size())
                                            .as("%s %s lists its codes", routeKey, e.getKey())
                                            .isPositive();
                                }
                            }
                            // TRY_AGAIN (a crowd on one sku) is the one 429 without a Retry-After: retry after a
                            // moment.
                            boolean onlyTryAgain = response.at(
                                            "/content/application~1json/schema/properties/error/properties/code/enum")
                                    .toString()
                                    .equals("[\"TRY_AGAIN\"]");
                            if (e.getKey().equals("429") && !onlyTryAgain) {
                                assertThat(response.at("/headers/Retry-After").isMissingNode())
                                        .as("%s 429 documents Retry-After", routeKey)
                                        .isFalse();
                            }
                        }));
    }

    /** Each Frames record is a schema named after it + "Frame", with exactly its components as properties. */
    @Test
    void everyFrameRecordHasASchemaWithItsComponents() {
        JsonNode schemas = spec.at("/components/schemas");
        for (Class<?> frame : Frames.class.getDeclaredClasses()) {
            if (!frame.isRecord()) {
                continue;
            }
            String name = frame.getSimpleName() + "Frame";
            JsonNode schema = schemas.get(name);
            assertThat(schema).as("components.schemas.%s", name).isNotNull();
            Set<String> components = new TreeSet<>(Arrays.stream(frame.getRecordComponents())
                    .map(RecordComponent::getName)
                    .toList());
            Set<String> properties = new TreeSet<>();
            schema.get("properties").fieldNames().forEachRemaining(properties::add);
            assertThat(properties).as(name).isEqualTo(components);
            assertThat(schema.at("/properties/type/const").isTextual())
                    .as("%s.type is a const", name)
                    .isTrue();
            assertThat(schema.get("additionalProperties").asBoolean(true))
                    .as(name)
                    .isFalse();
        }
    }

    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fields().forEachRemaining(op -> {
                if (METHODS.contains(op.getKey())) {
                    operations.put(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue());
                }
            });
        }
        return operations;
    }

    private static JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? spec.at(ref.substring(1)) : node;
    }
}
