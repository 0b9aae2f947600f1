package dev.samlocal.template;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * template.yaml as data: the single source of truth that the tests, the local stack and `sam deploy` all read. Gives
 * functions (with Globals merged), their events, and the DynamoDB tables.
 */
public final class SamTemplate {

    /** One event source of a function (HttpApi route, Schedule, EventBridgeRule, …). */
    public record FunctionEvent(String name, String type, Map<String, Object> properties) {}

    /** One AWS::Serverless::Function with Globals.Function applied. */
    public record FunctionDef(
            String logicalId,
            String handler,
            Object codeUri,
            Map<String, Object> environment,
            List<FunctionEvent> events,
            Map<String, Object> properties) {

        /** HttpApi events as API Gateway route keys, e.g. "POST /orders". */
        public List<String> routeKeys() {
            return events.stream()
                    .filter(e -> e.type().equals("HttpApi"))
                    .map(e -> String.valueOf(e.properties().get("Method")).toUpperCase() + " "
                            + e.properties().get("Path"))
                    .toList();
        }
    }

    private final Path file;
    private final Map<String, Object> root;

    private SamTemplate(Path file, Map<String, Object> root) {
        this.file = file;
        this.root = root;
    }

    /** The template as SAM receives it: after AWS::LanguageExtensions' Fn::ForEach ({@link ForEach}). */
    public static SamTemplate load(Path file) {
        return new SamTemplate(file, ForEach.expand(CfnYaml.read(file)));
    }

    /** The repository's template.yaml: -Drepo.root (set by the build), else found upwards from the working dir. */
    public static SamTemplate loadFromRepo() {
        return load(repoRoot().resolve("template.yaml"));
    }

    public static Path repoRoot() {
        String configured = System.getProperty("repo.root");
        if (configured != null && Files.exists(Paths.get(configured, "template.yaml"))) {
            return Paths.get(configured).toAbsolutePath();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("template.yaml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "template.yaml not found above " + Paths.get("").toAbsolutePath());
    }

    public Path file() {
        return file;
    }

    public Map<String, Object> raw() {
        return root;
    }

    public Map<String, Object> resources() {
        return map(root.get("Resources"));
    }

    public Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        resources().forEach((id, r) -> {
            Map<String, Object> resource = map(r);
            if (type.equals(resource.get("Type"))) {
                result.put(id, resource);
            }
        });
        return result;
    }

    public Map<String, Object> properties(String logicalId) {
        return map(map(resources().get(logicalId)).get("Properties"));
    }

    public List<FunctionDef> functions() {
        Map<String, Object> globals = map(map(root.get("Globals")).get("Function"));
        List<FunctionDef> result = new ArrayList<>();
        resourcesOfType("AWS::Serverless::Function").forEach((id, resource) -> {
            Map<String, Object> props = new LinkedHashMap<>(globals);
            props.putAll(map(resource.get("Properties")));
            Map<String, Object> env =
                    new LinkedHashMap<>(map(map(globals.get("Environment")).get("Variables")));
            env.putAll(
                    map(map(map(resource.get("Properties")).get("Environment")).get("Variables")));
            List<FunctionEvent> events = new ArrayList<>();
            map(props.get("Events")).forEach((name, e) -> {
                Map<String, Object> event = map(e);
                events.add(new FunctionEvent(name, String.valueOf(event.get("Type")), map(event.get("Properties"))));
            });
            result.add(new FunctionDef(
                    id, String.valueOf(props.get("Handler")), props.get("CodeUri"), env, events, props));
        });
        return result;
    }

    public Optional<FunctionDef> function(String logicalId) {
        return functions().stream().filter(f -> f.logicalId().equals(logicalId)).findFirst();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
