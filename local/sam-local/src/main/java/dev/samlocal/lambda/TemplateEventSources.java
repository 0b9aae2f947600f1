package dev.samlocal.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.apigw.CorsPolicy;
import dev.samlocal.apigw.HttpRoutes;
import dev.samlocal.core.Json;
import dev.samlocal.dynamodb.streams.StreamEventSource;
import dev.samlocal.eventbridge.EventFilter;
import dev.samlocal.eventbridge.LocalEventBridge;
import dev.samlocal.eventbridge.LocalScheduler;
import dev.samlocal.sqs.SqsEventSource;
import dev.samlocal.template.SamTemplate;
import dev.samlocal.template.SamTemplate.FunctionEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the template's event sources into the local emulators: HttpApi events into routes (with each route's JWT
 * authorizer), EventBridgeRule / CloudWatchEvent events and AWS::Events::Rule resources into EventBridge rules,
 * Schedule / ScheduleV2 events and scheduled rules into local schedules, DynamoDB and SQS events into event source
 * mappings.
 */
public final class TemplateEventSources {

    private static final Logger LOG = LoggerFactory.getLogger(TemplateEventSources.class);

    private final TemplateFunctions template;
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();

    public TemplateEventSources(TemplateFunctions template, List<LocalFunction> functions) {
        this.template = template;
        functions.forEach(f -> this.functions.put(f.logicalId(), f));
    }

    /** Names of the JWT authorizers the HTTP APIs declare (all verified by the local authorizer). */
    public Set<String> jwtAuthorizerNames() {
        Set<String> names = new java.util.LinkedHashSet<>();
        template.template()
                .resourcesOfType("AWS::Serverless::HttpApi")
                .forEach((id, api) -> SamTemplate.map(SamTemplate.map(
                                        SamTemplate.map(api.get("Properties")).get("Auth"))
                                .get("Authorizers"))
                        .forEach((name, a) -> {
                            if (SamTemplate.map(a).containsKey("JwtConfiguration")) {
                                names.add(name);
                            }
                        }));
        return names;
    }

    /** The CORS policy of the (first) HTTP API that has one. */
    public Optional<CorsPolicy> cors() {
        return template.template().resourcesOfType("AWS::Serverless::HttpApi").values().stream()
                .map(api -> SamTemplate.map(api.get("Properties")).get("CorsConfiguration"))
                .filter(c -> c != null)
                .map(c -> CorsPolicy.from(c, template))
                .findFirst();
    }

    public HttpRoutes httpRoutes() {
        HttpRoutes routes = new HttpRoutes();
        for (LocalFunction function : functions.values()) {
            for (FunctionEvent event : function.eventsOfType("HttpApi")) {
                Map<String, Object> props = event.properties();
                String method =
                        String.valueOf(props.getOrDefault("Method", "ANY")).toUpperCase(java.util.Locale.ROOT);
                String path = String.valueOf(props.getOrDefault("Path", "$default"));
                String routeKey = path.equals("$default")
                        ? "$default"
                        : (method.equals("X-AMAZON-APIGATEWAY-ANY-METHOD") ? "ANY" : method) + " " + path;
                routes.add(new HttpRoutes.Route(routeKey, method, path, function, authorizerOf(props)));
            }
        }
        return routes;
    }

    /** The route's authorizer: its own Auth.Authorizer, else the API's DefaultAuthorizer; NONE = public. */
    private String authorizerOf(Map<String, Object> eventProps) {
        Object own = SamTemplate.map(eventProps.get("Auth")).get("Authorizer");
        String name = own != null
                ? String.valueOf(own)
                : apiOf(eventProps)
                        .map(api -> SamTemplate.map(
                                        SamTemplate.map(api.get("Properties")).get("Auth"))
                                .get("DefaultAuthorizer"))
                        .map(String::valueOf)
                        .orElse(null);
        return name == null || name.equals("NONE") ? null : name;
    }

    private Optional<Map<String, Object>> apiOf(Map<String, Object> eventProps) {
        Object apiId = eventProps.get("ApiId");
        String id = apiId instanceof Map<?, ?> ref && ref.get("Ref") != null ? String.valueOf(ref.get("Ref")) : null;
        Map<String, Map<String, Object>> apis = template.template().resourcesOfType("AWS::Serverless::HttpApi");
        return Optional.ofNullable(id != null ? apis.get(id) : null);
    }

    public void addRules(LocalEventBridge bridge) {
        for (LocalFunction function : functions.values()) {
            for (FunctionEvent event : function.eventsOfType("EventBridgeRule", "CloudWatchEvent")) {
                Map<String, Object> props = event.properties();
                if (props.get("Pattern") == null || isDisabled(props)) {
                    continue;
                }
                String bus = LocalEventBridge.busName(Optional.ofNullable(template.resolve(props.get("EventBusName")))
                        .orElse(TemplateFunctions.DEFAULT_BUS));
                String id = function.logicalId() + "-" + event.name();
                bridge.addRule(new LocalEventBridge.Rule(
                        id, bus, pattern(id, props.get("Pattern")), function, input(props.get("Input"))));
            }
        }
        template.template().resourcesOfType("AWS::Events::Rule").forEach((id, resource) -> {
            Map<String, Object> props = SamTemplate.map(resource.get("Properties"));
            if (props.get("EventPattern") == null || "DISABLED".equals(props.get("State"))) {
                return;
            }
            String bus = LocalEventBridge.busName(Optional.ofNullable(template.resolve(props.get("EventBusName")))
                    .orElse(TemplateFunctions.DEFAULT_BUS));
            for (Object t : SamTemplate.list(props.get("Targets"))) {
                Map<String, Object> target = SamTemplate.map(t);
                targetFunction(target.get("Arn"))
                        .ifPresentOrElse(
                                f -> bridge.addRule(new LocalEventBridge.Rule(
                                        id,
                                        bus,
                                        pattern(id, props.get("EventPattern")),
                                        f,
                                        input(target.get("Input")))),
                                () -> LOG.warn(
                                        "Rule {} targets {}, which is not a function of the template; "
                                                + "not routed locally",
                                        id,
                                        target.get("Arn")));
            }
        });
    }

    public void addSchedules(LocalScheduler scheduler) {
        for (LocalFunction function : functions.values()) {
            for (FunctionEvent event : function.eventsOfType("Schedule", "ScheduleV2")) {
                Map<String, Object> props = event.properties();
                if (isDisabled(props)) {
                    continue;
                }
                String source = event.type().equals("ScheduleV2") ? "aws.scheduler" : "aws.events";
                scheduler.add(new LocalScheduler.Schedule(
                        template.stackName() + "-" + function.logicalId() + "-" + event.name(),
                        template.resolve(props.get("ScheduleExpression")),
                        function,
                        source,
                        input(props.get("Input"))));
            }
        }
        template.template().resourcesOfType("AWS::Events::Rule").forEach((id, resource) -> {
            Map<String, Object> props = SamTemplate.map(resource.get("Properties"));
            if (props.get("ScheduleExpression") == null || "DISABLED".equals(props.get("State"))) {
                return;
            }
            for (Object t : SamTemplate.list(props.get("Targets"))) {
                Map<String, Object> target = SamTemplate.map(t);
                targetFunction(target.get("Arn"))
                        .ifPresent(f -> scheduler.add(new LocalScheduler.Schedule(
                                template.stackName() + "-" + id,
                                template.resolve(props.get("ScheduleExpression")),
                                f,
                                "aws.events",
                                input(target.get("Input")))));
            }
        });
    }

    /** Every enabled {@code Type: DynamoDB} event, with Lambda's defaults for what the template leaves out. */
    public List<StreamEventSource> streamSources() {
        List<StreamEventSource> sources = new java.util.ArrayList<>();
        for (LocalFunction function : functions.values()) {
            for (FunctionEvent event : function.eventsOfType("DynamoDB")) {
                Map<String, Object> props = event.properties();
                if (isDisabled(props)) {
                    continue;
                }
                String id = function.logicalId() + "-" + event.name();
                List<JsonNode> filters = SamTemplate.list(
                                SamTemplate.map(template.resolveStructure(props.get("FilterCriteria")))
                                        .get("Filters"))
                        .stream()
                        .map(f -> json(SamTemplate.map(f).get("Pattern")))
                        .toList();
                List<Object> responseTypes = SamTemplate.list(props.get("FunctionResponseTypes"));
                sources.add(new StreamEventSource(
                        id,
                        function,
                        template.resolve(props.get("Stream")),
                        String.valueOf(template.resolve(props.getOrDefault("StartingPosition", "LATEST"))),
                        intOf(props, "BatchSize", StreamEventSource.DEFAULT_BATCH_SIZE),
                        intOf(props, "MaximumBatchingWindowInSeconds", 0),
                        eventFilter(id, filters),
                        responseTypes.contains("ReportBatchItemFailures"),
                        intOf(props, "MaximumRetryAttempts", -1),
                        Boolean.parseBoolean(String.valueOf(
                                template.resolve(props.getOrDefault("BisectBatchOnFunctionError", false))))));
            }
        }
        return sources;
    }

    /** Every enabled {@code Type: SQS} event, with Lambda's defaults for what the template leaves out. */
    public List<SqsEventSource> sqsSources() {
        List<SqsEventSource> sources = new java.util.ArrayList<>();
        for (LocalFunction function : functions.values()) {
            for (FunctionEvent event : function.eventsOfType("SQS")) {
                Map<String, Object> props = event.properties();
                if (isDisabled(props)) {
                    continue;
                }
                Map<String, Object> scaling = SamTemplate.map(props.get("ScalingConfig"));
                sources.add(new SqsEventSource(
                        function.logicalId() + "-" + event.name(),
                        function,
                        template.resolve(props.get("Queue")),
                        intOf(props, "BatchSize", SqsEventSource.DEFAULT_BATCH_SIZE),
                        intOf(props, "MaximumBatchingWindowInSeconds", 0),
                        SamTemplate.list(props.get("FunctionResponseTypes")).contains("ReportBatchItemFailures"),
                        intOf(scaling, "MaximumConcurrency", SqsEventSource.DEFAULT_CONCURRENCY)));
            }
        }
        return sources;
    }

    private int intOf(Map<String, Object> props, String name, int fallback) {
        Object value = props.get(name);
        if (value == null) {
            return fallback;
        }
        String text = template.resolve(value);
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got " + text);
        }
    }

    private static boolean isDisabled(Map<String, Object> props) {
        return "false".equalsIgnoreCase(String.valueOf(props.get("Enabled"))) || "DISABLED".equals(props.get("State"));
    }

    /** A target given as !GetAtt Fn.Arn, !Ref Fn or an ARN ending in :function:Fn. */
    private Optional<LocalFunction> targetFunction(Object arn) {
        String id = null;
        if (arn instanceof Map<?, ?> m && m.get("Fn::GetAtt") != null) {
            id = String.valueOf(SamTemplate.list(m.get("Fn::GetAtt")).get(0));
        } else if (arn instanceof Map<?, ?> m && m.get("Ref") != null) {
            id = String.valueOf(m.get("Ref"));
        } else {
            String resolved = template.resolve(arn);
            if (resolved != null && resolved.contains(":function:")) {
                id = resolved.substring(resolved.lastIndexOf(":function:") + ":function:".length());
            }
        }
        return Optional.ofNullable(id == null ? null : functions.get(id));
    }

    private EventFilter pattern(String ruleId, Object pattern) {
        return eventFilter(ruleId, List.of(json(template.resolveStructure(pattern))));
    }

    private static EventFilter eventFilter(String owner, List<JsonNode> patterns) {
        try {
            return new EventFilter(patterns);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(owner + ": " + e.getMessage(), e);
        }
    }

    /** A pattern as the template gives it: JSON text, or YAML structure. */
    private static JsonNode json(Object pattern) {
        return pattern instanceof String s ? readJson(s) : Json.MAPPER.valueToTree(pattern);
    }

    private String input(Object input) {
        return input == null ? null : template.resolve(input);
    }

    private static JsonNode readJson(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("Event pattern is not JSON: " + json, e);
        }
    }
}
