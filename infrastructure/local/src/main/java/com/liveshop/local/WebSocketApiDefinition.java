package com.liveshop.local;

import com.liveshop.testkit.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket API of the template, as API Gateway would deploy it: its routes (route key → function),
 * route selection expression, stage and {@code $connect} authorization. Read from SAM's
 * {@code AWS::Serverless::WebSocketApi} (Routes / RouteSelectionExpression / StageName / Auth) and from plain
 * {@code AWS::ApiGatewayV2::Api} resources with ProtocolType WEBSOCKET plus their Route and Integration resources.
 *
 * @param apiId     the local API id (lower-case logical id), sent as {@code requestContext.apiId}
 * @param stage     SAM's default stage of a WebSocketApi is {@code default}
 * @param connectAuth NONE, AWS_IAM or CUSTOM (with {@code authorizer}); only $connect is authorized, as in AWS
 */
public record WebSocketApiDefinition(String logicalId, String apiId, String stage, String routeSelectionExpression,
                                     Map<String, Route> routes, String connectAuth, LocalFunction authorizer,
                                     List<String> identitySources) {

    /**
     * @param twoWay the route has a RouteResponseSelectionExpression: the integration's body goes back to the caller
     */
    public record Route(String routeKey, LocalFunction function, boolean twoWay) {}

    public static final String CONNECT = "$connect";
    public static final String DISCONNECT = "$disconnect";
    public static final String DEFAULT = "$default";
    /** SAM's stage name for a WebSocketApi without StageName (not HTTP's {@code $default}). */
    public static final String SAM_DEFAULT_STAGE = "default";

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketApiDefinition.class);
    private static final Pattern BODY_EXPRESSION = Pattern.compile("^\\$\\{?request\\.body\\.([A-Za-z0-9_.\\-]+)}?$");

    public Optional<Route> route(String routeKey) {
        return Optional.ofNullable(routes.get(routeKey));
    }

    /** The JSON path of {@code $request.body.<path>} as field names, empty if the expression is of another kind. */
    public List<String> selectionPath() {
        Matcher m = BODY_EXPRESSION.matcher(routeSelectionExpression == null ? "" : routeSelectionExpression.strip());
        return m.matches() ? List.of(m.group(1).split("\\.")) : List.of();
    }

    /** Every WebSocket API of the template, SAM's first, then plain ApiGatewayV2 ones, in template order. */
    public static List<WebSocketApiDefinition> fromTemplate(TemplateFunctions template, List<LocalFunction> functions) {
        Map<String, LocalFunction> byId = new LinkedHashMap<>();
        functions.forEach(f -> byId.put(f.logicalId(), f));
        List<WebSocketApiDefinition> apis = new ArrayList<>();
        template.template().resourcesOfType("AWS::Serverless::WebSocketApi").forEach((id, resource) ->
                apis.add(fromSam(template, byId, id, SamTemplate.map(resource.get("Properties")))));
        template.template().resourcesOfType("AWS::ApiGatewayV2::Api").forEach((id, resource) -> {
            Map<String, Object> props = SamTemplate.map(resource.get("Properties"));
            if ("WEBSOCKET".equalsIgnoreCase(String.valueOf(props.get("ProtocolType")))) {
                apis.add(fromApiGatewayV2(template, byId, id, props));
            }
        });
        return apis;
    }

    private static WebSocketApiDefinition fromSam(TemplateFunctions template, Map<String, LocalFunction> functions,
                                                  String id, Map<String, Object> props) {
        Map<String, Route> routes = new LinkedHashMap<>();
        SamTemplate.map(props.get("Routes")).forEach((key, spec) -> {
            Map<String, Object> route = SamTemplate.map(spec);
            function(template, functions, route.get("FunctionArn"), id + " route " + key).ifPresent(f ->
                    routes.put(key, new Route(key, f, route.get("RouteResponseSelectionExpression") != null)));
        });
        Map<String, Object> auth = SamTemplate.map(props.get("Auth"));
        String authType = String.valueOf(auth.getOrDefault("AuthType", "NONE")).toUpperCase(Locale.ROOT);
        LocalFunction authorizer = authType.equals("CUSTOM")
                ? function(template, functions, auth.get("AuthArn"), id + " authorizer").orElse(null) : null;
        List<String> identitySources = new ArrayList<>();
        Object sources = auth.get("IdentitySource");
        if (sources instanceof List<?> list) {
            list.forEach(s -> identitySources.add(template.resolve(s)));
        } else if (sources != null) {
            for (String s : template.resolve(sources).split(",")) {
                identitySources.add(s.strip());
            }
        }
        String stage = props.get("StageName") == null ? SAM_DEFAULT_STAGE : template.resolve(props.get("StageName"));
        return new WebSocketApiDefinition(id, id.toLowerCase(Locale.ROOT), stage,
                template.resolve(props.getOrDefault("RouteSelectionExpression", "$request.body.action")),
                routes, authType, authorizer, identitySources);
    }

    private static WebSocketApiDefinition fromApiGatewayV2(TemplateFunctions template, Map<String, LocalFunction> functions,
                                                           String id, Map<String, Object> props) {
        Map<String, Route> routes = new LinkedHashMap<>();
        template.template().resourcesOfType("AWS::ApiGatewayV2::Route").forEach((routeId, resource) -> {
            Map<String, Object> route = SamTemplate.map(resource.get("Properties"));
            if (!id.equals(template.resolve(route.get("ApiId")))) {
                return;
            }
            String key = template.resolve(route.get("RouteKey"));
            String target = template.resolve(route.get("Target"));
            String integrationId = target == null ? null : target.substring(target.lastIndexOf('/') + 1);
            Map<String, Object> integration = template.template().properties(integrationId);
            function(template, functions, integration.get("IntegrationUri"), id + " route " + key).ifPresent(f ->
                    routes.put(key, new Route(key, f, route.get("RouteResponseSelectionExpression") != null)));
        });
        String stage = template.template().resourcesOfType("AWS::ApiGatewayV2::Stage").values().stream()
                .map(s -> SamTemplate.map(s.get("Properties")))
                .filter(p -> id.equals(template.resolve(p.get("ApiId"))))
                .map(p -> template.resolve(p.get("StageName")))
                .findFirst().orElse(SAM_DEFAULT_STAGE);
        if (routes.values().stream().anyMatch(r -> r.routeKey().equals(CONNECT))) {
            template.template().resourcesOfType("AWS::ApiGatewayV2::Authorizer").keySet().stream().findFirst().ifPresent(a ->
                    LOG.warn("{}: AWS::ApiGatewayV2::Authorizer {} is not emulated locally; $connect is not authorized", id, a));
        }
        return new WebSocketApiDefinition(id, id.toLowerCase(Locale.ROOT), stage,
                template.resolve(props.getOrDefault("RouteSelectionExpression", "$request.body.action")),
                routes, "NONE", null, List.of());
    }

    /**
     * The function an ARN-ish value names: {@code !GetAtt Fn.Arn}, {@code !Ref Fn}, an ARN with {@code :function:Fn},
     * or an integration URI {@code arn:aws:apigateway:…:lambda:path/2015-03-31/functions/<arn>/invocations}.
     */
    private static Optional<LocalFunction> function(TemplateFunctions template, Map<String, LocalFunction> functions,
                                                    Object value, String what) {
        String resolved = template.resolve(value);
        String id = resolved;
        if (resolved != null && resolved.contains(":function:")) {
            id = resolved.substring(resolved.indexOf(":function:") + ":function:".length());
            id = id.split("[/:]", 2)[0];
        }
        LocalFunction function = id == null ? null : functions.get(id);
        if (function == null) {
            LOG.warn("{} names {}, which is not a function of the template; not served locally", what, resolved);
        }
        return Optional.ofNullable(function);
    }
}
