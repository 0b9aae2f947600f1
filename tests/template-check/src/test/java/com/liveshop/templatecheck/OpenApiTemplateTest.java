package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.liveshop.shared.pow.ProofOfWork;
import com.liveshop.shared.realtime.Frames;
import dev.samlocal.template.SamTemplate;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
        operations().forEach((routeKey, operation) -> {
            for (Map.Entry<String, JsonNode> e : operation.get("responses").properties()) {
                checkResponse(routeKey + " " + e.getKey(), e.getKey(), resolve(e.getValue()));
            }
        });
    }

    /** A documented answer: Cache-Control (but API Gateway's own 401), the Error shape with its codes on a 4xx. */
    private static void checkResponse(String what, String status, JsonNode response) {
        assertThat(response.at("/headers/Cache-Control").isMissingNode() && !status.equals("401"))
                .as("%s documents Cache-Control", what)
                .isFalse();
        JsonNode schema = response.at("/content/application~1json/schema");
        JsonNode codes = schema.at("/properties/error/properties/code/enum");
        if (status.startsWith("4") && !status.equals("401") && !schema.isMissingNode()) {
            assertThat(schema.path("$ref").asText()).as("%s is an Error", what).isEqualTo("#/components/schemas/Error");
            assertThat(codes.size()).as("%s lists its codes", what).isPositive();
        }
        if (status.equals("429")) {
            assertThat(response.at("/headers/Retry-After").isMissingNode())
                    .as("%s documents Retry-After", what)
                    .isFalse();
        }
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
            schema.get("properties").properties().forEach(p -> properties.add(p.getKey()));
            assertThat(properties).as(name).isEqualTo(components);
            assertThat(schema.at("/properties/type/const").isTextual())
                    .as("%s.type is a const", name)
                    .isTrue();
            assertThat(schema.get("additionalProperties").asBoolean(true))
                    .as(name)
                    .isFalse();
        }
    }

    /**
     * Every error code an {@code ApiException} is built with in the functions and shared (a literal, or the factory
     * that implies one) is listed somewhere in openapi.yaml. ApiHandler's own INVALID_REQUEST and ROUTE_NOT_FOUND
     * answer events API Gateway never sends (empty, or a route the function does not serve).
     */
    @Test
    void everyErrorCodeTheCodeThrowsIsInTheSpec() throws IOException {
        Pattern literal = Pattern.compile("ApiException(?:\\.[a-zA-Z]+\\(|\\(\\s*\\d+,)\\s*\"([A-Z][A-Z_]+)\"");
        Map<String, String> implied =
                Map.of("validation(", "VALIDATION_FAILED", "unauthorized(", "UNAUTHORIZED", "forbidden(", "FORBIDDEN");
        Set<String> codes = new TreeSet<>(Set.of(ProofOfWork.CHALLENGE_INVALID));
        Path root = TemplateSupport.repoRoot();
        List<Path> sources = new ArrayList<>();
        for (Path dir : List.of(root.resolve("functions"), root.resolve("shared/src/main/java"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("src/main/java"))
                        .forEach(sources::add);
            }
        }
        for (Path source : sources) {
            String text = Files.readString(source);
            Matcher m = literal.matcher(text);
            while (m.find()) {
                codes.add(m.group(1));
            }
            implied.forEach((call, code) -> {
                if (text.contains("ApiException." + call)) {
                    codes.add(code);
                }
            });
        }
        codes.removeAll(Set.of("INVALID_REQUEST", "ROUTE_NOT_FOUND"));
        assertThat(codes).as("codes found in the sources").contains("SOLD_OUT", "SLOW_MODE", "DIRECT_ACCESS");
        Set<String> listed = new TreeSet<>();
        spec.findValues("enum").forEach(e -> e.forEach(v -> listed.add(v.asText())));
        assertThat(listed).as("error codes openapi.yaml lists").containsAll(codes);
    }

    /**
     * x-channels (which channel carries which frames) lists every frame schema but ChatFrame (inside ChatBatchFrame),
     * and the reference page's "Real-time frames" section shows the same ones.
     */
    @Test
    void everyFrameSchemaIsOnAChannelAndOnTheReferencePage() {
        List<String> onChannels = new ArrayList<>();
        spec.get("x-channels")
                .forEach(channel -> channel.get("frames")
                        .forEach(ref -> onChannels.add(ref.get("$ref").asText().replace("#/components/schemas/", ""))));
        Set<String> frameSchemas = new TreeSet<>();
        spec.at("/components/schemas").properties().forEach(e -> {
            if (e.getKey().endsWith("Frame") && !e.getKey().equals("ChatFrame")) {
                frameSchemas.add(e.getKey());
            }
        });
        assertThat(onChannels).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(onChannels)).isEqualTo(frameSchemas);
        String section = "";
        for (JsonNode tag : spec.get("tags")) {
            if (tag.get("name").asText().equals("Real-time frames")) {
                section = tag.get("description").asText();
            }
        }
        List<String> onPage = new ArrayList<>();
        Matcher m = Pattern.compile("schemaRef=\"#/components/schemas/(\\w+)\"").matcher(section);
        while (m.find()) {
            onPage.add(m.group(1));
        }
        assertThat(onPage).as("the Real-time frames tag").isEqualTo(onChannels);
    }

    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            path.getValue().properties().forEach(op -> {
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
