package dev.samlocal.lambda;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.samlocal.Options;
import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.core.Json;
import dev.samlocal.core.LocalAws;
import dev.samlocal.spi.HandlerFactory;
import dev.samlocal.sqs.LocalSqs;
import dev.samlocal.template.Intrinsics;
import dev.samlocal.template.SamTemplate;
import dev.samlocal.template.SamTemplate.FunctionDef;
import dev.samlocal.template.TemplateParameters;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template's functions as local objects: each environment resolved like CloudFormation would (table and bus names,
 * parameter values, conditions, dynamic references to secrets), plus the local region, credentials and endpoint
 * overrides, and the Handler class instantiated from that environment by a {@link HandlerFactory}.
 */
public final class TemplateFunctions {

    public static final String ACCOUNT_ID = "000000000000";
    public static final String DEFAULT_BUS = "default";
    /** The base URL queue URLs get when none is given (the local stack's default port). */
    /** Where queue URLs point when no local SQS is given (ElasticMQ's usual port). */
    public static final String DEFAULT_SQS_ENDPOINT = "http://127.0.0.1:9324";

    private static final Logger LOG = LoggerFactory.getLogger(TemplateFunctions.class);
    private final SamTemplate template;
    private final String stackName;
    private final TemplateParameters parameters;
    private final Map<String, String> secrets;
    private final Intrinsics intrinsics;
    private final Set<String> eventBusNames = new LinkedHashSet<>();
    private final Map<String, String> recordingBuckets = new LinkedHashMap<>();
    /** AWS::SecretsManager::Secret logical id → its local name and ARN. */
    private final Map<String, SecretRef> secretRefs = new LinkedHashMap<>();
    /** AWS::SQS::Queue logical id → the local queue. */
    private final Map<String, LocalSqs.QueueDefinition> queues = new LinkedHashMap<>();

    /** A template secret as the local Secrets Manager serves it: {@code !Ref} gives the ARN, as in AWS. */
    public record SecretRef(String logicalId, String name, String arn, String description) {}

    /**
     * @param tableNames table logical id → local table name
     * @param secrets AWS::SecretsManager::Secret logical id → the local secret value
     */
    public TemplateFunctions(SamTemplate template, Map<String, String> tableNames, Map<String, String> secrets) {
        this(template, tableNames, Map.of(), secrets);
    }

    /**
     * @param tableNames table logical id → local table name
     * @param streamArns table logical id → its stream's ARN on DynamoDB Local ({@code !GetAtt Table.StreamArn})
     * @param secrets AWS::SecretsManager::Secret logical id → the local secret value
     */
    public TemplateFunctions(
            SamTemplate template,
            Map<String, String> tableNames,
            Map<String, String> streamArns,
            Map<String, String> secrets) {
        this(template, TemplateParameters.defaults(template), tableNames, streamArns, secrets);
    }

    /**
     * @param parameters the value of every template parameter for this run: what {@code !Ref Parameter},
     *     {@code ${Parameter}} and the conditions built on them resolve to
     * @param tableNames table logical id → local table name
     * @param streamArns table logical id → its stream's ARN on DynamoDB Local ({@code !GetAtt Table.StreamArn})
     * @param secrets AWS::SecretsManager::Secret logical id → the local secret value
     */
    public TemplateFunctions(
            SamTemplate template,
            TemplateParameters parameters,
            Map<String, String> tableNames,
            Map<String, String> streamArns,
            Map<String, String> secrets) {
        this(template, parameters, tableNames, streamArns, secrets, DEFAULT_SQS_ENDPOINT);
    }

    /**
     * @param parameters the value of every template parameter for this run: what {@code !Ref Parameter},
     *     {@code ${Parameter}} and the conditions built on them resolve to
     * @param tableNames table logical id → local table name
     * @param streamArns table logical id → its stream's ARN on DynamoDB Local ({@code !GetAtt Table.StreamArn})
     * @param secrets AWS::SecretsManager::Secret logical id → the local secret value
     * @param sqsEndpoint the local SQS (ElasticMQ): queue URLs ({@code !Ref Queue}) point at it
     */
    public TemplateFunctions(
            SamTemplate template,
            TemplateParameters parameters,
            Map<String, String> tableNames,
            Map<String, String> streamArns,
            Map<String, String> secrets,
            String sqsEndpoint) {
        this(template, parameters, tableNames, streamArns, secrets, sqsEndpoint, Options.DEFAULT_STACK_NAME);
    }

    /**
     * @param stackName what {@code AWS::StackName} gives, and the prefix of names the template leaves to CloudFormation
     *     (buckets, queues)
     */
    public TemplateFunctions(
            SamTemplate template,
            TemplateParameters parameters,
            Map<String, String> tableNames,
            Map<String, String> streamArns,
            Map<String, String> secrets,
            String sqsEndpoint,
            String stackName) {
        this.template = template;
        this.stackName = stackName;
        this.parameters = parameters;
        this.secrets = Map.copyOf(secrets);
        String region = LocalAws.REGION;
        Map<String, String> refs = new HashMap<>();
        refs.put("AWS::Region", region);
        refs.put("AWS::AccountId", ACCOUNT_ID);
        refs.put("AWS::StackName", stackName);
        refs.put(
                "AWS::StackId",
                "arn:aws:cloudformation:" + region + ":" + ACCOUNT_ID + ":stack/" + stackName + "/local");
        refs.put("AWS::Partition", "aws");
        refs.put("AWS::URLSuffix", "amazonaws.com");
        refs.putAll(parameters.values());
        tableNames.forEach((id, name) -> {
            refs.put(id, name);
            refs.put(id + ".Arn", "arn:aws:dynamodb:" + region + ":" + ACCOUNT_ID + ":table/" + name);
        });
        streamArns.forEach((id, arn) -> refs.put(id + ".StreamArn", arn));
        template.resourcesOfType("AWS::Serverless::Function")
                .keySet()
                .forEach(
                        id -> refs.put(id + ".Arn", "arn:aws:lambda:" + region + ":" + ACCOUNT_ID + ":function:" + id));
        // App clients: Ref gives the client id, the audience of the local issuer's tokens.
        template.resourcesOfType("AWS::Cognito::UserPoolClient")
                .keySet()
                .forEach(id -> refs.put(id, JwtAuthorizer.CLIENT_ID));
        // S3 buckets and IVS recording configurations: Ref gives the bucket name / the configuration's ARN.
        template.resourcesOfType("AWS::S3::Bucket").forEach((id, resource) -> {
            Object name = SamTemplate.map(resource.get("Properties")).get("BucketName");
            String bucket = name == null
                    ? stackName + "-" + id.toLowerCase(Locale.ROOT)
                    : new Intrinsics(refs).resolveString(name);
            refs.put(id, bucket);
            refs.put(id + ".Arn", "arn:aws:s3:::" + bucket);
            // The names S3 would give it (no local S3 serves them; replay URLs locally are IVS-shaped, not playable).
            refs.put(id + ".DomainName", bucket + ".s3.amazonaws.com");
            refs.put(id + ".RegionalDomainName", bucket + ".s3." + region + ".amazonaws.com");
        });
        Intrinsics withBuckets = new Intrinsics(refs);
        template.resourcesOfType("AWS::IVS::RecordingConfiguration").forEach((id, resource) -> {
            String arn = "arn:aws:ivs:" + region + ":" + ACCOUNT_ID + ":recording-configuration/" + id;
            refs.put(id, arn);
            refs.put(id + ".Arn", arn);
            Object bucket = SamTemplate.map(SamTemplate.map(
                                    SamTemplate.map(resource.get("Properties")).get("DestinationConfiguration"))
                            .get("S3"))
                    .get("BucketName");
            recordingBuckets.put(arn, bucket == null ? "" : withBuckets.resolveString(bucket));
        });
        // Secrets: Ref gives the ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>).
        template.resourcesOfType("AWS::SecretsManager::Secret").forEach((id, resource) -> {
            Map<String, Object> properties = SamTemplate.map(resource.get("Properties"));
            Object declared = properties.get("Name");
            String name = declared == null ? id : new Intrinsics(refs).resolveString(declared);
            Object description = properties.get("Description");
            String arn = secretArn(name);
            secretRefs.put(id, new SecretRef(id, name, arn, description == null ? null : String.valueOf(description)));
            refs.put(id, arn);
            refs.put(id + ".Id", arn);
        });
        Intrinsics withoutBuses = new Intrinsics(refs);
        eventBusNames.add(DEFAULT_BUS);
        template.resourcesOfType("AWS::Events::EventBus").forEach((id, resource) -> {
            String name = withoutBuses.resolveString(
                    SamTemplate.map(resource.get("Properties")).getOrDefault("Name", id));
            refs.put(id, name);
            refs.put(id + ".Name", name);
            refs.put(id + ".Arn", busArn(name));
            eventBusNames.add(name);
        });
        // Queues: Ref gives the URL; QueueName as declared, else <stack name>-<LogicalId>.
        Map<String, Map<String, Object>> queueResources = template.resourcesOfType("AWS::SQS::Queue");
        Intrinsics withoutQueues = new Intrinsics(refs);
        queueResources.forEach((id, resource) -> {
            Object declared = SamTemplate.map(resource.get("Properties")).get("QueueName");
            String name = declared == null ? stackName + "-" + id : withoutQueues.resolveString(declared);
            String url = LocalSqs.queueUrl(sqsEndpoint, name);
            refs.put(id, url);
            refs.put(id + ".QueueUrl", url);
            refs.put(id + ".QueueName", name);
            refs.put(id + ".Arn", LocalSqs.queueArn(name));
        });
        this.intrinsics =
                new Intrinsics(refs, SamTemplate.map(template.raw().get("Conditions")), this::dynamicReference);
        queueResources.forEach((id, resource) -> queues.put(
                id, queueDefinition(refs.get(id + ".QueueName"), SamTemplate.map(resource.get("Properties")))));
    }

    /**
     * A queue's settings from its properties, with SQS's defaults: VisibilityTimeout (30 s), MessageRetentionPeriod (4
     * days), DelaySeconds (0), ReceiveMessageWaitTimeSeconds (0), RedrivePolicy (none).
     */
    private LocalSqs.QueueDefinition queueDefinition(String name, Map<String, Object> properties) {
        if (Boolean.parseBoolean(resolve(properties.getOrDefault("FifoQueue", false)))) {
            LOG.warn(
                    "Queue {} is FIFO; the local SQS creates it as a standard queue (no ordering or deduplication)",
                    name);
        }
        int visibility = intProperty(properties, "VisibilityTimeout", 30);
        int retention = intProperty(properties, "MessageRetentionPeriod", 345_600);
        // RedrivePolicy is an object in YAML, or its JSON text.
        Object redrive = resolveStructure(properties.get("RedrivePolicy"));
        Map<String, Object> policy = SamTemplate.map(redrive instanceof String json ? redrivePolicy(json) : redrive);
        String dlq =
                policy.get("deadLetterTargetArn") == null ? null : String.valueOf(policy.get("deadLetterTargetArn"));
        int maxReceiveCount = dlq == null
                ? 0
                : Integer.parseInt(String.valueOf(policy.get("maxReceiveCount")).strip());
        return new LocalSqs.QueueDefinition(
                name,
                visibility,
                retention,
                intProperty(properties, "DelaySeconds", 0),
                intProperty(properties, "ReceiveMessageWaitTimeSeconds", 0),
                dlq,
                maxReceiveCount);
    }

    private int intProperty(Map<String, Object> properties, String name, int fallback) {
        return Integer.parseInt(resolve(properties.getOrDefault(name, fallback)).strip());
    }

    private static Map<String, Object> redrivePolicy(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (Exception e) {
            throw new IllegalArgumentException("RedrivePolicy is not JSON: " + json, e);
        }
    }

    /** Every AWS::SQS::Queue of the template, by logical id. */
    public Map<String, LocalSqs.QueueDefinition> queues() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(queues));
    }

    public static String busArn(String busName) {
        return "arn:aws:events:" + LocalAws.REGION + ":" + ACCOUNT_ID + ":event-bus/" + busName;
    }

    /** The ARN a secret of this name has locally: Secrets Manager's shape, with a suffix derived from the name. */
    public static String secretArn(String name) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String suffix = java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(hash)
                    .replaceAll("[^A-Za-z0-9]", "x")
                    .substring(0, 6);
            return "arn:aws:secretsmanager:" + LocalAws.REGION + ":" + ACCOUNT_ID + ":secret:" + name + "-" + suffix;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every AWS::SecretsManager::Secret of the template, by logical id. */
    public Map<String, SecretRef> secrets() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(secretRefs));
    }

    public SamTemplate template() {
        return template;
    }

    /** What {@code AWS::StackName} gives for this run. */
    public String stackName() {
        return stackName;
    }

    /** The parameter values this template is resolved with (defaults and overrides). */
    public TemplateParameters parameters() {
        return parameters;
    }

    /** "default" and every AWS::Events::EventBus of the template, by their resolved names. */
    public Set<String> eventBusNames() {
        return Set.copyOf(eventBusNames);
    }

    /** ARN of every AWS::IVS::RecordingConfiguration of the template → the S3 bucket it records to. */
    public Map<String, String> recordingBuckets() {
        return Map.copyOf(recordingBuckets);
    }

    /** A template value resolved to a string, conditions and dynamic references included. */
    public String resolve(Object value) {
        return intrinsics.resolveString(value);
    }

    /** A template value with intrinsics resolved, keeping its structure (maps, lists). */
    public Object resolveStructure(Object value) {
        return intrinsics.resolve(value);
    }

    /** {@code {{resolve:secretsmanager:X}}} → the local secret's first value; SSM parameters get a placeholder. */
    private String dynamicReference(String service, String reference) {
        String name = logicalIdOfSecret(reference);
        return service.equals("secretsmanager")
                ? secrets.getOrDefault(name, "local-secret-" + name)
                : "local-parameter-" + name;
    }

    /** A secret named by logical id, name or ARN → its logical id (anything else unchanged). */
    private String logicalIdOfSecret(String reference) {
        for (SecretRef ref : secretRefs.values()) {
            if (reference.equals(ref.arn()) || reference.equals(ref.name())) {
                return ref.logicalId();
            }
        }
        return reference;
    }

    /** {@link #instantiate(Map, HandlerFactory)} with the default factory. */
    public List<LocalFunction> instantiate(Map<String, String> settings) {
        return instantiate(settings, HandlerFactory.DEFAULT);
    }

    /**
     * Builds every function with {@code settings} (endpoint overrides) added to its environment, its handler made by
     * {@code factory}. A handler class that is missing or fails to start is logged, and the function is returned as
     * unavailable.
     */
    public List<LocalFunction> instantiate(Map<String, String> settings, HandlerFactory factory) {
        List<LocalFunction> functions = new ArrayList<>();
        for (FunctionDef def : template.functions()) {
            Map<String, String> env = new LinkedHashMap<>();
            def.environment().forEach((name, value) -> env.put(name, resolve(value)));
            env.putAll(LocalAws.settings(settings));
            String className = def.handler().split("::", 2)[0];
            int timeout = Integer.parseInt(String.valueOf(def.properties().getOrDefault("Timeout", 3)));
            Object handler = null;
            String problem = null;
            try {
                handler = factory.create(Class.forName(className), java.util.Collections.unmodifiableMap(env));
            } catch (ClassNotFoundException e) {
                problem = "Handler class " + className + " of " + def.logicalId() + " is not in this build";
                LOG.warn("{}: its routes answer 501 until it exists", problem);
            } catch (Exception | LinkageError e) {
                Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
                problem = "Handler " + className + " of " + def.logicalId() + " failed to start: " + cause;
                LOG.error(problem, cause);
            }
            functions.add(new LocalFunction(def.logicalId(), className, env, def.events(), timeout, handler, problem));
        }
        return functions;
    }
}
