package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.apigw.HttpApiEmulator;
import dev.samlocal.lambda.LocalFunction;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Issue 24, the local stack's edge: it plays CloudFront in front of the API (the origin secret on every request it
 * routes, the viewer's address in CloudFront-Viewer-Address), the functions it hosts refuse what did not come through
 * it (403 DIRECT_ACCESS), it answers only Hosts that name it (421), its controls refuse cross-site writes (403), and
 * {@code /_local} names the events endpoints on the host the page was opened at.
 */
class LocalEdgeTest {

    private static LocalStack stack;
    private static DynamoDbClient dynamo;
    private static int port;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral()
                .withSeed(false)
                .withSchedules(false)
                .withParameter("ChatTicketsPerIpPerMinute", "2")
                .withParameter("OriginSecretTtlSeconds", "1"));
        port = URI.create(stack.url()).getPort();
        dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create(stack.dynamoDbEndpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(com.liveshop.shared.aws.AwsClients.httpClient())
                .build();
    }

    @AfterAll
    static void stop() {
        if (dynamo != null) {
            dynamo.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }

    private static String liveSession() {
        String id = UUID.randomUUID().toString();
        dynamo.putItem(p -> p.tableName("SessionsTable")
                .item(Map.of(
                        "pk",
                        AttributeValue.fromS("SESSION#" + id),
                        "sk",
                        AttributeValue.fromS("META"),
                        "sessionId",
                        AttributeValue.fromS(id),
                        "status",
                        AttributeValue.fromS("LIVE"),
                        "title",
                        AttributeValue.fromS("Edge show"))));
        return id;
    }

    private static int ticket(String session, String... headers) throws Exception {
        return send("POST", "/sessions/" + session + "/chat-tickets", "{\"name\":\"Viewer\"}", headers)
                .statusCode();
    }

    /** One raw HTTP/1.1 exchange: the Java client will not send a Host of our choosing. Returns status line + body. */
    private static String raw(String method, String path, String host, String... headers) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            String body = method.equals("POST") ? "{}" : "";
            request.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.length())
                    .append("\r\nConnection: close\r\n\r\n")
                    .append(body);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    private static JsonNode body(String response) throws Exception {
        return Json.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void eachSimulatedViewerFromLoopbackIsItsOwnClientForThePerAddressLimits() throws Exception {
        String session = liveSession();
        // ChatTicketsPerIpPerMinute=2: the third ticket of one viewer is refused, another viewer still gets one.
        assertThat(ticket(session, "CloudFront-Viewer-Address", "198.51.100.7:1234"))
                .isEqualTo(201);
        assertThat(ticket(session, "CloudFront-Viewer-Address", "198.51.100.7:5555"))
                .as("another port, same viewer")
                .isEqualTo(201);
        assertThat(ticket(session, "CloudFront-Viewer-Address", "198.51.100.7:1234"))
                .isEqualTo(429);
        assertThat(ticket(session, "CloudFront-Viewer-Address", "198.51.100.8:1234"))
                .isEqualTo(201);
        // No header: the socket's own address (127.0.0.1), a client of its own; a client's X-Origin-Verify is
        // replaced by the CDN's, so a guess neither helps nor hurts.
        assertThat(ticket(session, "X-Origin-Verify", "a-guess")).isEqualTo(201);
        assertThat(ticket(session)).isEqualTo(201);
        assertThat(ticket(session)).isEqualTo(429);
    }

    @Test
    void theLocalCdnAddsTheSecretOverTheClientsAndTakesTheViewerOnlyFromLoopback() {
        List<Map.Entry<String, String>> sent = List.of(
                Map.entry("CloudFront-Viewer-Address", "198.51.100.7:1234"),
                Map.entry("x-origin-verify", "client-made"),
                Map.entry("accept", "application/json"));
        Map<String, String> fromLoopback = headers(
                HttpApiEmulator.asCloudFront(sent, "127.0.0.1", 40000, Map.of("X-Origin-Verify", "the-secret")));
        assertThat(fromLoopback)
                .containsEntry("cloudfront-viewer-address", "198.51.100.7:1234")
                .containsEntry("x-origin-verify", "the-secret")
                .containsEntry("accept", "application/json")
                .hasSize(3);
        assertThat(headers(
                        HttpApiEmulator.asCloudFront(sent, "0:0:0:0:0:0:0:1", 40000, Map.of("X-Origin-Verify", "s"))))
                .containsEntry("cloudfront-viewer-address", "198.51.100.7:1234");
        // From another machine the header is the socket's, as CloudFront's always is.
        assertThat(headers(HttpApiEmulator.asCloudFront(
                        sent, "192.0.2.44", 40001, Map.of("X-Origin-Verify", "the-secret"))))
                .containsEntry("cloudfront-viewer-address", "192.0.2.44:40001")
                .containsEntry("x-origin-verify", "the-secret");
        assertThat(headers(HttpApiEmulator.asCloudFront(List.of(), "127.0.0.1", 40002, Map.of("X-Origin-Verify", "s"))))
                .containsEntry("cloudfront-viewer-address", "127.0.0.1:40002");
        assertThat(headers(
                        HttpApiEmulator.asCloudFront(List.of(), "2001:db8::7", 40003, Map.of("X-Origin-Verify", "s"))))
                .containsEntry("cloudfront-viewer-address", "2001:db8::7:40003");
    }

    private static Map<String, String> headers(List<Map.Entry<String, String>> list) {
        Map<String, String> map = new LinkedHashMap<>();
        list.forEach(e -> map.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        return map;
    }

    @Test
    void aFunctionOfTheStackCalledWithoutTheCdnsSecretAnswers403DirectAccessAndChangesNothing() throws Exception {
        LocalFunction cart = stack.functions().stream()
                .filter(f -> f.logicalId().equals("CartFunction"))
                .findFirst()
                .orElseThrow();
        String cartId = UUID.randomUUID().toString();
        for (String secret : new String[] {null, "wrong", ""}) {
            Map<String, String> eventHeaders = new LinkedHashMap<>(
                    Map.of("content-type", "application/json", "cloudfront-viewer-address", "198.51.100.9:1"));
            if (secret != null) {
                eventHeaders.put("x-origin-verify", secret);
            }
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("version", "2.0");
            event.put("routeKey", "POST /carts/{cartId}/items");
            event.put("rawPath", "/carts/" + cartId + "/items");
            event.put("headers", eventHeaders);
            event.put("pathParameters", Map.of("cartId", cartId));
            event.put(
                    "requestContext",
                    Map.of(
                            "http",
                            Map.of("method", "POST", "path", "/carts/" + cartId + "/items", "sourceIp", "203.0.113.5"),
                            "routeKey",
                            "POST /carts/{cartId}/items",
                            "requestId",
                            "direct"));
            event.put("body", "{\"sku\":\"cds-silk-scarf\",\"quantity\":1}");
            event.put("isBase64Encoded", false);
            JsonNode answer = Json.MAPPER.readTree(cart.invoke(Json.write(event)));
            assertThat(answer.path("statusCode").asInt())
                    .as("secret %s", secret)
                    .isEqualTo(403);
            assertThat(Json.MAPPER
                            .readTree(answer.path("body").asText())
                            .path("error")
                            .path("code")
                            .asText())
                    .isEqualTo("DIRECT_ACCESS");
        }
        HttpResponse<String> view = send("GET", "/carts/" + cartId, null);
        assertThat(view.statusCode()).as(view.body()).isIn(200, 404);
        assertThat(view.body()).doesNotContain("cds-silk-scarf");
    }

    /**
     * docs/deploy.md "Rotating the origin secret", with the AWS SDK against the local Secrets Manager (the local CDN
     * sends AWSCURRENT).
     */
    @Test
    void theOriginSecretRotatesWithoutARestart() throws Exception {
        try (SecretsManagerClient secrets = SecretsManagerClient.builder()
                .endpointOverride(URI.create(stack.secretsManager().endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(com.liveshop.shared.aws.AwsClients.httpClient())
                .build()) {
            String id = LiveshopDevLayer.ORIGIN_SECRET_ID;
            String before = secrets.getSecretValue(r -> r.secretId(id)).versionId();
            assertThat(send("GET", "/products", null).statusCode()).isEqualTo(200);
            String next = "rotated-origin-secret-" + UUID.randomUUID();
            String pending = secrets.putSecretValue(
                            r -> r.secretId(id).secretString(next).versionStages("AWSPENDING"))
                    .versionId();
            Thread.sleep(1_100); // one OriginSecretTtlSeconds: every function now accepts both values
            assertThat(send("GET", "/products", null).statusCode()).isEqualTo(200);
            secrets.updateSecretVersionStage(r -> r.secretId(id)
                    .versionStage("AWSCURRENT")
                    .moveToVersionId(pending)
                    .removeFromVersionId(before));
            secrets.updateSecretVersionStage(
                    r -> r.secretId(id).versionStage("AWSPENDING").removeFromVersionId(pending));
            assertThat(stack.originSecret()).hasValue(next);
            HttpResponse<String> after = send("GET", "/products", null);
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            assertThat(secrets.getSecretValue(r -> r.secretId(id).versionStage("AWSPREVIOUS"))
                            .versionId())
                    .isEqualTo(before);
        }
    }

    @Test
    void onlyHostsThatNameTheStackAreAnsweredOnEveryPath() throws Exception {
        for (String host :
                List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "LOCALHOST", "127.0.0.1")) {
            assertThat(status(raw("GET", "/_local", host))).as(host).isEqualTo(200);
        }
        for (String host : List.of(
                "evil.example:" + port,
                "evil.example",
                "localhost.evil.example:" + port,
                "127.0.0.1.nip.io",
                "[::2]")) {
            for (String[] request : new String[][] {
                {"GET", "/_local"},
                {"GET", "/_local/host-token"},
                {"GET", "/"},
                {"GET", "/watch/x"},
                {"GET", "/products"},
                {"POST", "/_local/aws/secretsmanager"},
                {"POST", "/_local/appsync/event"},
                {"GET", "/_local/ivs/channels"}
            }) {
                String response = raw(request[0], request[1], host);
                assertThat(status(response))
                        .as("%s %s Host: %s", request[0], request[1], host)
                        .isEqualTo(421);
                assertThat(body(response).path("error").path("code").asText()).isEqualTo("MISDIRECTED_REQUEST");
                assertThat(response).doesNotContain("token").doesNotContain(stack.paymentWebhookSecret());
            }
        }
    }

    @Test
    void aCrossSiteWriteToTheControlsIsRefusedAndScriptsWithoutOriginPass() throws Exception {
        String path = "/_local/payments/" + UUID.randomUUID();
        String host = "localhost:" + port;
        String crossSite = raw("POST", path, host, "Origin", "http://evil.example");
        assertThat(status(crossSite)).isEqualTo(403);
        assertThat(body(crossSite).path("error").path("code").asText()).isEqualTo("CROSS_SITE_REQUEST");
        assertThat(status(raw("POST", path, host, "Origin", "http://127.0.0.1:" + port)))
                .as("another origin of the same machine")
                .isEqualTo(403);
        assertThat(status(raw("POST", "/_local/schedules/HoldExpiryFunction/run", host, "Origin", "null")))
                .isEqualTo(403);
        // The stack's own page, and a script that sends no Origin, reach the control (here: no such order).
        assertThat(status(raw("POST", path, host, "Origin", "http://" + host))).isNotEqualTo(403);
        assertThat(status(raw("POST", path, "127.0.0.1:" + port, "Origin", "http://127.0.0.1:" + port)))
                .isNotEqualTo(403);
        assertThat(status(raw("POST", path, host))).isNotEqualTo(403);
        // Reads stay readable to the stack's own pages wherever they were opened; the API is not a control.
        assertThat(status(raw("GET", "/_local", host, "Origin", "http://evil.example")))
                .isEqualTo(200);
    }

    @Test
    void theEventsEndpointsAreOnTheHostThePageWasOpenedAt() throws Exception {
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port)) {
            JsonNode events = body(raw("GET", "/_local", host)).path("events");
            assertThat(events.path("http").asText()).as(host).startsWith("http://" + host + "/");
            assertThat(events.path("realtime").asText()).as(host).startsWith("ws://" + host + "/");
        }
        // And the endpoint answers there: a page at 127.0.0.1 publishes and subscribes same-origin.
        JsonNode events = body(raw("GET", "/_local", "127.0.0.1:" + port)).path("events");
        HttpResponse<String> publish = LocalHttp.send(
                events.path("http").asText().replace("/_local/appsync/event", ""),
                "POST",
                "/_local/appsync/event",
                "{\"channel\":\"/shows/x\",\"events\":[\"{}\"]}",
                "x-api-key",
                events.path("apiKey").asText());
        assertThat(publish.statusCode()).as(publish.body()).isNotEqualTo(421);
    }
}
