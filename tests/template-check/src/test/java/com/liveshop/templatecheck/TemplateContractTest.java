package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import dev.samlocal.core.LocalAws;
import dev.samlocal.template.SamTemplate;
import dev.samlocal.template.SamTemplate.FunctionDef;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * template.yaml against the code: each function's Handler exists, implements RequestHandler with the event types its
 * events deliver, serves exactly the HTTP routes the template sends it, and can be constructed from nothing but the
 * environment the template gives it. Written over the template, not over a list of handlers.
 */
class TemplateContractTest {

    private static final Pattern CODE_URI = Pattern.compile("functions/([a-z0-9-]+)/target/([a-z0-9-]+)\\.jar");
    private static final Set<String> SCHEDULE_EVENTS = Set.of("Schedule", "ScheduleV2");

    private static SamTemplate template;

    @BeforeAll
    static void load() {
        template = TemplateSupport.template();
    }

    static Stream<String> functions() {
        return TemplateSupport.template().functions().stream().map(FunctionDef::logicalId);
    }

    private static FunctionDef function(String logicalId) {
        return template.function(logicalId).orElseThrow();
    }

    private static Class<?> handlerClass(FunctionDef function) {
        String handler = function.handler();
        String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
        try {
            return Class.forName(className);
        } catch (ClassNotFoundException e) {
            return fail(
                    "%s: Handler class %s does not exist (template Handler '%s')",
                    function.logicalId(), className, handler);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void handlerImplementsRequestHandlerWithTheTypesItsEventsDeliver(String logicalId) {
        FunctionDef function = function(logicalId);
        assertThat(function.handler()).as("%s Handler", logicalId).matches("[\\w.$]+::handleRequest");
        Class<?> handler = handlerClass(function);
        assertThat(RequestHandler.class.isAssignableFrom(handler))
                .as("%s implements com.amazonaws.services.lambda.runtime.RequestHandler", handler.getName())
                .isTrue();
        assertThat(Modifier.isAbstract(handler.getModifiers()))
                .as("%s is abstract", handler.getName())
                .isFalse();
        HandlerTypes.Binding binding =
                HandlerTypes.requestHandlerBinding(handler).orElseThrow();
        Class<?> input = HandlerTypes.rawClass(binding.input());
        Class<?> output = HandlerTypes.rawClass(binding.output());

        Set<String> types = new TreeSet<>();
        function.events().forEach(e -> types.add(e.type()));
        for (String type : types) {
            if (type.equals("HttpApi")) {
                assertThat(input)
                        .as("%s: HttpApi events need RequestHandler<APIGatewayV2HTTPEvent, …>", logicalId)
                        .isEqualTo(APIGatewayV2HTTPEvent.class);
                assertThat(output)
                        .as("%s: HttpApi payload v2.0 needs …, APIGatewayV2HTTPResponse>", logicalId)
                        .isEqualTo(APIGatewayV2HTTPResponse.class);
                assertThat(ApiHandler.class)
                        .as("%s routes by route key", handler.getName())
                        .isAssignableFrom(handler);
            } else if (SCHEDULE_EVENTS.contains(type)) {
                assertThat(input)
                        .as("%s: %s events need RequestHandler<ScheduledEvent, …>", logicalId, type)
                        .isEqualTo(ScheduledEvent.class);
            } else if (type.equals("EventBridgeRule")) {
                assertThat(input)
                        .as("%s: EventBridgeRule events need RequestHandler<ScheduledEvent or Map, …>", logicalId)
                        .isIn(ScheduledEvent.class, Map.class);
            } else if (type.equals("DynamoDB")) {
                assertThat(input)
                        .as("%s: DynamoDB stream events need RequestHandler<DynamodbEvent, …>", logicalId)
                        .isEqualTo(com.amazonaws.services.lambda.runtime.events.DynamodbEvent.class);
            } else if (type.equals("SQS")) {
                assertThat(input)
                        .as("%s: SQS events need RequestHandler<SQSEvent, …>", logicalId)
                        .isEqualTo(com.amazonaws.services.lambda.runtime.events.SQSEvent.class);
                assertThat(output)
                        .as("%s: ReportBatchItemFailures needs …, SQSBatchResponse>", logicalId)
                        .isEqualTo(com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.class);
            } else {
                fail(
                        "%s: event type %s is not covered by this contract test yet; add its input type here",
                        logicalId, type);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void handlerConstructsFromTheTemplateEnvironmentAlone(String logicalId) {
        FunctionDef function = function(logicalId);
        Map<String, String> environment = TemplateSupport.resolvedEnvironment(template, function);
        Object handler = construct(function, TemplateSupport.handlerSettings(environment));
        assertThat(handler).isNotNull();
    }

    /** Proves the construction check bites: without its environment a handler names the variable it lacks. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void aHandlerWithoutItsEnvironmentNamesAVariableTheTemplateDefinesForIt(String logicalId) {
        FunctionDef function = function(logicalId);
        Constructor<?> constructor = appConfigConstructor(function);
        try {
            constructor.newInstance(new AppConfig(TemplateSupport.handlerSettings(Map.of())));
        } catch (InvocationTargetException e) {
            String message = String.valueOf(e.getCause().getMessage());
            assertThat(function.environment().keySet())
                    .as(
                            "%s without environment failed with '%s': the variable it names "
                                    + "must be one the template defines for it",
                            logicalId, message)
                    .anyMatch(message::contains);
        } catch (ReflectiveOperationException e) {
            fail("%s: cannot construct %s: %s", logicalId, function.handler(), e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void httpRoutesOfTheTemplateAndOfTheHandlerAreTheSame(String logicalId) {
        FunctionDef function = function(logicalId);
        Object handler = construct(
                function, TemplateSupport.handlerSettings(TemplateSupport.resolvedEnvironment(template, function)));
        Set<String> templateRoutes = new TreeSet<>(function.routeKeys());
        if (handler instanceof ApiHandler api) {
            Set<String> handlerRoutes = new TreeSet<>(api.routeKeys());
            assertThat(templateRoutes)
                    .as(
                            "%s: routes in template.yaml with no route in %s",
                            logicalId, handler.getClass().getName())
                    .isSubsetOf(handlerRoutes);
            assertThat(handlerRoutes)
                    .as(
                            "%s: routes %s serves that template.yaml does not send to it",
                            logicalId, handler.getClass().getName())
                    .isSubsetOf(templateRoutes);
            assertThat(handlerRoutes)
                    .as("%s serves no route", handler.getClass().getName())
                    .isNotEmpty();
        } else {
            assertThat(templateRoutes)
                    .as("%s has HttpApi routes but its handler is no ApiHandler", logicalId)
                    .isEmpty();
        }
    }

    /**
     * One real-time path: live frames are AppSync Events publishes (one call reaches every subscriber). No WebSocket
     * API, no @connections permission (a call per viewer per frame), and a function that may publish does it to
     * namespaces of this template only.
     */
    @Test
    void theOnlyRealTimePathIsAppSyncEventsWithNoCallPerViewer() {
        assertThat(template.resourcesOfType("AWS::Serverless::WebSocketApi")).isEmpty();
        assertThat(template.resourcesOfType("AWS::ApiGatewayV2::Api")).isEmpty();
        for (FunctionDef function : template.functions()) {
            String policies =
                    String.valueOf(template.properties(function.logicalId()).get("Policies"));
            assertThat(policies)
                    .as("%s may call @connections", function.logicalId())
                    .doesNotContain("execute-api:ManageConnections")
                    .doesNotContain("@connections");
            Map<String, Object> env = SamTemplate.map(
                    SamTemplate.map(template.properties(function.logicalId()).get("Environment"))
                            .get("Variables"));
            if (policies.contains("appsync:EventPublish")) {
                assertThat(env)
                        .as("%s publishes: it needs EVENTS_HTTP_ENDPOINT", function.logicalId())
                        .containsKey("EVENTS_HTTP_ENDPOINT");
            }
            if (env.containsKey("EVENTS_HTTP_ENDPOINT")) {
                assertThat(policies)
                        .as("%s has the endpoint but may not publish", function.logicalId())
                        .contains("appsync:EventPublish");
            }
        }
    }

    /**
     * A namespace whose channels carry one buyer's data ({@code carts}) must not take the public API key for subscribe:
     * the key would allow {@code /carts/*}. Its subscribe goes through the Lambda authorizer only.
     */
    @Test
    void oneBuyersChannelsAreSubscribedThroughTheLambdaAuthorizerOnly() {
        Map<String, Object> carts = template.resourcesOfType("AWS::AppSync::ChannelNamespace").values().stream()
                .map(r -> SamTemplate.map(r.get("Properties")))
                .filter(p -> "carts".equals(p.get("Name")))
                .findFirst()
                .orElseThrow();
        assertThat(SamTemplate.list(carts.get("SubscribeAuthModes")))
                .extracting(m -> SamTemplate.map(m).get("AuthType"))
                .containsExactly("AWS_LAMBDA");
        assertThat(template.function("ChannelAuthorizerFunction"))
                .get()
                .extracting(FunctionDef::handler)
                .isEqualTo("com.liveshop.chat.ChannelAuthorizer::handleRequest");
    }

    @Test
    void everyRouteGoesToOneFunctionOnTheDeclaredApiWithADeclaredAuthorizer() {
        Map<String, String> owner = new HashMap<>();
        Map<String, Object> resources = template.resources();
        for (FunctionDef function : template.functions()) {
            for (SamTemplate.FunctionEvent event : function.events()) {
                if (!event.type().equals("HttpApi")) {
                    continue;
                }
                Map<String, Object> props = event.properties();
                assertThat(props.get("Method"))
                        .as("%s.%s Method", function.logicalId(), event.name())
                        .isNotNull();
                assertThat(String.valueOf(props.get("Path")))
                        .as("%s.%s Path", function.logicalId(), event.name())
                        .startsWith("/");
                String apiId =
                        String.valueOf(SamTemplate.map(props.get("ApiId")).get("Ref"));
                assertThat(SamTemplate.map(resources.get(apiId)).get("Type"))
                        .as("%s.%s ApiId must Ref an AWS::Serverless::HttpApi", function.logicalId(), event.name())
                        .isEqualTo("AWS::Serverless::HttpApi");
                String authorizer = (String) SamTemplate.map(props.get("Auth")).get("Authorizer");
                if (authorizer != null && !authorizer.equals("NONE")) {
                    Map<String, Object> authorizers = SamTemplate.map(
                            SamTemplate.map(template.properties(apiId).get("Auth"))
                                    .get("Authorizers"));
                    assertThat(authorizers)
                            .as("%s.%s uses authorizer %s", function.logicalId(), event.name(), authorizer)
                            .containsKey(authorizer);
                }
                String routeKey = String.valueOf(props.get("Method")).toUpperCase() + " " + props.get("Path");
                String previous = owner.put(routeKey, function.logicalId());
                assertThat(previous)
                        .as("route %s is sent to both %s and %s", routeKey, previous, function.logicalId())
                        .isNull();
            }
        }
        assertThat(owner).isNotEmpty();
    }

    @Test
    void everyReferenceNamesADeclaredResourceParameterOrCondition() {
        Map<String, Object> raw = template.raw();
        Set<String> resources = new HashSet<>(template.resources().keySet());
        // SAM's generated names: "!Ref F.Alias" is the alias of a function with AutoPublishAlias (here or in Globals).
        boolean globalAlias = SamTemplate.map(
                        SamTemplate.map(raw.get("Globals")).get("Function"))
                .containsKey("AutoPublishAlias");
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, resource) -> {
            if (globalAlias || SamTemplate.map(resource.get("Properties")).containsKey("AutoPublishAlias")) {
                resources.add(id + ".Alias");
            }
        });
        Set<String> parameters = SamTemplate.map(raw.get("Parameters")).keySet();
        Set<String> conditions = SamTemplate.map(raw.get("Conditions")).keySet();
        List<String> problems = new ArrayList<>();
        for (String section : List.of("Globals", "Resources", "Outputs", "Conditions")) {
            checkReferences(section, raw.get(section), resources, parameters, conditions, Set.of(), problems);
        }
        assertThat(problems)
                .as("references to names template.yaml does not declare")
                .isEmpty();
    }

    @Test
    void theReferenceCheckCatchesAnUndeclaredName() {
        List<String> problems = new ArrayList<>();
        Map<String, Object> broken = Map.of(
                "Variables",
                Map.of(
                        "A", Map.of("Ref", "NoSuchTable"),
                        "B", Map.of("Fn::GetAtt", List.of("NoSuchQueue", "Arn")),
                        "C", Map.of("Fn::Sub", "${NoSuchParam}-${AWS::Region}")));
        checkReferences(
                "Environment", broken, Set.of("CatalogTable"), Set.of("StageName"), Set.of(), Set.of(), problems);
        assertThat(problems)
                .hasSize(3)
                .anyMatch(p -> p.contains("NoSuchTable"))
                .anyMatch(p -> p.contains("NoSuchQueue"))
                .anyMatch(p -> p.contains("NoSuchParam"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void codeUriIsTheShadedJarOfTheModuleHoldingTheHandler(String logicalId) throws Exception {
        FunctionDef function = function(logicalId);
        String codeUri = String.valueOf(function.codeUri());
        Matcher m = CODE_URI.matcher(codeUri);
        assertThat(m.matches())
                .as("%s CodeUri %s is functions/<module>/target/<module>.jar", logicalId, codeUri)
                .isTrue();
        assertThat(m.group(2))
                .as("%s CodeUri jar is named after its module", logicalId)
                .isEqualTo(m.group(1));
        Path module = TemplateSupport.repoRoot().resolve("functions").resolve(m.group(1));
        Path pom = module.resolve("pom.xml");
        assertThat(pom).as("%s: module of CodeUri %s", logicalId, codeUri).exists();
        assertThat(shadeFinalNames(pom))
                .as("%s: maven-shade-plugin finalName in %s", logicalId, pom)
                .contains(m.group(1));
        String handlerClass = function.handler().substring(0, function.handler().indexOf("::"));
        Path source = module.resolve("src/main/java").resolve(handlerClass.replace('.', '/') + ".java");
        assertThat(Files.exists(source))
                .as("%s: handler %s lives in %s (the jar CodeUri deploys)", logicalId, handlerClass, module)
                .isTrue();
    }

    private static List<String> shadeFinalNames(Path pom) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var document = factory.newDocumentBuilder().parse(pom.toFile());
        List<String> names = new ArrayList<>();
        NodeList plugins = document.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            NodeList artifact = plugin.getElementsByTagName("artifactId");
            if (artifact.getLength() > 0
                    && artifact.item(0).getTextContent().trim().equals("maven-shade-plugin")) {
                NodeList finalNames = plugin.getElementsByTagName("finalName");
                for (int j = 0; j < finalNames.getLength(); j++) {
                    names.add(finalNames.item(j).getTextContent().trim());
                }
            }
        }
        return names;
    }

    private static Constructor<?> appConfigConstructor(FunctionDef function) {
        Class<?> handler = handlerClass(function);
        try {
            handler.getConstructor();
        } catch (NoSuchMethodException e) {
            fail("%s has no public no-arg constructor, which the Lambda runtime needs", handler.getName());
        }
        try {
            return handler.getConstructor(AppConfig.class);
        } catch (NoSuchMethodException e) {
            return fail("%s has no public (AppConfig) constructor", handler.getName());
        }
    }

    private static Object construct(FunctionDef function, Map<String, String> settings) {
        Constructor<?> constructor = appConfigConstructor(function);
        try {
            return constructor.newInstance(new AppConfig(settings));
        } catch (InvocationTargetException e) {
            return fail(
                    "%s cannot start with the environment template.yaml gives it %s: %s",
                    function.logicalId(), withoutCredentials(settings).keySet(), e.getCause());
        } catch (ReflectiveOperationException e) {
            return fail("%s: cannot construct %s: %s", function.logicalId(), function.handler(), e);
        }
    }

    private static Map<String, String> withoutCredentials(Map<String, String> settings) {
        Map<String, String> shown = new HashMap<>(settings);
        LocalAws.settings(Map.of()).keySet().forEach(shown::remove);
        shown.remove("AWS_ENDPOINT_URL");
        return new java.util.TreeMap<>(shown);
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

    static void checkReferences(
            String where,
            Object node,
            Set<String> resources,
            Set<String> parameters,
            Set<String> conditions,
            Set<String> localVariables,
            List<String> problems) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                var entry = map.entrySet().iterator().next();
                String key = String.valueOf(entry.getKey());
                Object arg = entry.getValue();
                switch (key) {
                    case "Ref" -> {
                        String name = String.valueOf(arg);
                        if (!resources.contains(name)
                                && !parameters.contains(name)
                                && !TemplateSupport.PSEUDO_PARAMETERS.contains(name)) {
                            problems.add(where + ": Ref " + name);
                        }
                        return;
                    }
                    case "Fn::GetAtt" -> {
                        String name = String.valueOf(
                                SamTemplate.list(arg).isEmpty()
                                        ? arg
                                        : SamTemplate.list(arg).get(0));
                        if (!resources.contains(name)) {
                            problems.add(where + ": Fn::GetAtt " + name);
                        }
                        return;
                    }
                    case "Fn::Sub" -> {
                        String text = arg instanceof List<?> list ? String.valueOf(list.get(0)) : String.valueOf(arg);
                        Set<String> locals = new HashSet<>(localVariables);
                        if (arg instanceof List<?> list && list.size() > 1) {
                            locals.addAll(SamTemplate.map(list.get(1)).keySet());
                            checkReferences(
                                    where, list.get(1), resources, parameters, conditions, localVariables, problems);
                        }
                        Matcher m = SUB_VARIABLE.matcher(text);
                        while (m.find()) {
                            String name = m.group(1).split("\\.", 2)[0];
                            boolean attribute = m.group(1).contains(".");
                            boolean known = locals.contains(m.group(1))
                                    || resources.contains(name)
                                    || (!attribute
                                            && (parameters.contains(name)
                                                    || TemplateSupport.PSEUDO_PARAMETERS.contains(name)));
                            if (!known) {
                                problems.add(where + ": Fn::Sub ${" + m.group(1) + "}");
                            }
                        }
                        return;
                    }
                    case "Fn::If" -> {
                        List<Object> args = SamTemplate.list(arg);
                        if (!conditions.contains(String.valueOf(args.get(0)))) {
                            problems.add(where + ": Fn::If condition " + args.get(0));
                        }
                        args.stream()
                                .skip(1)
                                .forEach(a -> checkReferences(
                                        where, a, resources, parameters, conditions, localVariables, problems));
                        return;
                    }
                    case "Condition" -> {
                        if (arg instanceof String name && !conditions.contains(name)) {
                            problems.add(where + ": Condition " + name);
                        }
                        return;
                    }
                    default -> {}
                }
            }
            map.forEach((k, v) ->
                    checkReferences(where + "." + k, v, resources, parameters, conditions, localVariables, problems));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkReferences(
                        where + "[" + i + "]",
                        list.get(i),
                        resources,
                        parameters,
                        conditions,
                        localVariables,
                        problems);
            }
        }
    }
}
