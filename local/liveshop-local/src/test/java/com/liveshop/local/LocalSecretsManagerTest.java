package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.secretsmanager.LocalSecretsManager;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The local Secrets Manager driven by clients we did not write: the AWS CLI (as docs/deploy.md's rotation) and the
 * SDK's SecretsManagerClient (as the webhook function): the template's secrets under the ARNs {@code !Ref} gives, the
 * stages AWSCURRENT / AWSPREVIOUS moving on PutSecretValue, the service's errors.
 */
class LocalSecretsManagerTest {

    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    static SecretsManagerClient client(LocalStack stack) {
        return SecretsManagerClient.builder()
                .endpointOverride(URI.create(stack.secretsManager().endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Test
    void theAwsCliRotatesTheWebhookSecretAndTheFunctionsArnFindsIt() throws Exception {
        String arn = stack.paymentWebhookSecretArn();
        String endpoint = stack.url() + LocalSecretsManager.PATH;
        JsonNode first = Json.MAPPER.readTree(aws("get-secret-value", "--secret-id", arn, "--endpoint-url", endpoint));
        assertThat(first.get("SecretString").asText()).isEqualTo(LiveshopDevLayer.LOCAL_WEBHOOK_SECRET);
        assertThat(first.get("ARN").asText()).isEqualTo(arn);
        assertThat(first.get("Name").asText()).isEqualTo("PaymentWebhookSecret");
        assertThat(first.get("VersionStages").toString()).isEqualTo("[\"AWSCURRENT\"]");
        // The function's own configuration names the secret by that ARN.
        assertThat(stack.functions().stream()
                        .filter(f -> f.logicalId().equals("PaymentWebhookFunction"))
                        .findFirst()
                        .orElseThrow()
                        .environment())
                .containsEntry("PAYMENT_WEBHOOK_SECRET_ARN", arn)
                .containsEntry(
                        "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                        stack.secretsManager().endpoint())
                .doesNotContainKey("PAYMENT_WEBHOOK_SECRET");

        JsonNode put = Json.MAPPER.readTree(aws(
                "put-secret-value",
                "--secret-id",
                "PaymentWebhookSecret",
                "--secret-string",
                "new-secret",
                "--endpoint-url",
                endpoint));
        assertThat(put.get("ARN").asText()).isEqualTo(arn);
        assertThat(put.get("VersionStages").toString()).isEqualTo("[\"AWSCURRENT\"]");
        String versionId = put.get("VersionId").asText();

        JsonNode current =
                Json.MAPPER.readTree(aws("get-secret-value", "--secret-id", arn, "--endpoint-url", endpoint));
        assertThat(current.get("SecretString").asText()).isEqualTo("new-secret");
        assertThat(current.get("VersionId").asText()).isEqualTo(versionId);
        JsonNode previous = Json.MAPPER.readTree(aws(
                "get-secret-value", "--secret-id", arn, "--version-stage", "AWSPREVIOUS", "--endpoint-url", endpoint));
        assertThat(previous.get("SecretString").asText()).isEqualTo(LiveshopDevLayer.LOCAL_WEBHOOK_SECRET);
        assertThat(previous.get("VersionId").asText())
                .isEqualTo(first.get("VersionId").asText());

        JsonNode described =
                Json.MAPPER.readTree(aws("describe-secret", "--secret-id", arn, "--endpoint-url", endpoint));
        assertThat(described.get("VersionIdsToStages").get(versionId).toString())
                .isEqualTo("[\"AWSCURRENT\"]");
        assertThat(described
                        .get("VersionIdsToStages")
                        .get(first.get("VersionId").asText())
                        .toString())
                .isEqualTo("[\"AWSPREVIOUS\"]");

        // GET /_local shows the current value: an outside tool signs like the provider does now.
        JsonNode index = LocalHttp.json(LocalHttp.send(stack.url(), "GET", "/_local", null));
        assertThat(index.get("paymentWebhookSecret").asText()).isEqualTo("new-secret");

        String missing = awsFailing("get-secret-value", "--secret-id", "NoSuchSecret", "--endpoint-url", endpoint);
        assertThat(missing).contains("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }

    @Test
    void theSdkSeesTheStagesAndTheServicesErrors() {
        try (SecretsManagerClient sm = client(stack)) {
            String chat = stack.secretsManager().secrets().get("ChatTicketSecret");
            assertThat(chat).startsWith("arn:aws:secretsmanager:us-east-1:000000000000:secret:ChatTicketSecret-");
            GetSecretValueResponse value = sm.getSecretValue(r -> r.secretId(chat));
            assertThat(value.secretString()).isNotBlank();
            assertThat(value.versionStages()).containsExactly("AWSCURRENT");
            assertThat(value.createdDate()).isNotNull();
            // A partial ARN (without the six-character suffix) finds it too, as in AWS.
            assertThat(sm.getSecretValue(r -> r.secretId(chat.substring(0, chat.length() - 7)))
                            .secretString())
                    .isEqualTo(value.secretString());
            assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId(chat).versionStage("AWSPREVIOUS")))
                    .isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining("can't find the specified secret value for staging label: AWSPREVIOUS");
            assertThatThrownBy(() -> sm.getSecretValue(
                            r -> r.secretId("arn:aws:secretsmanager:us-east-1:000000000000:secret:Nope-abcdef")))
                    .isInstanceOf(ResourceNotFoundException.class);

            // ClientRequestToken is the version id and makes PutSecretValue idempotent.
            String token = UUID.randomUUID().toString();
            PutSecretValueResponse put =
                    sm.putSecretValue(r -> r.secretId(chat).secretString("v2").clientRequestToken(token));
            assertThat(put.versionId()).isEqualTo(token);
            assertThat(sm.putSecretValue(
                                    r -> r.secretId(chat).secretString("v2").clientRequestToken(token))
                            .versionId())
                    .isEqualTo(token);
            assertThatThrownBy(() -> sm.putSecretValue(
                            r -> r.secretId(chat).secretString("v3").clientRequestToken(token)))
                    .isInstanceOf(ResourceExistsException.class);
            assertThat(sm.getSecretValue(r -> r.secretId(chat).versionStage("AWSPREVIOUS"))
                            .secretString())
                    .isEqualTo(value.secretString());
            // Another rotation: the one before the previous has no stage any more.
            sm.putSecretValue(r -> r.secretId(chat).secretString("v3"));
            assertThat(sm.getSecretValue(r -> r.secretId(chat)).secretString()).isEqualTo("v3");
            assertThat(sm.getSecretValue(r -> r.secretId(chat).versionStage("AWSPREVIOUS"))
                            .secretString())
                    .isEqualTo("v2");
            assertThat(sm.describeSecret(r -> r.secretId(chat)).versionIdsToStages())
                    .hasSize(2);
        }
    }

    @Test
    void getLocalListsTheEndpoint() throws Exception {
        JsonNode index = LocalHttp.json(LocalHttp.send(stack.url(), "GET", "/_local", null));
        assertThat(index.get("endpoints").fieldNames()).toIterable().contains("POST " + LocalSecretsManager.PATH);
        assertThat(index.get("paymentWebhookSecretArn").asText()).isEqualTo(stack.paymentWebhookSecretArn());
    }

    /** {@code aws secretsmanager <args>}, asserting exit 0. */
    static String aws(String... args) throws Exception {
        return AwsCli.ok(secretsmanager(args));
    }

    private static String awsFailing(String... args) throws Exception {
        return AwsCli.failing(secretsmanager(args));
    }

    private static String[] secretsmanager(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "secretsmanager";
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }
}
