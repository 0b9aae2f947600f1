package dev.samlocal.secretsmanager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.core.LocalService;
import dev.samlocal.protocol.AwsError;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets Manager for the local stack: the template's {@code AWS::SecretsManager::Secret}s, reached by the real
 * {@code SecretsManagerClient} and the AWS CLI through their endpoint override (AWS JSON 1.1, {@code X-Amz-Target:
 * secretsmanager.<Operation>}). GetSecretValue, PutSecretValue, UpdateSecretVersionStage and DescribeSecret, with
 * version ids and the stages AWSCURRENT / AWSPREVIOUS moving as Secrets Manager moves them: a PutSecretValue whose
 * version becomes AWSCURRENT gives AWSPREVIOUS to the version that was current. A secret is found by its name, its ARN
 * or its ARN without the six-character suffix, as the service does. Errors are the service's ({@code {"__type":
 * "ResourceNotFoundException", "message": …}}, 400). Values never reach a log line.
 */
public final class LocalSecretsManager implements LocalService {

    /** Where the SDK's endpoint override points (AWS_ENDPOINT_URL_SECRETS_MANAGER = base URL + this). */
    public static final String PATH = "/_local/aws/secretsmanager";

    public static final String CURRENT = "AWSCURRENT";
    public static final String PREVIOUS = "AWSPREVIOUS";
    private static final String TARGET_PREFIX = "secretsmanager.";
    private static final int MAX_SECRET_BYTES = 65_536;
    private static final Logger LOG = LoggerFactory.getLogger(LocalSecretsManager.class);

    /** A template secret: its name, its ARN (what {@code !Ref} gives) and the value it starts with. */
    public record SecretDefinition(String name, String arn, String description, String initialValue) {}

    /** An answer in the AWS JSON 1.1 shape. */
    public record AwsResult(int status, String body) {}

    private static final class Version {
        final String id;
        final String string;
        final byte[] binary;
        final Instant created;
        final Set<String> stages = new LinkedHashSet<>();

        Version(String id, String string, byte[] binary, Instant created) {
            this.id = id;
            this.string = string;
            this.binary = binary;
            this.created = created;
        }
    }

    private static final class Secret {
        final SecretDefinition definition;
        final Instant created;
        final Map<String, Version> versions = new LinkedHashMap<>();
        Instant lastChanged;

        Secret(SecretDefinition definition, Instant created) {
            this.definition = definition;
            this.created = created;
            this.lastChanged = created;
        }
    }

    /** A failure of one request, in the service's error vocabulary: Secrets Manager answers each with 400. */
    private static AwsError error(String type, String message) {
        return new AwsError(400, type, message);
    }

    private final String baseUrl;
    private final Clock clock;
    private final Map<String, Secret> byName = new LinkedHashMap<>();

    public LocalSecretsManager(String baseUrl, List<SecretDefinition> secrets, Clock clock) {
        this.baseUrl = baseUrl;
        this.clock = clock;
        Instant now = clock.instant();
        for (SecretDefinition definition : secrets) {
            Secret secret = new Secret(definition, now);
            Version first = new Version(UUID.randomUUID().toString(), definition.initialValue(), null, now);
            first.stages.add(CURRENT);
            secret.versions.put(first.id, first);
            byName.put(definition.name(), secret);
        }
    }

    public String endpoint() {
        return baseUrl + PATH;
    }

    @Override
    public Map<String, String> functionSettings() {
        return Map.of("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint());
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(PATH, this::handle);
        routes.post(PATH + "/", this::handle);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(
                "POST " + PATH,
                "Secrets Manager GetSecretValue, PutSecretValue, UpdateSecretVersionStage, DescribeSecret "
                        + "(AWS_ENDPOINT_URL_SECRETS_MANAGER; "
                        + "aws secretsmanager … --endpoint-url <this>); secrets: "
                        + String.join(", ", secrets().values()));
        return d;
    }

    /** Name → ARN of every secret. */
    public synchronized Map<String, String> secrets() {
        Map<String, String> out = new LinkedHashMap<>();
        byName.forEach((name, secret) -> out.put(name, secret.definition.arn()));
        return out;
    }

    /** The AWSCURRENT string of a secret (by name or ARN), as GetSecretValue would give it. */
    public synchronized Optional<String> currentValue(String secretId) {
        try {
            return Optional.ofNullable(version(find(secretId), null, CURRENT).string);
        } catch (AwsError e) {
            return Optional.empty();
        }
    }

    /** Javalin entry point of the AWS JSON 1.1 endpoint. */
    public void handle(Context ctx) {
        AwsResult result = handle(ctx.header("X-Amz-Target"), ctx.body());
        ctx.status(result.status())
                .contentType("application/x-amz-json-1.1")
                .header("x-amzn-RequestId", UUID.randomUUID().toString())
                .result(result.body());
    }

    public AwsResult handle(String target, String body) {
        String operation =
                target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : null;
        try {
            JsonNode request;
            try {
                request = Json.MAPPER.readTree(body == null || body.isBlank() ? "{}" : body);
            } catch (JsonProcessingException e) {
                throw error("SerializationException", "The request body is not valid JSON");
            }
            if (request == null || !request.isObject()) {
                throw error("SerializationException", "The request body must be a JSON object");
            }
            ObjectNode answer;
            synchronized (this) {
                answer = switch (operation == null ? "" : operation) {
                    case "GetSecretValue" -> getSecretValue(request);
                    case "PutSecretValue" -> putSecretValue(request);
                    case "DescribeSecret" -> describeSecret(request);
                    case "UpdateSecretVersionStage" -> updateSecretVersionStage(request);
                    default ->
                        throw error(
                                "UnknownOperationException",
                                "The local Secrets Manager supports GetSecretValue, "
                                        + "PutSecretValue, UpdateSecretVersionStage and DescribeSecret, not " + target);
                };
            }
            return new AwsResult(200, Json.write(answer));
        } catch (AwsError e) {
            return new AwsResult(e.status(), e.awsJsonBody());
        }
    }

    private ObjectNode getSecretValue(JsonNode request) {
        Secret secret = find(requiredText(request, "SecretId"));
        Version version = version(secret, text(request, "VersionId"), text(request, "VersionStage"));
        ObjectNode out = identity(secret);
        out.put("VersionId", version.id);
        if (version.string != null) {
            out.put("SecretString", version.string);
        } else {
            out.put("SecretBinary", Base64.getEncoder().encodeToString(version.binary));
        }
        ArrayNode stages = out.putArray("VersionStages");
        version.stages.forEach(stages::add);
        out.put("CreatedDate", seconds(version.created));
        return out;
    }

    private ObjectNode putSecretValue(JsonNode request) {
        Secret secret = find(requiredText(request, "SecretId"));
        String string = text(request, "SecretString");
        String binaryText = text(request, "SecretBinary");
        if ((string == null) == (binaryText == null)) {
            throw error("InvalidParameterException", "You must provide either SecretString or SecretBinary.");
        }
        byte[] binary;
        try {
            binary = binaryText == null ? null : Base64.getDecoder().decode(binaryText);
        } catch (IllegalArgumentException e) {
            throw error("SerializationException", "SecretBinary is not valid base64");
        }
        int size = string != null ? string.getBytes(StandardCharsets.UTF_8).length : binary.length;
        if (size > MAX_SECRET_BYTES) {
            throw error("InvalidParameterException", "The secret value exceeds the 65536 byte limit.");
        }
        String token = text(request, "ClientRequestToken");
        if (token != null && (token.length() < 32 || token.length() > 64)) {
            throw error("InvalidParameterException", "ClientRequestToken must be 32 to 64 characters long.");
        }
        List<String> stages = new ArrayList<>();
        request.path("VersionStages").forEach(s -> stages.add(s.asText()));
        if (stages.isEmpty()) {
            stages.add(CURRENT);
        }
        String versionId = token == null ? UUID.randomUUID().toString() : token;
        Version existing = secret.versions.get(versionId);
        if (existing != null) {
            // The idempotency of ClientRequestToken: the same request again changes nothing; another value is refused.
            boolean same = java.util.Objects.equals(existing.string, string)
                    && java.util.Arrays.equals(existing.binary, binary);
            if (!same) {
                throw error("ResourceExistsException", "A resource with the ID you requested already exists.");
            }
        } else {
            Instant now = clock.instant();
            Version version = new Version(versionId, string, binary, now);
            secret.versions.put(versionId, version);
            for (String stage : stages) {
                moveStage(secret, stage, version);
            }
            secret.lastChanged = now;
            LOG.info("Secret {}: new version {} with stages {}", secret.definition.name(), versionId, version.stages);
        }
        Version version = secret.versions.get(versionId);
        ObjectNode out = identity(secret);
        out.put("VersionId", version.id);
        ArrayNode outStages = out.putArray("VersionStages");
        version.stages.forEach(outStages::add);
        return out;
    }

    /** {@code stage} goes to {@code to}; when it is AWSCURRENT, the version that had it becomes AWSPREVIOUS. */
    private static void moveStage(Secret secret, String stage, Version to) {
        Version from = null;
        for (Version v : secret.versions.values()) {
            if (v != to && v.stages.remove(stage)) {
                from = v;
            }
        }
        to.stages.add(stage);
        if (CURRENT.equals(stage) && from != null) {
            for (Version v : secret.versions.values()) {
                v.stages.remove(PREVIOUS);
            }
            from.stages.add(PREVIOUS);
        }
    }

    /**
     * Moves a stage to a version ({@code MoveToVersionId}), from the version that has it ({@code RemoveFromVersionId},
     * required then, as the service requires), or only removes it; AWSCURRENT cannot be removed without a new home. How
     * a rotation promotes AWSPENDING: the version that was current becomes AWSPREVIOUS.
     */
    private ObjectNode updateSecretVersionStage(JsonNode request) {
        Secret secret = find(requiredText(request, "SecretId"));
        String stage = requiredText(request, "VersionStage");
        String moveTo = text(request, "MoveToVersionId");
        String removeFrom = text(request, "RemoveFromVersionId");
        Version holder = secret.versions.values().stream()
                .filter(v -> v.stages.contains(stage))
                .findFirst()
                .orElse(null);
        if (removeFrom != null && (holder == null || !holder.id.equals(removeFrom))) {
            throw error(
                    "InvalidParameterException",
                    "The staging label " + stage + " is not attached to version " + removeFrom + ".");
        }
        if (moveTo == null) {
            if (removeFrom == null || CURRENT.equals(stage)) {
                throw error(
                        "InvalidParameterException",
                        CURRENT.equals(stage)
                                ? "You can't remove the staging label AWSCURRENT without moving it to another version."
                                : "You must provide MoveToVersionId or RemoveFromVersionId.");
            }
            holder.stages.remove(stage);
        } else {
            Version target = secret.versions.get(moveTo);
            if (target == null) {
                throw error("ResourceNotFoundException", "Secrets Manager can't find the specified secret version.");
            }
            if (holder != null && holder != target && removeFrom == null) {
                throw error(
                        "InvalidParameterException",
                        "The staging label " + stage + " is currently attached to version " + holder.id
                                + ". You must specify RemoveFromVersionId to move it.");
            }
            moveStage(secret, stage, target);
        }
        secret.lastChanged = clock.instant();
        LOG.info(
                "Secret {}: stage {} moved to {}",
                secret.definition.name(),
                stage,
                moveTo == null ? "no version" : moveTo);
        return identity(secret);
    }

    private ObjectNode describeSecret(JsonNode request) {
        Secret secret = find(requiredText(request, "SecretId"));
        ObjectNode out = identity(secret);
        if (secret.definition.description() != null) {
            out.put("Description", secret.definition.description());
        }
        out.put("LastChangedDate", seconds(secret.lastChanged));
        out.put("CreatedDate", seconds(secret.created));
        ObjectNode versions = out.putObject("VersionIdsToStages");
        secret.versions.values().stream().filter(v -> !v.stages.isEmpty()).forEach(v -> {
            ArrayNode stages = versions.putArray(v.id);
            v.stages.forEach(stages::add);
        });
        return out;
    }

    private static ObjectNode identity(Secret secret) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("ARN", secret.definition.arn());
        out.put("Name", secret.definition.name());
        return out;
    }

    /** By name, ARN, or ARN without its "-xxxxxx" suffix (a partial ARN), as Secrets Manager accepts. */
    private Secret find(String secretId) {
        for (Secret secret : byName.values()) {
            String arn = secret.definition.arn();
            if (secretId.equals(secret.definition.name())
                    || secretId.equals(arn)
                    || (arn.length() > 7 && secretId.equals(arn.substring(0, arn.length() - 7)))) {
                return secret;
            }
        }
        throw error("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }

    private static Version version(Secret secret, String versionId, String stage) {
        if (versionId != null) {
            Version version = secret.versions.get(versionId);
            if (version == null || (stage != null && !version.stages.contains(stage))) {
                throw error(
                        "ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret value for VersionId: " + versionId);
            }
            return version;
        }
        String wanted = stage == null ? CURRENT : stage;
        return secret.versions.values().stream()
                .filter(v -> v.stages.contains(wanted))
                .findFirst()
                .orElseThrow(() -> error(
                        "ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret value for staging label: " + wanted));
    }

    private static String requiredText(JsonNode request, String field) {
        String value = text(request, field);
        if (value == null || value.isEmpty()) {
            throw error(
                    "InvalidParameterException",
                    "1 validation error detected: Value null at '" + Character.toLowerCase(field.charAt(0))
                            + field.substring(1) + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static String text(JsonNode request, String field) {
        JsonNode node = request.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }
}
