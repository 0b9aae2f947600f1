package com.liveshop.templatecheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks plain CloudFormation resources against the CloudFormation resource specification (npm
 * {@code @aws-cdk/cfnspec}, {@code spec/specification.json}, completed with newer types by {@link ServiceSpecTypes}):
 * resource types exist, property names exist, required properties are present, values have a plausible shape (primitive
 * / list / map / nested type), and {@code Fn::GetAtt} names an attribute the type has. An intrinsic function stands for
 * any value. {@code AWS::Serverless::*} resources are SAM's, checked by the SAM schema instead.
 */
final class CfnSpec {

    static final Set<String> RESOURCE_KEYS = Set.of(
            "Type",
            "Properties",
            "DependsOn",
            "Condition",
            "Metadata",
            "DeletionPolicy",
            "UpdateReplacePolicy",
            "CreationPolicy",
            "UpdatePolicy");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Pattern SUB_ATTRIBUTE = Pattern.compile("\\$\\{(\\w+)\\.([\\w.]+)}");

    private final JsonNode resourceTypes;
    private final JsonNode propertyTypes;
    private final String version;

    private CfnSpec(JsonNode spec) {
        this.resourceTypes = spec.path("ResourceTypes");
        this.propertyTypes = spec.path("PropertyTypes");
        this.version = spec.path("ResourceSpecificationVersion").asText();
    }

    static CfnSpec load(Path specification) throws IOException {
        return new CfnSpec(TemplateSupport.MAPPER.readTree(specification.toFile()));
    }

    /**
     * The specification, completed with the resource types it lacks from the newer spec database (see
     * {@link ServiceSpecTypes}); {@link #version()} then names both.
     */
    static CfnSpec load(Path specification, Path serviceSpecDb) throws IOException {
        ObjectNode spec = (ObjectNode) TemplateSupport.MAPPER.readTree(specification.toFile());
        int added = ServiceSpecTypes.load(serviceSpecDb).addMissingTo(spec);
        spec.put(
                "ResourceSpecificationVersion",
                spec.path("ResourceSpecificationVersion").asText() + " + " + added
                        + " newer types from @aws-cdk/aws-service-spec");
        return new CfnSpec(spec);
    }

    boolean knows(String resourceType) {
        return resourceTypes.has(resourceType);
    }

    String version() {
        return version;
    }

    /** Every problem found in the template's non-serverless resources and in GetAtt uses of them; empty when fine. */
    List<String> check(JsonNode template) {
        List<String> problems = new ArrayList<>();
        JsonNode resources = template.path("Resources");
        for (Map.Entry<String, JsonNode> entry : resources.properties()) {
            String id = entry.getKey();
            JsonNode resource = entry.getValue();
            String type = resource.path("Type").asText();
            if (type.startsWith("AWS::Serverless::") || type.startsWith("Custom::")) {
                continue;
            }
            JsonNode spec = resourceTypes.get(type);
            if (spec == null) {
                problems.add(id + ": unknown resource type " + type);
                continue;
            }
            resource.fieldNames().forEachRemaining(key -> {
                if (!RESOURCE_KEYS.contains(key)) {
                    problems.add(id + ": unknown resource attribute " + key);
                }
            });
            checkProperties(
                    id + ".Properties",
                    type,
                    spec.path("Properties"),
                    resource.has("Properties") ? resource.get("Properties") : TemplateSupport.MAPPER.createObjectNode(),
                    problems);
        }
        checkGetAtts("", template, resources, problems);
        return problems;
    }

    private void checkProperties(
            String where, String resourceType, JsonNode specs, JsonNode value, List<String> problems) {
        if (isIntrinsic(value)) {
            return;
        }
        if (!value.isObject()) {
            problems.add(where + ": must be an object, got " + value.getNodeType());
            return;
        }
        value.fieldNames().forEachRemaining(name -> {
            if (!specs.has(name)) {
                problems.add(where + ": unknown property " + name);
            }
        });
        specs.properties().forEach(e -> {
            if (e.getValue().path("Required").asBoolean(false) && !value.has(e.getKey())) {
                problems.add(where + ": missing required property " + e.getKey());
            }
        });
        value.properties().forEach(e -> {
            JsonNode spec = specs.get(e.getKey());
            if (spec != null) {
                checkValue(where + "." + e.getKey(), resourceType, spec, e.getValue(), problems);
            }
        });
    }

    private void checkValue(String where, String resourceType, JsonNode spec, JsonNode value, List<String> problems) {
        if (isIntrinsic(value)) {
            return;
        }
        if (spec.has("PrimitiveType")) {
            checkPrimitive(where, spec.get("PrimitiveType").asText(), value, problems);
            return;
        }
        String type = spec.path("Type").asText("");
        if (type.equals("List") || type.equals("Map")) {
            boolean list = type.equals("List");
            if (list ? !value.isArray() : !value.isObject()) {
                problems.add(where + ": must be a " + (list ? "list" : "map") + ", got " + value.getNodeType());
                return;
            }
            int i = 0;
            for (Map.Entry<String, JsonNode> item : items(value)) {
                String at = where + (list ? "[" + i++ + "]" : "." + item.getKey());
                if (spec.has("PrimitiveItemType")) {
                    checkPrimitive(at, spec.get("PrimitiveItemType").asText(), item.getValue(), problems);
                } else if (spec.has("ItemType")) {
                    checkNested(at, resourceType, spec.get("ItemType").asText(), item.getValue(), problems);
                }
            }
        } else if (!type.isEmpty()) {
            checkNested(where, resourceType, type, value, problems);
        }
        // Union types (PrimitiveTypes / Types / ItemTypes) accept several shapes: nothing to check cheaply.
    }

    private void checkNested(
            String where, String resourceType, String typeName, JsonNode value, List<String> problems) {
        JsonNode spec = propertyTypes.get(resourceType + "." + typeName);
        if (spec == null) {
            spec = propertyTypes.get(typeName);
        }
        if (spec == null) {
            problems.add(where + ": the specification has no property type " + typeName);
        } else if (spec.has("Properties")) {
            checkProperties(where, resourceType, spec.get("Properties"), value, problems);
        } else if (spec.has("PrimitiveType")) {
            checkPrimitive(where, spec.get("PrimitiveType").asText(), value, problems);
        }
    }

    private static void checkPrimitive(String where, String primitive, JsonNode value, List<String> problems) {
        if (isIntrinsic(value)) {
            return;
        }
        boolean plausible = switch (primitive) {
            case "String", "Timestamp" -> value.isValueNode() && !value.isNull();
            case "Integer", "Long" ->
                value.isIntegralNumber()
                        || (value.isTextual() && INTEGER.matcher(value.asText()).matches());
            case "Double" ->
                value.isNumber()
                        || (value.isTextual() && DECIMAL.matcher(value.asText()).matches());
            case "Boolean" ->
                value.isBoolean()
                        || (value.isTextual() && Set.of("true", "false").contains(value.asText()));
            case "Json" -> value.isObject() || value.isArray() || value.isTextual();
            default -> true;
        };
        if (!plausible) {
            problems.add(where + ": expected " + primitive + ", got " + value.getNodeType() + " " + value);
        }
    }

    private void checkGetAtts(String where, JsonNode node, JsonNode resources, List<String> problems) {
        if (node.isObject() && node.size() == 1 && node.has("Fn::GetAtt")) {
            JsonNode arg = node.get("Fn::GetAtt");
            String id = arg.isArray() ? arg.path(0).asText() : arg.asText().split("\\.", 2)[0];
            String attribute =
                    arg.isArray() ? arg.path(1).asText() : arg.asText().split("\\.", 2)[1];
            checkAttribute(where, id, attribute, resources, problems);
        } else if (node.isObject() && node.size() == 1 && node.has("Fn::Sub")) {
            JsonNode arg = node.get("Fn::Sub");
            Matcher m = SUB_ATTRIBUTE.matcher(arg.isArray() ? arg.path(0).asText() : arg.asText());
            while (m.find()) {
                checkAttribute(where, m.group(1), m.group(2), resources, problems);
            }
        }
        if (node.isContainerNode()) {
            for (Map.Entry<String, JsonNode> e : items(node)) {
                checkGetAtts(
                        where.isEmpty() ? e.getKey() : where + "." + e.getKey(), e.getValue(), resources, problems);
            }
        }
    }

    private void checkAttribute(String where, String id, String attribute, JsonNode resources, List<String> problems) {
        String type = resources.path(id).path("Type").asText("");
        if (type.startsWith("AWS::Serverless::")) {
            return; // SAM resources: their attributes (Function.Arn …) are the translator's, not the spec's legacy
            // entries
        }
        JsonNode spec = resourceTypes.get(type);
        if (spec != null && !spec.path("Attributes").has(attribute)) {
            problems.add(where + ": " + type + " " + id + " has no attribute " + attribute);
        }
    }

    private static List<Map.Entry<String, JsonNode>> items(JsonNode container) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        if (container.isArray()) {
            for (int i = 0; i < container.size(); i++) {
                out.add(Map.entry(String.valueOf(i), container.get(i)));
            }
        } else {
            out.addAll(container.properties());
        }
        return out;
    }

    static boolean isIntrinsic(JsonNode value) {
        if (!value.isObject() || value.size() != 1) {
            return false;
        }
        String key = value.fieldNames().next();
        return key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition");
    }
}
