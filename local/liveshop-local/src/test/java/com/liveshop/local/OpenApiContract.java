package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * openapi.yaml (the copy the local-stack jar serves) as a checker of real answers: the status is documented for the
 * operation, the body validates against its schema (OpenAPI 3.1 schemas are JSON Schema 2020-12; {@code $ref}s resolve
 * into {@code #/components/schemas}), so an error's code is one the spec lists for that status, and every required
 * header is present and matches its schema. Real-time frames validate against the {@code …Frame} schema whose
 * {@code type} constant they carry.
 */
final class OpenApiContract {

    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private final JsonNode spec;
    /** "GET /sessions/{sessionId} 200": what the checks covered, for the report. */
    final Set<String> covered = new TreeSet<>();

    private OpenApiContract(JsonNode spec) {
        this.spec = spec;
    }

    static OpenApiContract load() {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(LocalApiDocs.SPEC_RESOURCE)) {
            assertThat(in).as(LocalApiDocs.SPEC_RESOURCE + " in the jar").isNotNull();
            return new OpenApiContract(new ObjectMapper(new YAMLFactory()).readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks {@code response} to {@code method path} ({@code path} as the spec writes it) and returns it. */
    HttpResponse<String> check(String method, String path, HttpResponse<String> response) throws IOException {
        String what = method + " " + path + " " + response.statusCode();
        JsonNode operation = spec.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        assertThat(operation.isObject())
                .as("%s is an operation of openapi.yaml", what)
                .isTrue();
        JsonNode documented = resolve(operation.path("responses").path(String.valueOf(response.statusCode())));
        assertThat(documented.isObject())
                .as("%s is a documented status (body %s)", what, response.body())
                .isTrue();
        documented.path("headers").properties().forEach(h -> {
            JsonNode header = resolve(h.getValue());
            var value = response.headers().firstValue(h.getKey());
            if (header.path("required").asBoolean(false)) {
                assertThat(value).as("%s has the header %s", what, h.getKey()).isPresent();
            }
            value.ifPresent(
                    v -> assertValid(header.path("schema"), TextNode.valueOf(v), what + " header " + h.getKey()));
        });
        JsonNode content = documented.path("content");
        if (content.isObject() && content.size() > 0) {
            String type = response.headers()
                    .firstValue("content-type")
                    .map(t -> t.split(";")[0].strip())
                    .orElse("");
            assertThat(content.has(type))
                    .as("%s answers %s, one of %s", what, type, content.toString())
                    .isTrue();
            if (type.equals("application/json")) {
                assertValid(content.path(type).path("schema"), new ObjectMapper().readTree(response.body()), what);
            }
        } else {
            assertThat(response.body()).as("%s has no body", what).isEmpty();
        }
        covered.add(what);
        return response;
    }

    /** Validates a real-time frame against the …Frame schema of its {@code type}. */
    void checkFrame(JsonNode frame) {
        String type = frame.path("type").asText();
        Map.Entry<String, JsonNode> schema = frameSchemas().get(type);
        assertThat(schema)
                .as("a frame schema with type %s (frame %s)", type, frame)
                .isNotNull();
        assertValid(schema.getValue(), frame, "frame " + type);
        covered.add("frame " + schema.getKey());
    }

    private Map<String, Map.Entry<String, JsonNode>> frameSchemas() {
        Map<String, Map.Entry<String, JsonNode>> byType = new java.util.HashMap<>();
        spec.path("components").path("schemas").properties().forEach(e -> {
            JsonNode constant = e.getValue().at("/properties/type/const");
            if (e.getKey().endsWith("Frame") && constant.isTextual()) {
                byType.put(constant.asText(), e);
            }
        });
        return byType;
    }

    /** {@code schema} with the spec's components beside it, so "#/components/schemas/…" resolves in one document. */
    private void assertValid(JsonNode schema, JsonNode instance, String what) {
        ObjectNode document = ((ObjectNode) schema.deepCopy());
        document.set("components", spec.path("components"));
        Set<ValidationMessage> errors = SCHEMAS.getSchema(document).validate(instance);
        assertThat(errors.stream().map(ValidationMessage::getMessage).collect(Collectors.toList()))
                .as("%s: %s against openapi.yaml", what, instance)
                .isEmpty();
    }

    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? spec.at(ref.substring(1)) : node;
    }
}
