package dev.samlocal;

import dev.samlocal.apigw.HttpApiEmulator;
import dev.samlocal.apigw.PayloadV2EventFactory;
import dev.samlocal.appsync.EventsApiDefinition;
import dev.samlocal.appsync.EventsUsage;
import dev.samlocal.appsync.LocalAppSyncEvents;
import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.core.LocalAws;
import dev.samlocal.core.LocalService;
import dev.samlocal.dynamodb.DynamoDbLocal;
import dev.samlocal.dynamodb.LocalTables;
import dev.samlocal.dynamodb.streams.LocalStreams;
import dev.samlocal.eventbridge.LocalEventBridge;
import dev.samlocal.eventbridge.LocalScheduler;
import dev.samlocal.ivs.LocalIvs;
import dev.samlocal.lambda.LocalFunction;
import dev.samlocal.lambda.TemplateEventSources;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.protocol.JsonErrorHandler;
import dev.samlocal.protocol.LocalJson;
import dev.samlocal.secretsmanager.LocalSecretsManager;
import dev.samlocal.sesv2.LocalSesV2;
import dev.samlocal.spi.DevLayer;
import dev.samlocal.sqs.LocalSqs;
import dev.samlocal.sqs.SqsPoller;
import dev.samlocal.template.SamTemplate;
import dev.samlocal.template.TemplateParameters;
import dev.samlocal.template.TemplateSource;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SAM template in one JVM: DynamoDB Local with the template's tables and streams, every HTTP API route served by the
 * template's own handler classes (payload v2.0, JWT authorizer, CORS), EventBridge rules and schedules, IVS, SQS
 * (ElasticMQ), AppSync Events, Secrets Manager and SES v2, with the {@code /_local} controls. What a project adds for
 * its own local runs comes through its {@link DevLayer}. Close it to stop everything.
 */
public final class SamLocal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SamLocal.class);

    /** A port is taken; the message says which and what to do. */
    public static final class PortInUseException extends RuntimeException {
        public PortInUseException(int port, String option) {
            super("Port " + port + " is already in use — stop what uses it or pass " + option + " <free port>");
        }
    }

    private final DevLayer layer;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Instant startedAt = Instant.now();
    private TemplateSource template;
    private String url;
    private DynamoDbLocal dynamo;
    private JwtAuthorizer jwt;
    private LocalEventBridge eventBridge;
    private LocalIvs ivs;
    private LocalAppSyncEvents events;
    private LocalSecretsManager secretsManager;
    private LocalSesV2 ses;
    private LocalSqs sqs;
    private LocalScheduler scheduler;
    private LocalStreams streams;
    private HttpApiEmulator httpApi;
    private List<LocalFunction> functions = List.of();
    private TemplateFunctions templateFunctions;

    private SamLocal(DevLayer layer) {
        this.layer = layer;
    }

    /**
     * Starts everything; the template's parameters and the ports are checked before anything starts.
     *
     * @throws Options.UsageException for a parameter the template does not declare or does not allow
     * @throws PortInUseException for a taken port
     */
    public static SamLocal start(Options options, DevLayer layer) {
        System.setProperty("aws.ec2MetadataDisabled", "true");
        System.setProperty("aws.region", System.getProperty("aws.region", LocalAws.REGION));
        TemplateSource template = TemplateSource.locate(options.template());
        int httpPort = options.port() == 0 ? DynamoDbLocal.freePort() : options.port();
        Map<String, String> values = new LinkedHashMap<>(options.parameters());
        layer.parameterDefaults(template.template(), selfUrl(options.host(), httpPort))
                .forEach((name, value) -> {
                    if (SamTemplate.map(template.template().raw().get("Parameters"))
                            .containsKey(name)) {
                        values.putIfAbsent(name, value);
                    }
                });
        TemplateParameters parameters = TemplateParameters.of(template.template(), values);
        int dynamoPort = options.dynamoDbPort() == 0 ? DynamoDbLocal.freePort() : options.dynamoDbPort();
        requireFree(httpPort, "--port");
        requireFree(dynamoPort, "--dynamodb-port");
        SamLocal stack = new SamLocal(layer);
        try {
            stack.boot(options, template, parameters, httpPort, dynamoPort);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** The stack's own URL: loopback and wildcard listeners are reached as localhost. */
    private static String selfUrl(String host, int port) {
        return "http://" + (host.equals("127.0.0.1") || host.equals("0.0.0.0") ? "localhost" : host) + ":" + port;
    }

    private void boot(
            Options options, TemplateSource source, TemplateParameters parameters, int httpPort, int dynamoPort) {
        template = source;
        url = selfUrl(options.host(), httpPort);
        Clock clock = Clock.systemUTC();

        dynamo = quietly(() -> DynamoDbLocal.start(options.host(), dynamoPort));
        resources.add(dynamo);
        Map<String, String> tables;
        Map<String, String> streamArns;
        try (var client = dynamo.client()) {
            tables = LocalTables.createAll(client, template.template());
            streamArns = LocalTables.streamArns(client, template.template());
        }

        // ElasticMQ first: the queue URLs the template's !Ref gives carry its port.
        sqs = LocalSqs.start();
        resources.add(sqs);
        Map<String, String> secretValues = new HashMap<>();
        source.template()
                .resourcesOfType("AWS::SecretsManager::Secret")
                .keySet()
                .forEach(id -> secretValues.put(id, layer.firstSecretValues().getOrDefault(id, randomSecret())));
        templateFunctions = new TemplateFunctions(
                template.template(), parameters, tables, streamArns, secretValues, sqs.endpoint(), options.stackName());
        sqs.createQueues(List.copyOf(templateFunctions.queues().values()));
        // The template's secrets with their first values; functions read them at run time (their secret ARNs) and
        // see rotations; a dynamic reference resolves to the first value at "deploy", as CloudFormation does.
        secretsManager = new LocalSecretsManager(
                url,
                templateFunctions.secrets().values().stream()
                        .map(s -> new LocalSecretsManager.SecretDefinition(
                                s.name(), s.arn(), s.description(), secretValues.get(s.logicalId())))
                        .toList(),
                clock);
        jwt = new JwtAuthorizer(url + "/_local/cognito", clock);
        eventBridge = new LocalEventBridge(url, templateFunctions.eventBusNames(), clock);
        resources.add(eventBridge);
        ivs = new LocalIvs(url, eventBridge, templateFunctions.recordingBuckets(), clock);
        resources.add(ivs);
        ses = new LocalSesV2(url, clock);
        List<LocalService> services = new ArrayList<>(List.of(eventBridge, ivs, secretsManager, ses, sqs));
        // The template's AppSync Events API, if it declares one (namespaces and auth modes from the template).
        EventsApiDefinition.fromTemplate(template.template()).ifPresent(api -> {
            events = new LocalAppSyncEvents(url, api, jwt, clock);
            resources.add(events);
            services.add(events);
        });

        Map<String, String> settings = new HashMap<>();
        settings.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint());
        services.forEach(s -> settings.putAll(s.functionSettings()));
        settings.putAll(layer.functionEnvironment(this));
        functions = templateFunctions.instantiate(settings, layer.handlerFactory());
        if (events != null && events.api().lambdaAuthorizerFunction() != null) {
            String authorizerId = events.api().lambdaAuthorizerFunction();
            LocalFunction authorizer = function(authorizerId)
                    .orElseThrow(() -> new IllegalStateException("The AppSync Events AWS_LAMBDA authorizer "
                            + authorizerId + " is not a function of the template"));
            events.lambdaAuthorizer(authorizer::invoke);
        }

        TemplateEventSources sources = new TemplateEventSources(templateFunctions, functions);
        Map<String, JwtAuthorizer> authorizers = new HashMap<>();
        sources.jwtAuthorizerNames().forEach(name -> authorizers.put(name, jwt));
        httpApi = new HttpApiEmulator(
                sources.httpRoutes(),
                authorizers,
                sources.cors().orElse(null),
                new PayloadV2EventFactory(clock),
                () -> layer.edgeRequestHeaders(this),
                layer.responseHeaders(),
                layer::cdnCacheable);
        sources.addRules(eventBridge);
        scheduler = new LocalScheduler(clock);
        resources.add(scheduler);
        sources.addSchedules(scheduler);

        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = options.host();
            config.jetty.port = httpPort;
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.http.maxRequestSize = HttpApiEmulator.MAX_REQUEST_BYTES + 1;
            config.router.ignoreTrailingSlashes = false;
            // First: a request that does not name this stack, or a cross-site write to its controls, goes no further.
            LocalGuard guard = new LocalGuard(options.host());
            config.routes.before(guard::check);
            config.routes.wsBeforeUpgrade(guard::checkUpgrade);
            registerControls(config.routes, services);
            layer.routes(config.routes, this);
            registerErrors(config.routes);
            services.forEach(s -> s.register(config.routes));
            for (HandlerType method : List.of(
                    HandlerType.GET,
                    HandlerType.POST,
                    HandlerType.PUT,
                    HandlerType.PATCH,
                    HandlerType.DELETE,
                    HandlerType.HEAD,
                    HandlerType.OPTIONS)) {
                config.routes.addHttpHandler(method, "/<path>", httpApi::handle);
                config.routes.addHttpHandler(method, "/", httpApi::handle);
            }
        });
        resources.add(app::stop);
        app.start();

        // After the server (functions may call the local services), before the seed (its writes are changes too).
        streams = new LocalStreams(dynamo.endpoint(), streamArns);
        resources.add(streams);
        streams.addAll(sources.streamSources());
        // Stopped before the server stops, so no batch is handed to a function whose services are gone.
        resources.add(sqs::stopMappings);
        sqs.start(sources.sqsSources());

        if (options.seed()) {
            layer.afterStart(this);
        }
        if (options.schedules()) {
            scheduler.start();
        }
        LOG.info(
                "{} routes, {} rules, {} schedules, {} stream event sources, {} queues, {} SQS event sources",
                httpApi.routes().all().size(),
                eventBridge.rules().size(),
                scheduler.schedules().size(),
                streams.sources().size(),
                sqs.queues().size(),
                sqs.sources().size());
    }

    private static void registerErrors(RoutesConfig routes) {
        // A method no route knows (e.g. BREW): Javalin's own 404 is plain text; answer it in the error shape.
        routes.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (type == null || !type.startsWith("application/json")) {
                LocalJson.error(
                        ctx, 404, "NOT_FOUND", "No route for " + ctx.req().getMethod() + " " + ctx.path());
            }
        });
        // A path Javalin's router cannot percent-decode (e.g. "%u002e") throws inside the router, before any
        // handler: a client error in the error shape, not Javalin's plain-text 500.
        routes.exception(IllegalArgumentException.class, (e, ctx) -> {
            if (e.getMessage() != null && e.getMessage().startsWith("URLDecoder:")) {
                LocalJson.error(ctx, 400, "BAD_REQUEST", "The request path has a malformed percent-encoding");
            } else {
                LOG.error("Unhandled error on {} {}", ctx.req().getMethod(), ctx.path(), e);
                LocalJson.error(ctx, 500, "INTERNAL_ERROR", "The local stack failed; see its log");
            }
        });
    }

    /** DynamoDB Local prints a banner on stdout; stdout is for the Ready line. */
    private static <T> T quietly(Supplier<T> action) {
        synchronized (System.class) {
            PrintStream original = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                return action.get();
            } finally {
                System.setOut(original);
            }
        }
    }

    private void registerControls(RoutesConfig routes, List<LocalService> services) {
        routes.get("/_local", ctx -> LocalJson.write(ctx, 200, index(services, ctx.header("Host"))));
        routes.get("/_local/cognito/.well-known/jwks.json", ctx -> LocalJson.write(ctx, 200, jwt.jwks()));
        routes.post("/_local/schedules/{functionId}/run", ctx -> {
            String id = ctx.pathParam("functionId");
            try {
                scheduler
                        .runNow(id)
                        .ifPresentOrElse(
                                result -> ctx.status(200)
                                        .contentType("application/json")
                                        .result(result),
                                () -> LocalJson.error(
                                        ctx, 404, "SCHEDULE_NOT_FOUND", "No schedule targets a function named " + id));
            } catch (LocalFunction.FunctionUnavailable e) {
                LocalJson.error(ctx, 501, "NOT_IMPLEMENTED", e.getMessage());
            } catch (LocalFunction.FunctionError e) {
                LOG.error("Scheduled run of {} failed", id, e.getCause());
                LocalJson.error(ctx, 500, "FUNCTION_ERROR", e.getMessage());
            }
        });
        routes.get("/_local/usage", ctx -> LocalJson.write(ctx, 200, usage()));
    }

    /** {@code host}: the Host the request came in on (LocalGuard let it in): pages reach the events endpoints there. */
    private Map<String, Object> index(List<LocalService> services, String host) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("GET /_local/cognito/.well-known/jwks.json", "the local issuer's public keys");
        endpoints.put("POST /_local/schedules/{FunctionLogicalId}/run", "run a function's schedule now");
        endpoints.put(
                "GET /_local/usage",
                "what AWS would bill or limit on, per service, since the start (API Gateway "
                        + "by route, Lambda by function, AppSync Events in/out/connections, IVS by operation, "
                        + "EventBridge, DynamoDB by operation, CloudFront-eligible public GETs, SQS by operation)");
        endpoints.putAll(layer.endpoints());
        services.forEach(s -> endpoints.putAll(s.describe()));
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("api", url);
        index.put("dynamoDb", dynamoDbEndpoint());
        index.put("template", template.description());
        index.put("issuer", jwt.issuer());
        index.put("audience", JwtAuthorizer.CLIENT_ID);
        index.put("parameters", parameters());
        index.putAll(layer.index(this));
        index.put(
                "functions",
                functions.stream()
                        .map(f -> Map.of(
                                "logicalId", f.logicalId(), "handler", f.handlerClass(), "available", f.available()))
                        .toList());
        index.put(
                "routes",
                httpApi.routes().all().stream()
                        .map(r -> Map.of(
                                "routeKey",
                                r.routeKey(),
                                "function",
                                r.function().logicalId(),
                                "available",
                                r.function().available(),
                                "auth",
                                r.authorizer() == null ? "none" : r.authorizer()))
                        .toList());
        index.put(
                "rules",
                eventBridge.rules().stream()
                        .map(r -> Map.of(
                                "name",
                                r.name(),
                                "bus",
                                r.busName(),
                                "function",
                                r.target().logicalId()))
                        .toList());
        index.put(
                "schedules",
                scheduler.schedules().stream()
                        .map(s -> Map.of("function", s.target().logicalId(), "expression", s.expression()))
                        .toList());
        index.put("streams", streams == null ? List.of() : streams.describe());
        index.put("sqs", sqs.endpoint());
        index.put("queues", sqs.queues());
        index.put(
                "sqsEventSources",
                sqs.mappings().stream().map(SqsPoller::describe).toList());
        if (events != null) {
            // A page opened at http://127.0.0.1:3000 must chat through 127.0.0.1 too (same origin), not localhost.
            String self = url.substring("http://".length());
            Map<String, String> eventsIndex = new LinkedHashMap<>();
            events.index()
                    .forEach((name, value) -> eventsIndex.put(
                            name,
                            value.replaceFirst("^(https?|wss?)://" + Pattern.quote(self), "$1://" + host.strip())));
            index.put("events", eventsIndex);
        }
        index.put("endpoints", endpoints);
        return index;
    }

    private static void requireFree(int port, String option) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new PortInUseException(port, option);
        }
    }

    public String url() {
        return url;
    }

    public String dynamoDbEndpoint() {
        return "http://localhost:" + dynamo.port();
    }

    /** Where the template came from (a path, or the copy bundled in the jar). */
    public String templateDescription() {
        return template.description();
    }

    /** Every template parameter with a value → the value in force (default or override); NoEcho ones show ****. */
    public Map<String, String> parameters() {
        return templateFunctions.parameters().shown(template.template());
    }

    /** What {@code !Ref} gives for a template secret locally (its ARN); null if the template has no such secret. */
    public String secretArn(String logicalId) {
        TemplateFunctions.SecretRef ref = templateFunctions.secrets().get(logicalId);
        return ref == null ? null : ref.arn();
    }

    /** A template secret's AWSCURRENT value now (after a rotation, the new one); empty if there is no such secret. */
    public Optional<String> secretValue(String logicalId) {
        String arn = secretArn(logicalId);
        return arn == null ? Optional.empty() : secretsManager.currentValue(arn);
    }

    /** The usage counters now ({@link LocalUsage}); {@code GET /_local/usage} answers the same. */
    public LocalUsage usage() {
        Map<String, Long> lambda = new TreeMap<>();
        functions.forEach(f -> {
            if (f.invocations() > 0) {
                lambda.put(f.logicalId(), f.invocations());
            }
        });
        EventsUsage appSync = events == null ? new EventsUsage(0, 0, 0, 0, 0, 0) : events.usage();
        return new LocalUsage(
                startedAt,
                Instant.now(),
                httpApi.requestsByRoute(),
                lambda,
                appSync,
                ivs.requestsByOperation(),
                new LocalUsage.EventBridge(eventBridge.putEventsRequests(), eventBridge.putEventsEntries()),
                dynamo.requestsByOperation(),
                httpApi.publicGetsByRoute(),
                sqs.requestsByOperation());
    }

    /** The local SES v2: every email the functions (or anyone) send, kept instead of delivered. */
    public LocalSesV2 ses() {
        return ses;
    }

    /** The local SQS: the template's queues and their event sources ({@link LocalSqs#awaitIdle}). */
    public LocalSqs sqs() {
        return sqs;
    }

    /** The local Secrets Manager: the template's secrets, rotated with PutSecretValue. */
    public LocalSecretsManager secretsManager() {
        return secretsManager;
    }

    /** The local Cognito stand-in: the issuer of id tokens the template's JWT authorizers accept. */
    public JwtAuthorizer jwt() {
        return jwt;
    }

    public LocalEventBridge eventBridge() {
        return eventBridge;
    }

    /** The local IVS: channels, broadcasts, players and their cues. */
    public LocalIvs ivs() {
        return ivs;
    }

    /** The template's AppSync Events API (null if the template has none). */
    public LocalAppSyncEvents events() {
        return events;
    }

    /** The DynamoDB stream event sources; {@link LocalStreams#awaitIdle} waits until written changes are handled. */
    public LocalStreams streams() {
        return streams;
    }

    public List<LocalFunction> functions() {
        return List.copyOf(functions);
    }

    public Optional<LocalFunction> function(String logicalId) {
        return functions.stream().filter(f -> f.logicalId().equals(logicalId)).findFirst();
    }

    public SamTemplate template() {
        return template.template();
    }

    @Override
    public synchronized void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed: {}", resources.get(i), e.toString());
            }
        }
        resources.clear();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[36];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
