package com.liveshop.local.appsync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalStack;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.appsync.LocalAppSyncEvents;
import dev.samlocal.template.SamTemplate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real aws-amplify Events client (npm aws-amplify 6.22.1, run by Node) against the local AppSync Events API: it
 * subscribes to {@code /shows/<id>} with the API key, the Java side publishes over HTTP signed with the SDK's SigV4
 * signer as the functions will, and amplify must hand over exactly the published events.
 *
 * <p>Needs {@code node} and the npm packages the build installs into web (the local module's vendor step runs
 * {@code npm ci} there); without them the test says so and is skipped.
 */
class AmplifyEventsClientTest {

    static final Path WEB = SamTemplate.repoRoot().resolve("web");
    static final Path SCRIPT = WEB.resolve("tools/amplify-events-subscribe.mjs");
    static final String INSTALL_HINT = "needs node on the PATH and aws-amplify + ws in web/node_modules "
            + "(the local/liveshop-local build runs npm ci there when npm is installed)";

    private static LocalStack stack;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(
                nodeAvailable()
                        && Files.isDirectory(WEB.resolve("node_modules/aws-amplify"))
                        && Files.isDirectory(WEB.resolve("node_modules/ws")),
                INSTALL_HINT);
        stack = LocalStack.start(Options.ephemeral());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void amplifySubscribesAndReceivesWhatAFunctionPublishes() throws Exception {
        LocalAppSyncEvents events = stack.events();
        String channel = "/shows/" + UUID.randomUUID();
        Amplify amplify = Amplify.subscribe(events, channel, 2);
        try {
            HttpResponse<String> answer = EventsClient.signedPublish(
                    events.httpEndpoint(),
                    Json.write(Map.of(
                            "channel",
                            channel,
                            "events",
                            List.of(
                                    "{\"type\":\"HIGHLIGHT\",\"sku\":\"cds-silk-scarf\"}",
                                    "{\"type\":\"STOCK\",\"left\":3}"))));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

            List<JsonNode> data = amplify.dataWhenDone();
            assertThat(data).as("output: %s", amplify.lines).hasSize(2);
            // amplify parses each event string itself and hands the value over.
            assertThat(data.get(0).path("event").path("sku").asText()).isEqualTo("cds-silk-scarf");
            assertThat(data.get(1).path("event").path("left").asInt()).isEqualTo(3);
        } finally {
            amplify.node.destroyForcibly();
        }
    }

    /** A buyer's page: amplify subscribes to its own cart channel with the cart id as the Lambda authorizer's token. */
    @Test
    void amplifySubscribesToItsOwnCartChannelWithTheCartIdAsToken() throws Exception {
        LocalAppSyncEvents events = stack.events();
        String cart = UUID.randomUUID().toString();
        Amplify amplify = Amplify.subscribe(events, "/carts/" + cart, cart, 1);
        try {
            HttpResponse<String> answer = EventsClient.signedPublish(
                    events.httpEndpoint(),
                    Json.write(Map.of(
                            "channel",
                            "/carts/" + cart,
                            "events",
                            List.of("{\"type\":\"held\",\"sku\":\"cds-silk-scarf\",\"quantity\":1}"))));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

            List<JsonNode> data = amplify.dataWhenDone();
            assertThat(data).as("output: %s", amplify.lines).hasSize(1);
            assertThat(data.get(0).path("event").path("type").asText()).isEqualTo("held");
        } finally {
            amplify.node.destroyForcibly();
        }
    }

    /**
     * The whole path of a chat message through the real client: a ticket and a message over HTTP, the chat function
     * stores it, ChatBatchFunction publishes it from the table's stream with SigV4, amplify (as a viewer page) receives
     * the {@code chatBatch} frame; and the host's pin (published by the moderation route directly: either may come
     * first).
     */
    @Test
    void amplifyReceivesTheChatFramesTheFunctionsPublishForAMessageAndAPin() throws Exception {
        LocalAppSyncEvents events = stack.events();
        String session = liveSession();
        Amplify amplify = Amplify.subscribe(events, "/shows/" + session, 2);
        try {
            String ticket = Json.MAPPER
                    .readTree(com.liveshop.local.LocalHttp.send(
                                    stack.url(), "POST", "/sessions/" + session + "/chat-tickets", "{\"name\":\"Ann\"}")
                            .body())
                    .path("ticket")
                    .asText();
            HttpResponse<String> sent = com.liveshop.local.LocalHttp.send(
                    stack.url(),
                    "POST",
                    "/sessions/" + session + "/messages",
                    "{\"text\":\"<b>blue?</b>\"}",
                    "X-Chat-Ticket",
                    ticket);
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            String messageId =
                    Json.MAPPER.readTree(sent.body()).path("messageId").asText();
            String hostToken = Json.MAPPER
                    .readTree(com.liveshop.local.LocalHttp.send(stack.url(), "GET", "/_local/host-token", null)
                            .body())
                    .path("token")
                    .asText();
            HttpResponse<String> pinned = com.liveshop.local.LocalHttp.send(
                    stack.url(),
                    "POST",
                    "/sessions/" + session + "/pin",
                    "{\"messageId\":\"" + messageId + "\"}",
                    "authorization",
                    "Bearer " + hostToken);
            assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(200);

            List<JsonNode> data = amplify.dataWhenDone();
            assertThat(data).as("output: %s", amplify.lines).hasSize(2);
            Map<String, JsonNode> byType = new java.util.HashMap<>();
            data.forEach(d -> byType.put(d.path("event").path("type").asText(), d.path("event")));
            assertThat(byType).containsOnlyKeys("chatBatch", "pinned");
            assertThat(byType.get("chatBatch").path("messages")).singleElement().satisfies(chat -> {
                assertThat(chat.path("type").asText()).isEqualTo("chat");
                assertThat(chat.path("text").asText()).isEqualTo("<b>blue?</b>");
                assertThat(chat.path("messageId").asText()).isEqualTo(messageId);
            });
            assertThat(byType.get("pinned").path("message").path("messageId").asText())
                    .isEqualTo(messageId);
        } finally {
            amplify.node.destroyForcibly();
        }
    }

    private static String liveSession() {
        String id = UUID.randomUUID().toString();
        try (var dynamo = com.liveshop.shared.aws.AwsClients.dynamoDb(new com.liveshop.shared.config.AppConfig(
                dev.samlocal.core.LocalAws.settings(Map.of("AWS_ENDPOINT_URL_DYNAMODB", stack.dynamoDbEndpoint()))))) {
            dynamo.putItem(p -> p.tableName("SessionsTable")
                    .item(Map.of(
                            "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("SESSION#" + id),
                            "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("META"),
                            "sessionId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id),
                            "status", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("LIVE"),
                            "title",
                                    software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                            "Amplify show"))));
        }
        return id;
    }

    /**
     * tools/amplify-events-subscribe.mjs in Node: amplify subscribed to {@code channel}, expecting {@code expect}
     * events, its output lines collected as they come. {@link #subscribe} returns once the emulator counts the
     * subscription.
     */
    private record Amplify(Process node, LinkedBlockingQueue<String> lines, Thread reader) {

        static Amplify subscribe(LocalAppSyncEvents events, String channel, int expect) throws Exception {
            return subscribe(events, channel, null, expect);
        }

        /** {@code lambdaToken}: subscribe with authMode 'lambda' and this token (null: the API key). */
        static Amplify subscribe(LocalAppSyncEvents events, String channel, String lambdaToken, int expect)
                throws Exception {
            int before = events.stats().subscriptions();
            ProcessBuilder builder = new ProcessBuilder("node", SCRIPT.toString())
                    .directory(WEB.toFile())
                    .redirectErrorStream(true);
            builder.environment()
                    .putAll(Map.of(
                            "ENDPOINT",
                            events.httpEndpoint(),
                            "API_KEY",
                            events.apiKey(),
                            "CHANNEL",
                            channel,
                            "EXPECT",
                            String.valueOf(expect),
                            "TIMEOUT_MS",
                            "30000"));
            if (lambdaToken != null) {
                builder.environment().put("AUTH_TOKEN", lambdaToken);
            }
            Process node = builder.start();
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader in = new BufferedReader(
                                new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                            in.lines().forEach(lines::add);
                        } catch (Exception ignored) {
                            // the process ended
                        }
                    },
                    "amplify-output");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (events.stats().subscriptions() <= before && node.isAlive() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            assertThat(events.stats().subscriptions())
                    .as("amplify's subscription (output so far: %s)", lines)
                    .isGreaterThan(before);
            return new Amplify(node, lines, reader);
        }

        /** The {@code data} lines, once Node has exited 0 after its expected events. */
        List<JsonNode> dataWhenDone() throws InterruptedException {
            assertThat(node.waitFor(30, TimeUnit.SECONDS))
                    .as("node finished (output: %s)", lines)
                    .isTrue();
            reader.join(5_000);
            assertThat(node.exitValue())
                    .as("node exit code (output: %s)", lines)
                    .isZero();
            return lines.stream()
                    .filter(l -> l.startsWith("{"))
                    .map(AmplifyEventsClientTest::parse)
                    .filter(m -> "data".equals(m.path("type").asText()))
                    .toList();
        }
    }

    private static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (Exception e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
