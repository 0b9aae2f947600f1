package com.liveshop.templatecheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Resource types from the CDK's newer spec database (npm {@code @aws-cdk/aws-service-spec}, {@code db.json.gz}),
 * translated into the classic resource-specification shape {@link CfnSpec} reads. The 2023 cfnspec stops before AppSync
 * Events ({@code AWS::AppSync::Api} with {@code EventConfig}, {@code AWS::AppSync::ChannelNamespace}); only types it
 * lacks are taken from here, so every type it knows is checked exactly as before.
 *
 * <p>The database holds entities: {@code resource} (properties and attributes) and {@code typeDefinition} (nested
 * property types), linked by {@code {"$ref": id}}. A type is {@code string|number|integer|boolean|json|date-time|
 * tag|ref|array|map|union}; a union has no single shape and is left unchecked, as unions are in cfnspec.
 */
final class ServiceSpecTypes {

    private final Map<String, JsonNode> typeDefinitions = new HashMap<>();
    private final Map<String, JsonNode> resources = new HashMap<>();

    private ServiceSpecTypes(JsonNode db) {
        JsonNode schema = db.path("schema");
        schema.path("typeDefinition")
                .path("entities")
                .forEach(t -> typeDefinitions.put(t.path("$id").asText(), t));
        schema.path("resource")
                .path("entities")
                .forEach(r -> resources.put(r.path("cloudFormationType").asText(), r));
    }

    static ServiceSpecTypes load(Path dbJsonGz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dbJsonGz))) {
            return new ServiceSpecTypes(TemplateSupport.MAPPER.readTree(in));
        }
    }

    /** Adds to {@code spec}'s ResourceTypes / PropertyTypes every resource type it lacks; returns how many. */
    int addMissingTo(ObjectNode spec) {
        ObjectNode resourceTypes = spec.with("ResourceTypes");
        ObjectNode propertyTypes = spec.with("PropertyTypes");
        int added = 0;
        for (Map.Entry<String, JsonNode> e : resources.entrySet()) {
            if (e.getKey().isEmpty() || resourceTypes.has(e.getKey())) {
                continue;
            }
            ObjectNode converted = resourceTypes.putObject(e.getKey());
            converted.set("Properties", properties(e.getKey(), e.getValue().path("properties"), propertyTypes));
            ObjectNode attributes = converted.putObject("Attributes");
            e.getValue().path("attributes").fieldNames().forEachRemaining(attributes::putObject);
            added++;
        }
        return added;
    }

    private ObjectNode properties(String resourceType, JsonNode properties, ObjectNode propertyTypes) {
        ObjectNode out = TemplateSupport.MAPPER.createObjectNode();
        properties.properties().forEach(p -> {
            ObjectNode spec = out.putObject(p.getKey());
            spec.put("Required", p.getValue().path("required").asBoolean(false));
            describe(resourceType, p.getValue().path("type"), spec, false, propertyTypes);
        });
        return out;
    }

    /** Writes the cfnspec keys for {@code type} into {@code spec}; {@code item} means "as a List/Map element". */
    private void describe(String resourceType, JsonNode type, ObjectNode spec, boolean item, ObjectNode propertyTypes) {
        String primitive = switch (type.path("type").asText()) {
            case "string" -> "String";
            case "number" -> "Double";
            case "integer" -> "Integer";
            case "boolean" -> "Boolean";
            case "json" -> "Json";
            case "date-time" -> "Timestamp";
            default -> null;
        };
        if (primitive != null) {
            spec.put(item ? "PrimitiveItemType" : "PrimitiveType", primitive);
            return;
        }
        switch (type.path("type").asText()) {
            case "tag" -> spec.put(item ? "ItemType" : "Type", "Tag");
            case "ref" ->
                spec.put(
                        item ? "ItemType" : "Type",
                        propertyType(
                                resourceType,
                                type.path("reference").path("$ref").asText(),
                                propertyTypes));
            case "array", "map" -> {
                if (item) {
                    return; // a list of lists: no cfnspec shape, left unchecked
                }
                spec.put("Type", type.path("type").asText().equals("array") ? "List" : "Map");
                describe(resourceType, type.path("element"), spec, true, propertyTypes);
            }
            default -> {} // union: several shapes are valid
        }
    }

    /** Registers {@code <resourceType>.<Name>} in PropertyTypes (once) and returns its short name. */
    private String propertyType(String resourceType, String id, ObjectNode propertyTypes) {
        JsonNode definition = typeDefinitions.get(id);
        if (definition == null) {
            throw new IllegalStateException(
                    "aws-service-spec: " + resourceType + " refers to a missing type definition " + id);
        }
        String name = definition.path("name").asText();
        String key = resourceType + "." + name;
        if (!propertyTypes.has(key)) {
            ObjectNode converted = propertyTypes.putObject(key); // before recursing: a type may refer to itself
            converted.set("Properties", properties(resourceType, definition.path("properties"), propertyTypes));
        }
        return name;
    }
}
