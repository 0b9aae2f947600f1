package com.liveshop.local;

import dev.samlocal.appsync.EventsApiDefinition;
import dev.samlocal.appsync.LocalAppSyncEvents;
import dev.samlocal.secretsmanager.LocalSecretsManager;
import dev.samlocal.sesv2.LocalSesV2;
import dev.samlocal.sqs.LocalSqs;
import dev.samlocal.sqs.SqsPoller;
import dev.samlocal.dynamodb.DynamoDbLocal;
import dev.samlocal.dynamodb.LocalTables;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.samlocal.LocalGuard;
import dev.samlocal.LocalUsage;
import dev.samlocal.Options;
import dev.samlocal.apigw.HttpApiEmulator;
import dev.samlocal.apigw.PayloadV2EventFactory;
import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.core.LocalService;
import dev.samlocal.dynamodb.streams.LocalStreams;
import dev.samlocal.eventbridge.LocalEventBridge;
import dev.samlocal.eventbridge.LocalScheduler;
import dev.samlocal.ivs.LocalIvs;
import dev.samlocal.lambda.LocalFunction;
import dev.samlocal.lambda.TemplateEventSources;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.protocol.JsonErrorHandler;
import dev.samlocal.protocol.LocalJson;
import dev.samlocal.template.TemplateParameters;
import dev.samlocal.template.TemplateSource;

/**
 * The local stack: one JVM, no AWS account. DynamoDB Local with the template's tables, every HTTP API route
 * of template.yaml served by the very same handler classes (payload v2.0 events, JWT authorizer, CORS),
 * EventBridge PutEvents with the template's rules and schedules, IVS (control plane, simulated broadcasts, local
 * players), SQS (ElasticMQ in this JVM) with the template's queues, DynamoDB stream and SQS event sources, a demo catalog, a host token and a test payment provider. {@code main} is the README's run command; {@link #start(Options)} is the same stack
 * in-process for tests.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * The payment webhook secret's first value locally (the template's PaymentWebhookSecret in the local Secrets
     * Manager, which the webhook function reads at run time; {@code put-secret-value} rotates it). {@code GET /_local}
     * gives the current value, so an outside tool can sign webhooks like the payment provider; it is never written
     * to a log line.
     */
    public static final String LOCAL_WEBHOOK_SECRET = "local-webhook-secret-not-for-production";
    /** The template's secret that holds the webhook key. */
    static final String WEBHOOK_SECRET_ID = "PaymentWebhookSecret";
    /** Chat tickets are signed with a key made at each start: tickets of an earlier run are not valid. */
    static final String CHAT_TICKET_SECRET_ID = "ChatTicketSecret";
    /** The CDN's origin secret: the local stack plays CloudFront and sends its AWSCURRENT value (X-Origin-Verify). */
    static final String ORIGIN_SECRET_ID = "OriginVerifySecret";

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /** A port is taken; the message says which and what to do. */
    public static final class PortInUseException extends RuntimeException {
        public PortInUseException(int port, String option) {
            super("Port " + port + " is already in use — stop what uses it or pass " + option + " <free port>");
        }
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
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
    private List<LocalFunction> functions;
    private TemplateSource template;
    private TemplateFunctions templateFunctions;
    private int seeded;
    private String demoShowId;
    private final java.time.Instant startedAt = java.time.Instant.now();

    private LocalStack() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The CLI: parses, starts, prints the Ready line and serves until the JVM stops. Returns the exit code on failure. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        LocalStack stack;
        try {
            options = Options.parse(args);
            stack = start(options);
        } catch (Options.UsageException e) {
            // Bad arguments, also those only the template can judge (--parameter): refused before anything starts.
            if (e.getMessage().isEmpty()) {
                out.println(Options.USAGE);
                return 0;
            }
            err.println(e.getMessage());
            err.println(Options.USAGE);
            return 2;
        } catch (PortInUseException e) {
            err.println(e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("The local stack could not start: " + e.getMessage());
            LOG.error("Start-up failed", e);
            return 1;
        }
        out.println("Template: " + stack.template.description());
        if (!options.parameters().isEmpty()) {
            Map<String, String> inForce = stack.parameters();
            out.println("Parameters: " + String.join(", ", options.parameters().keySet().stream()
                    .map(name -> name + "=" + inForce.get(name)).toList()));
        }
        out.println(stack.readyLine());
        if (stack.demoShowId != null) {
            out.println("Demo show: " + stack.url + "/watch/" + stack.demoShowId + " (viewer), " + stack.url + "/host (host console)");
        }
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Starts everything; the template's parameters and the ports are checked before anything starts. Close the
     * returned stack to stop it.
     *
     * @throws Options.UsageException for a {@code --parameter} the template does not declare or does not allow
     * @throws PortInUseException     for a taken port
     */
    public static LocalStack start(Options options) {
        System.setProperty("aws.ec2MetadataDisabled", "true");
        System.setProperty("aws.region", System.getProperty("aws.region", dev.samlocal.core.LocalAws.REGION));
        TemplateSource template = TemplateSource.locate(options.template());
        int httpPort = options.port() == 0 ? DynamoDbLocal.freePort() : options.port();
        TemplateParameters parameters = TemplateParameters.of(template.template(), localDefaults(template, options, httpPort));
        int dynamoPort = options.dynamoDbPort() == 0 ? DynamoDbLocal.freePort() : options.dynamoDbPort();
        requireFree(httpPort, "--port");
        requireFree(dynamoPort, "--dynamodb-port");
        LocalStack stack = new LocalStack();
        try {
            stack.boot(options, template, parameters, httpPort, dynamoPort);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * The template's required parameters that only a deployment can know, filled for a local run unless
     * {@code --parameter} gives them: {@code CorsAllowOrigin} is the local stack's own origin (the pages are served
     * from it); {@code SenderEmail} and {@code SiteUrl} (this stack) for the reminder emails. And one the template
     * defaults for a deployment: {@code RequireProofOfWork} is off locally unless given.
     */
    private static Map<String, String> localDefaults(TemplateSource template, Options options, int httpPort) {
        Map<String, String> values = new LinkedHashMap<>(options.parameters());
        Map<String, Object> declared = dev.samlocal.template.SamTemplate.map(template.template().raw().get("Parameters"));
        Object cors = declared.get("CorsAllowOrigin");
        if (cors != null && !dev.samlocal.template.SamTemplate.map(cors).containsKey("Default")) {
            String host = options.host().equals("127.0.0.1") || options.host().equals("0.0.0.0") ? "localhost" : options.host();
            values.putIfAbsent("CorsAllowOrigin", "http://" + host + ":" + httpPort);
        }
        // Reminder emails: a local sender address (the local SES keeps every email) and links back to this stack.
        String self = "http://" + (options.host().equals("127.0.0.1") || options.host().equals("0.0.0.0") ? "localhost" : options.host()) + ":" + httpPort;
        if (declared.containsKey("SenderEmail")) {
            values.putIfAbsent("SenderEmail", "shows@liveshop.local");
        }
        if (declared.containsKey("SiteUrl")) {
            values.putIfAbsent("SiteUrl", self);
        }
        // Scripts, benches and tests call the routes without solving challenges: on only with
        // --parameter RequireProofOfWork=true (the pages solve either way).
        if (declared.containsKey("RequireProofOfWork")) {
            values.putIfAbsent("RequireProofOfWork", "false");
        }
        return values;
    }

    private void boot(Options options, TemplateSource source, TemplateParameters parameters, int httpPort, int dynamoPort) {
        template = source;
        String displayHost = options.host().equals("127.0.0.1") || options.host().equals("0.0.0.0") ? "localhost" : options.host();
        url = "http://" + displayHost + ":" + httpPort;
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
        Map<String, String> secretValues = Map.of(WEBHOOK_SECRET_ID, LOCAL_WEBHOOK_SECRET, CHAT_TICKET_SECRET_ID, randomSecret());
        templateFunctions = new TemplateFunctions(template.template(), parameters, tables, streamArns, secretValues, sqs.endpoint());
        sqs.createQueues(List.copyOf(templateFunctions.queues().values()));
        // The template's secrets with their first values; functions read them at run time (their *_SECRET_ARN) and
        // see rotations; a dynamic reference would resolve to the first value at "deploy", as CloudFormation does.
        secretsManager = new LocalSecretsManager(url, templateFunctions.secrets().values().stream()
                .map(s -> new LocalSecretsManager.SecretDefinition(s.name(), s.arn(), s.description(),
                        secretValues.getOrDefault(s.logicalId(), randomSecret())))
                .toList(), clock);
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
        services.add(new LocalWeb());

        Map<String, String> settings = new HashMap<>();
        settings.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint());
        services.forEach(s -> settings.putAll(s.functionSettings()));
        // Functions that verify host tokens themselves (chat's public send route, the hosts channel authorizer)
        // trust the local issuer and its keys instead of Cognito's.
        settings.put("HOST_JWT_ISSUER", jwt.issuer());
        settings.put("HOST_JWT_JWKS_URL", url + "/_local/cognito/.well-known/jwks.json");
        functions = templateFunctions.instantiate(settings);
        if (events != null && events.api().lambdaAuthorizerFunction() != null) {
            String authorizerId = events.api().lambdaAuthorizerFunction();
            LocalFunction authorizer = functions.stream().filter(f -> f.logicalId().equals(authorizerId)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("The AppSync Events AWS_LAMBDA authorizer " + authorizerId
                            + " is not a function of the template"));
            events.lambdaAuthorizer(authorizer::invoke);
        }

        TemplateEventSources sources = new TemplateEventSources(templateFunctions, functions);
        Map<String, JwtAuthorizer> authorizers = new HashMap<>();
        sources.jwtAuthorizerNames().forEach(name -> authorizers.put(name, jwt));
        httpApi = new HttpApiEmulator(sources.httpRoutes(), authorizers, sources.cors().orElse(null), new PayloadV2EventFactory(clock),
                this::originSecret);
        sources.addRules(eventBridge);
        scheduler = new LocalScheduler(clock);
        resources.add(scheduler);
        sources.addSchedules(scheduler);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        LocalPayments payments = new LocalPayments(http, url, this::paymentWebhookSecret, jwt::hostToken, clock);
        LocalGuard guard = new LocalGuard(options.host());
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = options.host();
            config.jetty.port = httpPort;
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.http.maxRequestSize = HttpApiEmulator.MAX_REQUEST_BYTES + 1;
            config.router.ignoreTrailingSlashes = false;
            // First: a request that does not name this stack, or a cross-site write to its controls, goes no further.
            config.routes.before(guard::check);
            config.routes.wsBeforeUpgrade(guard::checkUpgrade);
            registerControls(config.routes, payments, services);
            // A method no route knows (e.g. BREW): Javalin's own 404 is plain text; answer it in the error shape.
            config.routes.error(404, ctx -> {
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) {
                    LocalJson.error(ctx, 404, "NOT_FOUND", "No route for " + ctx.req().getMethod() + " " + ctx.path());
                }
            });
            // A path Javalin's router cannot percent-decode (e.g. "%u002e") throws inside the router, before any
            // handler: a client error in the error shape, not Javalin's plain-text 500.
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> {
                if (e.getMessage() != null && e.getMessage().startsWith("URLDecoder:")) {
                    LocalJson.error(ctx, 400, "BAD_REQUEST", "The request path has a malformed percent-encoding");
                } else {
                    LOG.error("Unhandled error on {} {}", ctx.req().getMethod(), ctx.path(), e);
                    LocalJson.error(ctx, 500, "INTERNAL_ERROR", "The local stack failed; see its log");
                }
            });
            services.forEach(s -> s.register(config.routes));
            for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                    HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS)) {
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
            seeded = DemoSeed.seed(http, url, jwt.hostToken());
            demoShowId = DemoSeed.seedShow(http, url, jwt.hostToken());
        }
        if (options.schedules()) {
            scheduler.start();
        }
        LOG.info("{} routes, {} rules, {} schedules, {} stream event sources, {} queues, " + "{} SQS event sources, {} demo products",
                httpApi.routes().all().size(), eventBridge.rules().size(), scheduler.schedules().size(), streams.sources().size(),
                sqs.queues().size(), sqs.sources().size(), seeded);
    }

    /** DynamoDB Local prints a banner on stdout; stdout is for the Ready line. */
    private static <T> T quietly(java.util.function.Supplier<T> action) {
        synchronized (System.class) {
            PrintStream original = System.out;
            System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                return action.get();
            } finally {
                System.setOut(original);
            }
        }
    }

    private void registerControls(RoutesConfig routes, LocalPayments payments, List<LocalService> services) {
        routes.get("/_local", ctx -> LocalJson.write(ctx, 200, index(services, ctx.header("Host"))));
        routes.get("/_local/host-token", ctx -> LocalJson.write(ctx, 200, Map.of("token", jwt.hostToken())));
        routes.get("/_local/token", ctx -> {
            String groups = ctx.queryParam("groups");
            List<String> list = groups == null || groups.isBlank() ? List.of()
                    : Arrays.stream(groups.split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
            String email = ctx.queryParam("email") == null ? "viewer@liveshop.local" : ctx.queryParam("email");
            LocalJson.write(ctx, 200, Map.of("token", jwt.idToken(email, list, JwtAuthorizer.HOST_TOKEN_LIFETIME)));
        });
        routes.get("/_local/cognito/.well-known/jwks.json", ctx -> LocalJson.write(ctx, 200, jwt.jwks()));
        routes.post("/_local/schedules/{functionId}/run", ctx -> {
            String id = ctx.pathParam("functionId");
            try {
                scheduler.runNow(id).ifPresentOrElse(
                        result -> ctx.status(200).contentType("application/json").result(result),
                        () -> LocalJson.error(ctx, 404, "SCHEDULE_NOT_FOUND", "No schedule targets a function named " + id));
            } catch (LocalFunction.FunctionUnavailable e) {
                LocalJson.error(ctx, 501, "NOT_IMPLEMENTED", e.getMessage());
            } catch (LocalFunction.FunctionError e) {
                LOG.error("Scheduled run of {} failed", id, e.getCause());
                LocalJson.error(ctx, 500, "FUNCTION_ERROR", e.getMessage());
            }
        });
        routes.post("/_local/payments/{orderId}", payments::handle);
        routes.get("/_local/usage", ctx -> LocalJson.write(ctx, 200, usage()));
    }

    /** {@code host}: the Host the request came in on (LocalGuard let it in): the pages reach the events endpoints there. */
    private Map<String, Object> index(List<LocalService> services, String host) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("GET /_local/host-token", "id token of a host (hosts group), 12 h: {\"token\": …}");
        endpoints.put("GET /_local/token?groups=&email=", "id token of any user; no groups = a signed-in non-host");
        endpoints.put("GET /_local/cognito/.well-known/jwks.json", "the local issuer's public keys");
        endpoints.put("POST /_local/schedules/{FunctionLogicalId}/run", "run a function's schedule now");
        endpoints.put("GET /_local/usage", "what AWS would bill or limit on, per service, since the start (API Gateway by route, "
                + "Lambda by function, AppSync Events in/out/connections, IVS by operation, " + "EventBridge, DynamoDB by operation, "
                + "CloudFront-eligible public GETs, SQS by operation)");
        endpoints.put("POST /_local/payments/{orderId}", "{\"status\":\"PAID\"|\"FAILED\"} (optional amountCents, currency, paymentId): "
                + "the order's amount sent to the webhook, signed X-Signature: " + "t=<unix s>,v1=<hex HMAC-SHA256(\"<t>.<body>\")>");
        services.forEach(s -> endpoints.putAll(s.describe()));
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("api", url);
        index.put("dynamoDb", dynamoDbEndpoint());
        index.put("template", template.description());
        index.put("issuer", jwt.issuer());
        index.put("audience", JwtAuthorizer.CLIENT_ID);
        index.put("parameters", parameters());
        index.put("paymentWebhookSecret", paymentWebhookSecret());
        index.put("paymentWebhookSecretArn", paymentWebhookSecretArn());
        index.put("routes", httpApi.routes().all().stream().map(r -> Map.of("routeKey", r.routeKey(),
                "function", r.function().logicalId(), "available", r.function().available(),
                "auth", r.authorizer() == null ? "none" : r.authorizer())).toList());
        index.put("schedules", scheduler.schedules().stream().map(s -> Map.of("function", s.target().logicalId(),
                "expression", s.expression())).toList());
        index.put("streams", streams == null ? List.of() : streams.describe());
        index.put("sqs", sqs.endpoint());
        index.put("queues", sqs.queues());
        index.put("sqsEventSources", sqs.mappings().stream().map(SqsPoller::describe).toList());
        if (events != null) {
            // A page opened at http://127.0.0.1:3000 must chat through 127.0.0.1 too (same origin), not localhost.
            String self = url.substring("http://".length());
            Map<String, String> eventsIndex = new LinkedHashMap<>();
            events.index().forEach((name, value) -> eventsIndex.put(name,
                    value.replaceFirst("^(https?|wss?)://" + java.util.regex.Pattern.quote(self), "$1://" + host.strip())));
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

    /** The one line that says the stack serves. */
    public String readyLine() {
        return "Ready: live shopping local stack at " + url + " (DynamoDB Local: " + dynamoDbEndpoint() + ")";
    }

    public String url() {
        return url;
    }

    public String dynamoDbEndpoint() {
        return "http://localhost:" + dynamo.port();
    }

    /**
     * Every template parameter with a value → the value in force for this run (its default or the override);
     * NoEcho parameters show {@code ****}.
     */
    public Map<String, String> parameters() {
        return templateFunctions.parameters().shown(template.template());
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

    /** What {@code !Ref PaymentWebhookSecret} gives locally (the webhook function's PAYMENT_WEBHOOK_SECRET_ARN). */
    public String paymentWebhookSecretArn() {
        TemplateFunctions.SecretRef ref = templateFunctions.secrets().get(WEBHOOK_SECRET_ID);
        return ref == null ? null : ref.arn();
    }

    /** The origin secret's AWSCURRENT value, what the local CDN sends; empty if the template has no such secret. */
    Optional<String> originSecret() {
        TemplateFunctions.SecretRef ref = templateFunctions.secrets().get(ORIGIN_SECRET_ID);
        return ref == null ? Optional.empty() : secretsManager.currentValue(ref.arn());
    }

    /** The webhook secret's AWSCURRENT value now (after a local rotation, the new one). */
    public String paymentWebhookSecret() {
        String arn = paymentWebhookSecretArn();
        return arn == null ? LOCAL_WEBHOOK_SECRET : secretsManager.currentValue(arn).orElse(LOCAL_WEBHOOK_SECRET);
    }

    /** The usage counters now ({@link LocalUsage}); {@code GET /_local/usage} answers the same. */
    public LocalUsage usage() {
        Map<String, Long> lambda = new java.util.TreeMap<>();
        functions.forEach(f -> {
            if (f.invocations() > 0) {
                lambda.put(f.logicalId(), f.invocations());
            }
        });
        LocalAppSyncEvents.Usage appSync = events == null ? new LocalAppSyncEvents.Usage(0, 0, 0, 0, 0, 0) : events.usage();
        return new LocalUsage(startedAt, java.time.Instant.now(), httpApi.requestsByRoute(), lambda, appSync,
                ivs.requestsByOperation(), new LocalUsage.EventBridge(eventBridge.putEventsRequests(), eventBridge.putEventsEntries()),
                dynamo.requestsByOperation(), httpApi.publicGetsByRoute(), sqs.requestsByOperation());
    }

    public JwtAuthorizer jwt() {
        return jwt;
    }

    public LocalEventBridge eventBridge() {
        return eventBridge;
    }

    /** The local IVS: channels, broadcasts ({@link LocalIvs#broadcast}), players and their cues. */
    public LocalIvs ivs() {
        return ivs;
    }

    /** The template's AppSync Events API (null if the template has none): endpoints, API key, publishDirect, stats. */
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

    /** The demo show's session id (null without the seed). */
    public String demoShowId() {
        return demoShowId;
    }

    public int seededProducts() {
        return seeded;
    }

    public String templateDescription() {
        return template.description();
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
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
