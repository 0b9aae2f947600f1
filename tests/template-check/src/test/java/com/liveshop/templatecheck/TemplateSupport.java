package com.liveshop.templatecheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.LocalAws;
import dev.samlocal.template.CfnYaml;
import dev.samlocal.template.ForEach;
import dev.samlocal.template.Intrinsics;
import dev.samlocal.template.SamTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** template.yaml for the checks: as data, as a Jackson tree, and each function's environment resolved locally. */
final class TemplateSupport {

    static final ObjectMapper MAPPER = new ObjectMapper();

    static final Set<String> PSEUDO_PARAMETERS = Set.of(
            "AWS::AccountId",
            "AWS::NotificationARNs",
            "AWS::NoValue",
            "AWS::Partition",
            "AWS::Region",
            "AWS::StackId",
            "AWS::StackName",
            "AWS::URLSuffix");

    /** Stands in for every endpoint: nothing listens there, and constructing a handler must not call out. */
    static final String DUMMY_ENDPOINT = "http://127.0.0.1:9";

    private TemplateSupport() {}

    static SamTemplate template() {
        return SamTemplate.loadFromRepo();
    }

    static Path repoRoot() {
        return SamTemplate.repoRoot();
    }

    /** The template in CloudFormation's long JSON form, Fn::ForEach expanded, a fresh mutable copy on each call. */
    static ObjectNode json() {
        return (ObjectNode)
                MAPPER.valueToTree(ForEach.expand(CfnYaml.read(repoRoot().resolve("template.yaml"))));
    }

    /**
     * What the function's environment would be after deployment, with parameter defaults and local names for resources
     * (a table's Ref is its logical id, as LocalTables names them). Fn::If is decided on the defaults.
     */
    static Map<String, String> resolvedEnvironment(SamTemplate template, SamTemplate.FunctionDef function) {
        Intrinsics intrinsics = new Intrinsics(localRefs(template));
        Map<String, Object> conditions = SamTemplate.map(template.raw().get("Conditions"));
        Map<String, String> env = new LinkedHashMap<>();
        function.environment()
                .forEach((name, value) ->
                        env.put(name, intrinsics.resolveString(decideIfs(value, template, conditions))));
        return env;
    }

    /** The settings a handler is constructed with: the template's environment, local credentials, a dummy endpoint. */
    static Map<String, String> handlerSettings(Map<String, String> templateEnvironment) {
        Map<String, String> extra = new HashMap<>(templateEnvironment);
        extra.put("AWS_ENDPOINT_URL", DUMMY_ENDPOINT);
        return LocalAws.settings(extra);
    }

    /** What a deployer gives the parameters that have no default (TemplateDeploymentTest checks each has one here). */
    static final Map<String, String> REQUIRED_PARAMETER_SAMPLES = Map.of(
            "CorsAllowOrigin", "https://shop.example.com",
            "SenderEmail", "shows@shop.example.com");

    static Map<String, String> localRefs(SamTemplate template) {
        Map<String, String> refs = new HashMap<>();
        SamTemplate.map(template.raw().get("Parameters")).forEach((name, p) -> {
            Object defaultValue = SamTemplate.map(p).get("Default");
            refs.put(
                    name,
                    defaultValue == null
                            ? REQUIRED_PARAMETER_SAMPLES.getOrDefault(name, "")
                            : String.valueOf(defaultValue));
        });
        refs.put("AWS::Region", LocalAws.REGION);
        refs.put("AWS::AccountId", "000000000000");
        refs.put("AWS::Partition", "aws");
        refs.put("AWS::URLSuffix", "amazonaws.com");
        refs.put("AWS::StackName", "liveshop");
        return refs;
    }

    /** Replaces each Fn::If by the branch its condition selects with the parameters' defaults. */
    static Object decideIfs(Object value, SamTemplate template, Map<String, Object> conditions) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.containsKey("Fn::If")) {
                List<Object> args = SamTemplate.list(map.get("Fn::If"));
                boolean holds = condition(String.valueOf(args.get(0)), template, conditions);
                return decideIfs(args.get(holds ? 1 : 2), template, conditions);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), decideIfs(v, template, conditions)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(decideIfs(v, template, conditions)));
            return out;
        }
        return value;
    }

    private static boolean condition(String name, SamTemplate template, Map<String, Object> conditions) {
        if (!conditions.containsKey(name)) {
            throw new IllegalStateException("Fn::If names condition " + name + ", which is not in Conditions");
        }
        return evaluate(conditions.get(name), template, conditions);
    }

    private static boolean evaluate(Object expression, SamTemplate template, Map<String, Object> conditions) {
        Map<String, Object> map = SamTemplate.map(expression);
        if (map.size() != 1) {
            throw new IllegalStateException("Unsupported condition " + expression);
        }
        var entry = map.entrySet().iterator().next();
        List<Object> args = SamTemplate.list(entry.getValue());
        Intrinsics intrinsics = new Intrinsics(localRefs(template));
        return switch (entry.getKey()) {
            case "Condition" -> condition(String.valueOf(entry.getValue()), template, conditions);
            case "Fn::Not" -> !evaluate(args.get(0), template, conditions);
            case "Fn::And" -> args.stream().allMatch(a -> evaluate(a, template, conditions));
            case "Fn::Or" -> args.stream().anyMatch(a -> evaluate(a, template, conditions));
            case "Fn::Equals" ->
                String.valueOf(intrinsics.resolveString(args.get(0)))
                        .equals(String.valueOf(intrinsics.resolveString(args.get(1))));
            default -> throw new IllegalStateException("Unsupported condition function " + entry.getKey());
        };
    }

    static JsonNode at(JsonNode root, String... path) {
        JsonNode node = root;
        for (String p : path) {
            node = node.path(p);
        }
        return node;
    }
}
