package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import com.liveshop.testkit.TableSnapshot;
import dev.samlocal.Options;
import dev.samlocal.lambda.LocalFunction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 13: a corpus of malformed requests ({@link FuzzCorpus}) against every route of the template on the whole local
 * stack, plus malformed AppSync Events real-time frames and HTTP publishes. Every answer must be a 4xx in the API's
 * JSON error shape ({@code {"error":{"code":…,"message":…}}}), never a 2xx, 3xx or 5xx, and a snapshot of the three
 * tables before and after must be equal: bad input writes nothing. All failures are reported at once.
 */
class FuzzCorpusTest {

    /** Longer than a stream poll (250 ms) plus the largest batching window in the template (1 s). */
    private static final long SETTLE_MILLIS = 2_500;

    /** A snapshot that stayed the same for {@link #SETTLE_MILLIS} (at most 30 s of waiting). */
    private static List<Map<String, AttributeValue>> settled(
            software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo) throws InterruptedException {
        List<Map<String, AttributeValue>> last =
                TableSnapshot.of(dynamo, "CatalogTable", "ReservationsTable", "SessionsTable");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            Thread.sleep(SETTLE_MILLIS);
            List<Map<String, AttributeValue>> now =
                    TableSnapshot.of(dynamo, "CatalogTable", "ReservationsTable", "SessionsTable");
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("The tables kept changing for 30 s after the fixtures");
    }

    private static LocalStack stack;
    private static DynamoDbClient dynamo;
    private static HttpClient http;
    private static String hostToken;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create(stack.dynamoDbEndpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(com.liveshop.shared.aws.AwsClients.httpClient())
                .build();
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        hostToken = LocalHttp.json(LocalHttp.send(stack.url(), "GET", "/_local/host-token", null))
                .get("token")
                .asText();
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

    @Test
    void everyMalformedRequestAndFrameIsRefusedWithAJson4xxAndWritesNothing() throws Exception {
        JsonNode index = LocalHttp.json(LocalHttp.send(stack.url(), "GET", "/_local", null));
        Map<String, String> routes = new TreeMap<>();
        index.path("routes")
                .forEach(r ->
                        routes.put(r.path("routeKey").asText(), r.path("auth").asText()));
        assertThat(routes).as("routes from GET /_local").hasSizeGreaterThan(20);

        FuzzCorpus.Fixtures fixtures =
                fixtures(index.path("paymentWebhookSecret").asText());
        FuzzCorpus generator = new FuzzCorpus(fixtures);
        for (FuzzCorpus.Case c : generator.baseline()) {
            Answer a = send(c);
            assertThat(a.status)
                    .as(
                            "the valid request of %s (the corpus's body variants must reach the body checks): %s",
                            c.route(), a.body)
                    .isBetween(200, 299);
        }
        // The valid requests start asynchronous work (stream consumers: the stock frame's lease, order events):
        // the baseline is taken once the tables stop changing, so only the corpus can change them after.
        List<Map<String, AttributeValue>> before = settled(dynamo);

        List<FuzzCorpus.Case> corpus = generator.generate(routes);
        Map<Integer, Integer> histogram = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (FuzzCorpus.Case c : corpus) {
            Answer a;
            try {
                a = send(c);
            } catch (IOException e) {
                // The JDK client reused a connection the server had just closed after refusing the previous
                // request: once more on a fresh socket, so only the server's answer to this request counts.
                a = null;
                IOException last = e;
                for (int attempt = 0; attempt < 3 && a == null; attempt++) {
                    try {
                        a = sendRaw(c);
                    } catch (IOException again) {
                        last = again;
                    }
                }
                if (a == null) {
                    a = new Answer(-1, null, "no answer: " + e + " / " + last);
                }
            }
            histogram.merge(a.status, 1, Integer::sum);
            String problem = problem(c.route(), a);
            if (problem != null) {
                failures.add(c.describe() + " → " + a.status + " " + problem + ": " + abbreviate(a.body));
            }
        }
        long httpMillis = (System.nanoTime() - started) / 1_000_000;

        int frames = realtimeFrames(failures);
        int publishes = httpPublishes(failures);
        int direct = directAccess(index, failures);

        // Whatever the corpus set off asynchronously has had the same time to land as the baseline's work.
        Thread.sleep(SETTLE_MILLIS);
        List<Map<String, AttributeValue>> after =
                TableSnapshot.of(dynamo, "CatalogTable", "ReservationsTable", "SessionsTable");
        System.out.printf(
                "Fuzz corpus: %d HTTP requests over %d routes in %d ms, statuses %s; %d real-time frames; "
                        + "%d HTTP publishes;" + " %d direct invocations (403 DIRECT_ACCESS)%n",
                corpus.size(), routes.size(), httpMillis, histogram, frames, publishes, direct);
        if (!before.equals(after)) {
            failures.add("Tables changed: " + diff(before, after));
        }
        assertThat(corpus.size()).isGreaterThanOrEqualTo(1000);
        assertThat(failures)
                .as(
                        "%d failures of %d requests, %d frames and %d publishes:%n%s",
                        failures.size(), corpus.size(), frames, publishes, String.join("\n", failures))
                .isEmpty();
    }

    /**
     * Every route's function called the way the execute-api URL would reach it, around the CDN: without the origin
     * secret, or with a guess (and a viewer address the caller made up). Each must answer 403 DIRECT_ACCESS before its
     * route runs, so nothing is written (the table snapshot checks it).
     */
    private static int directAccess(JsonNode index, List<String> failures) throws Exception {
        Map<String, LocalFunction> functions = new java.util.HashMap<>();
        stack.functions().forEach(f -> functions.put(f.logicalId(), f));
        int sent = 0;
        for (JsonNode route : index.path("routes")) {
            LocalFunction function = functions.get(route.path("function").asText());
            if (function == null || !function.available()) {
                continue;
            }
            String routeKey = route.path("routeKey").asText();
            String method = routeKey.substring(0, routeKey.indexOf(' '));
            String path = routeKey.substring(routeKey.indexOf(' ') + 1)
                    .replaceAll("\\{[^}]+}", "6f1c2a9e-1b1d-4c8e-9a51-0d2b3c4d5e6f");
            for (String secret : new String[] {null, "guess"}) {
                Map<String, String> headers = new java.util.LinkedHashMap<>();
                headers.put("content-type", "application/json");
                headers.put("cloudfront-viewer-address", "198.51.100.7:1");
                if (secret != null) {
                    headers.put("x-origin-verify", secret);
                }
                Map<String, Object> event = new java.util.LinkedHashMap<>();
                event.put("version", "2.0");
                event.put("routeKey", routeKey);
                event.put("rawPath", path);
                event.put("headers", headers);
                event.put(
                        "requestContext",
                        Map.of(
                                "http",
                                Map.of("method", method, "path", path, "sourceIp", "203.0.113.5"),
                                "routeKey",
                                routeKey,
                                "requestId",
                                "direct-" + sent));
                event.put("body", "{}");
                event.put("isBase64Encoded", false);
                JsonNode answer = Json.MAPPER.readTree(function.invoke(Json.write(event)));
                sent++;
                String code = answer.path("statusCode").asInt() == 403
                        ? Json.MAPPER
                                .readTree(answer.path("body").asText())
                                .path("error")
                                .path("code")
                                .asText()
                        : "";
                if (!code.equals("DIRECT_ACCESS")) {
                    failures.add(routeKey + " [direct, secret " + secret + "] → "
                            + answer.path("statusCode").asInt() + " "
                            + abbreviate(answer.path("body").asText()));
                }
            }
        }
        return sent;
    }

    // ------------------------------------------------------------------ fixtures

    /**
     * A product, a session, a cart holding one unit and a chat ticket: the ids the routes need to reach their body
     * checks.
     */
    private static FuzzCorpus.Fixtures fixtures(String webhookSecret) throws Exception {
        String sku = "fuzz-kettle";
        expect(
                LocalHttp.send(
                        stack.url(),
                        "PUT",
                        "/products/" + sku,
                        "{\"title\":\"Kettle\",\"priceCents\":2500,\"currency\":\"USD\",\"stock\":50}",
                        "authorization",
                        "Bearer " + hostToken),
                201);
        JsonNode session = LocalHttp.json(expect(
                LocalHttp.send(
                        stack.url(),
                        "POST",
                        "/sessions",
                        "{\"title\":\"Fuzz show\",\"startsAt\":\""
                                + Instant.now().plusSeconds(3600) + "\",\"lineup\":[\"" + sku + "\"]}",
                        "authorization",
                        "Bearer " + hostToken),
                201));
        String sessionId = session.path("sessionId").asText();
        // Live, so the routes that need a live show (highlights, chat) reach their body checks.
        expect(
                LocalHttp.send(
                        stack.url(),
                        "POST",
                        "/_local/ivs/broadcast",
                        "{\"channelArn\":\"" + session.path("channelArn").asText() + "\",\"action\":\"start\"}"),
                200);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!LocalHttp.json(LocalHttp.send(stack.url(), "GET", "/sessions/" + sessionId, null))
                .path("status")
                .asText()
                .equals("LIVE")) {
            assertThat(System.nanoTime()).as("the fixture show goes live").isLessThan(deadline);
            Thread.sleep(50);
        }
        String cartId = UUID.randomUUID().toString();
        expect(
                LocalHttp.send(
                        stack.url(), "POST", "/carts/" + cartId + "/items", "{\"sku\":\"" + sku + "\",\"quantity\":1}"),
                201);
        JsonNode ticket = LocalHttp.json(expect(
                LocalHttp.send(
                        stack.url(), "POST", "/sessions/" + sessionId + "/chat-tickets", "{\"name\":\"Fuzzer\"}"),
                201));
        String nonHost = LocalHttp.json(
                        LocalHttp.send(stack.url(), "GET", "/_local/token?email=viewer@example.com", null))
                .path("token")
                .asText();
        return new FuzzCorpus.Fixtures(
                sku,
                sessionId,
                cartId,
                ticket.path("ticket").asText(),
                ticket.path("ticketId").asText(),
                hostToken,
                nonHost,
                webhookSecret);
    }

    private static HttpResponse<String> expect(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as("%s %s", r.request().uri(), r.body()).isEqualTo(status);
        return r;
    }

    // ------------------------------------------------------------------ HTTP

    record Answer(int status, String contentType, String body) {}

    /**
     * The reminder emails' link routes: a person opens them in a browser, so they answer an HTML page, 400 when the
     * link is bad.
     */
    private static final java.util.Set<String> LINK_ROUTES =
            java.util.Set.of("GET /reminders/confirm", "GET /reminders/unsubscribe", "POST /reminders/unsubscribe");

    /**
     * Null when the answer is a 4xx with the JSON error shape (or, for a link route, the 400 "invalid or expired" HTML
     * page), else what is wrong with it.
     */
    private static String problem(String route, Answer a) {
        if (a.status < 400 || a.status > 499) {
            return "not a 4xx";
        }
        if (LINK_ROUTES.contains(route)
                && a.status == 400
                && a.contentType != null
                && a.contentType.toLowerCase(Locale.ROOT).startsWith("text/html")) {
            return a.body.contains("This link is invalid or has expired")
                    ? null
                    : "an HTML 400 that is not the invalid-link page";
        }
        if (a.contentType == null || !a.contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return "content-type " + a.contentType;
        }
        try {
            JsonNode error = Json.MAPPER.readTree(a.body).path("error");
            if (!error.path("code").isTextual() || !error.path("message").isTextual()) {
                return "no error.code/error.message";
            }
        } catch (Exception e) {
            return "body is not JSON";
        }
        return null;
    }

    private static Answer send(FuzzCorpus.Case c) throws Exception {
        if (!c.rawTarget()) {
            HttpRequest request;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stack.url() + c.target()))
                        .timeout(Duration.ofSeconds(30))
                        .method(
                                c.method(),
                                c.body() == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(c.body()));
                if (c.contentType() != null) {
                    b.header("content-type", c.contentType());
                }
                for (int i = 0; i < c.headers().size(); i += 2) {
                    b.header(c.headers().get(i), c.headers().get(i + 1));
                }
                request = b.build();
            } catch (IllegalArgumentException e) {
                return sendRaw(c); // a header or target the JDK client will not send: over a plain socket
            }
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    r.statusCode(), r.headers().firstValue("content-type").orElse(null), r.body());
        }
        return sendRaw(c);
    }

    /** HTTP/1.1 over a socket, byte for byte as given: for targets and header values {@link HttpClient} refuses. */
    private static Answer sendRaw(FuzzCorpus.Case c) throws IOException {
        URI base = URI.create(stack.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            // A case may name its own Host (a rebinding page's); else the stack's.
            boolean ownHost = false;
            for (int i = 0; i < c.headers().size(); i += 2) {
                ownHost |= c.headers().get(i).equalsIgnoreCase("host");
            }
            head.writeBytes((c.method() + " " + c.target() + " HTTP/1.1\r\n"
                            + (ownHost ? "" : "Host: " + base.getAuthority() + "\r\n") + "Connection: close\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            if (c.contentType() != null) {
                head.writeBytes(("Content-Type: " + c.contentType() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < c.headers().size(); i += 2) {
                head.writeBytes(
                        (c.headers().get(i) + ": " + c.headers().get(i + 1) + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            byte[] body = c.body() == null ? new byte[0] : c.body();
            head.writeBytes(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            IOException writeFailed = null;
            try {
                out.write(head.toByteArray());
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // The server may answer (431) and close before it has read all of an oversized request: the
                // write then fails, and the answer is still there to read.
                writeFailed = e;
            }
            Answer answer;
            try {
                answer = parseRaw(socket.getInputStream().readAllBytes());
            } catch (IOException e) {
                throw writeFailed != null ? writeFailed : e;
            }
            if (answer.status < 0 && writeFailed != null) {
                throw writeFailed;
            }
            return answer;
        }
    }

    private static Answer parseRaw(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Answer(-1, null, text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            StringBuilder out = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = body.indexOf("\r\n", at);
                int size = Integer.parseInt(
                        body.substring(at, lineEnd).split(";")[0].strip(), 16);
                if (size == 0) {
                    break;
                }
                out.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
            body = out.toString();
        }
        return new Answer(
                status,
                headers.get("content-type"),
                new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ AppSync Events

    /** Malformed real-time frames: each gets an error message and the connection stays usable. Returns the count. */
    private static int realtimeFrames(List<String> failures) throws Exception {
        String host = URI.create(stack.events().httpEndpoint()).getAuthority();
        Map<String, String> auth =
                Map.of("host", host, "x-api-key", stack.events().apiKey());
        String authJson = Json.write(auth);
        String ok = "/shows/" + UUID.randomUUID();
        String big = "\"" + "x".repeat(245 * 1024) + "\"";
        List<String> frames = new ArrayList<>(List.of(
                "not json",
                "{",
                "[]",
                "[1,2]",
                "1",
                "\"connection_init\"",
                "null",
                "true",
                "{}",
                "{\"type\":\"\"}",
                "{\"type\":\"bogus\"}",
                "{\"type\":1}",
                "{\"type\":{}}",
                "{\"type\":\"SUBSCRIBE\",\"id\":\"u1\",\"channel\":\"" + ok + "\"}",
                "{\"type\":\"subscribe\\u0000\",\"id\":\"c1\",\"channel\":\"" + ok + "\"}",
                "{\"type\":\"subscribe\",\"type\":\"publish\",\"id\":\"d1\",\"channel\":\"" + ok + "\"}",
                "{\"type\":\"subscribe\",\"id\":\"d2\",\"channel\":\"" + ok
                        + "\",\"channel\":\"/shows/other\",\"authorization\":" + authJson + "}",
                "{\"type\":\"subscribe\"}",
                "{\"type\":\"subscribe\",\"channel\":\"" + ok + "\",\"authorization\":" + authJson + "}",
                "{\"type\":\"subscribe\",\"id\":\"\",\"channel\":\"" + ok + "\",\"authorization\":" + authJson + "}",
                "{\"type\":\"subscribe\",\"id\":\"n1\",\"authorization\":" + authJson + "}",
                "{\"type\":\"subscribe\",\"id\":\"n2\",\"channel\":\"" + ok + "\"}",
                "{\"type\":\"subscribe\",\"id\":\"n3\",\"channel\":\"" + ok
                        + "\",\"authorization\":{\"x-api-key\":\"wrong\",\"host\":\"" + host + "\"}}",
                "{\"type\":\"subscribe\",\"id\":\"n4\",\"channel\":\"/hosts/" + UUID.randomUUID()
                        + "\",\"authorization\":" + authJson + "}",
                "{\"type\":\"unsubscribe\",\"id\":\"never-subscribed\"}",
                "{\"type\":\"unsubscribe\"}",
                "{\"type\":\"publish\",\"id\":\"p0\",\"channel\":\"" + ok + "\",\"events\":[],\"authorization\":"
                        + authJson + "}",
                "{\"type\":\"publish\",\"id\":\"p6\",\"channel\":\"" + ok
                        + "\",\"events\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"],\"authorization\":" + authJson + "}",
                "{\"type\":\"publish\",\"id\":\"pn\",\"channel\":\"" + ok + "\",\"events\":[1],\"authorization\":"
                        + authJson + "}",
                "{\"type\":\"publish\",\"id\":\"po\",\"channel\":\"" + ok
                        + "\",\"events\":[{\"a\":1}],\"authorization\":" + authJson + "}",
                "{\"type\":\"publish\",\"id\":\"pj\",\"channel\":\"" + ok
                        + "\",\"events\":[\"not json\"],\"authorization\":" + authJson + "}",
                "{\"type\":\"publish\",\"id\":\"ps\",\"channel\":\"" + ok + "\",\"events\":\"{}\",\"authorization\":"
                        + authJson + "}",
                "{\"type\":\"publish\",\"id\":\"pb\",\"channel\":\"" + ok + "\",\"events\":[" + Json.write(big)
                        + "],\"authorization\":" + authJson + "}",
                "{\"type\":\"publish\",\"id\":\"pc\",\"events\":[\"{}\"],\"authorization\":" + authJson + "}",
                "{\"type\":\"publish\",\"id\":\"pa\",\"channel\":\"" + ok + "\",\"events\":[\"{}\"]}"));
        for (String channel : List.of(
                "",
                "/",
                "/shows/",
                "/shows//x",
                "//shows/x",
                "/shows/" + "a".repeat(51),
                "/shows/a/b/c/d/e",
                "/unknown/x",
                "/shows/a b",
                "/shows/\\u0000",
                "/shows/\\u001b[31m",
                "/shows/\\ud800",
                "/shows/../hosts/x",
                "/shows/*/x",
                "/shows/a*",
                "/shows/ä",
                "/shows/a.b",
                "/*",
                "/shows/a?b=c",
                "/shows/%2F")) {
            frames.add("{\"type\":\"subscribe\",\"id\":\"ch-" + frames.size() + "\",\"channel\":\"" + channel
                    + "\",\"authorization\":" + authJson + "}");
            frames.add("{\"type\":\"publish\",\"id\":\"pch-" + frames.size() + "\",\"channel\":\"" + channel
                    + "\",\"events\":[\"{}\"],\"authorization\":" + authJson + "}");
        }
        for (String channel : List.of(1, true, Map.of(), List.of("/shows/x")).stream()
                .map(Json::write)
                .toList()) {
            frames.add("{\"type\":\"subscribe\",\"id\":\"ct-" + frames.size() + "\",\"channel\":" + channel
                    + ",\"authorization\":" + authJson + "}");
        }

        int sent = 0;
        // Before connection_init nothing but init is allowed.
        try (Frames ws =
                Frames.open(Map.of("host", host, "x-api-key", stack.events().apiKey()))) {
            for (String f : List.of(
                    "{\"type\":\"subscribe\",\"id\":\"early\",\"channel\":\"" + ok + "\",\"authorization\":" + authJson
                            + "}",
                    "{\"type\":\"publish\",\"id\":\"early-p\",\"channel\":\"" + ok
                            + "\",\"events\":[\"{}\"],\"authorization\":" + authJson + "}")) {
                sent++;
                checkError(ws, f, failures);
            }
        }
        // A connection whose header fails auth: connection_error, then the server closes (the protocol's answer).
        for (Map<String, String> header : List.of(
                Map.of("host", host, "x-api-key", "wrong"),
                Map.<String, String>of(),
                Map.of("host", host, "Authorization", "Bearer garbage"))) {
            try (Frames ws = Frames.open(header)) {
                sent++;
                ws.sendText("{\"type\":\"connection_init\"}");
                JsonNode m = ws.next();
                if (m == null
                        || !m.path("type").asText().equals("connection_error")
                        || !m.path("errors").path(0).path("errorType").isTextual()) {
                    failures.add("frame connection_init with header " + header.keySet() + " → " + m);
                }
            }
        }
        Frames ws = acked(auth);
        try {
            for (String f : frames) {
                sent++;
                checkError(ws, f, failures);
                if (ws.isClosed()) { // the protocol closes only on a failed connection_init: record it, go on
                    failures.add("frame " + abbreviate(f) + " closed the connection" + ws.closed());
                    ws = acked(auth);
                }
            }
            // Still usable: a valid subscribe succeeds, then the same id again is refused.
            String valid = "{\"type\":\"subscribe\",\"id\":\"after\",\"channel\":\"" + ok + "\",\"authorization\":"
                    + authJson + "}";
            ws.sendText(valid);
            JsonNode m = ws.next();
            if (m == null || !m.path("type").asText().equals("subscribe_success")) {
                failures.add("frame: a valid subscribe after the corpus → " + m);
            }
            sent++;
            checkError(ws, valid, failures);
        } finally {
            ws.close();
        }
        return sent;
    }

    private static Frames acked(Map<String, String> auth) throws InterruptedException {
        Frames ws = Frames.open(auth);
        ws.sendText("{\"type\":\"connection_init\"}");
        JsonNode ack = ws.next();
        assertThat(ack).isNotNull();
        assertThat(ack.path("type").asText()).isEqualTo("connection_ack");
        return ws;
    }

    private static void checkError(Frames ws, String frame, List<String> failures) throws Exception {
        try {
            ws.sendText(frame);
        } catch (java.util.concurrent.CompletionException e) {
            failures.add("frame " + abbreviate(frame) + " could not be sent: " + e.getCause() + ws.closed());
            return;
        }
        JsonNode m = ws.next();
        String type = m == null ? "" : m.path("type").asText();
        if (m == null
                || !(type.endsWith("_error") || type.equals("error"))
                || !m.path("errors").path(0).path("errorType").isTextual()) {
            failures.add("frame " + abbreviate(frame) + " → "
                    + (m == null ? "no answer" + ws.closed() : abbreviate(m.toString())));
        }
    }

    /**
     * Malformed HTTP publishes, with no key, a wrong key and the (subscribe-only) API key: each a 4xx with errors[].
     */
    private static int httpPublishes(List<String> failures) {
        String endpoint = stack.events().httpEndpoint();
        String ok = "/shows/" + UUID.randomUUID();
        List<String> bodies = List.of(
                "",
                "not json",
                "{",
                "[]",
                "1",
                "null",
                "{}",
                "{\"channel\":\"" + ok + "\"}",
                "{\"channel\":\"" + ok + "\",\"events\":[]}",
                "{\"channel\":\"" + ok + "\",\"events\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"]}",
                "{\"channel\":\"" + ok + "\",\"events\":[1]}",
                "{\"channel\":\"" + ok + "\",\"events\":[\"not json\"]}",
                "{\"channel\":\"" + ok + "\",\"events\":\"{}\"}",
                "{\"channel\":\"" + ok + "\",\"events\":[" + Json.write("\"" + "x".repeat(245 * 1024) + "\"") + "]}",
                "{\"channel\":\"/nope/x\",\"events\":[\"{}\"]}",
                "{\"channel\":\"shows\",\"events\":[\"{}\"]}",
                "{\"channel\":\"/shows/\\u0000\",\"events\":[\"{}\"]}",
                "{\"channel\":1,\"events\":[\"{}\"]}",
                "{\"channel\":\"" + ok + "\",\"channel\":\"/shows/b\",\"events\":[\"{}\"]}",
                "{\"channel\":\"" + ok + "\",\"events\":[\"{}\"]}");
        List<List<String>> auths = List.of(
                List.of(),
                List.of("x-api-key", "wrong"),
                List.of("x-api-key", stack.events().apiKey()),
                List.of(
                        "authorization",
                        "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/appsync/aws4_request, "
                                + "SignedHeaders=host, Signature=00"));
        int sent = 0;
        for (List<String> auth : auths) {
            for (String body : bodies) {
                for (String contentType : List.of("application/json", "text/plain")) {
                    sent++;
                    try {
                        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint))
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .header("content-type", contentType);
                        for (int i = 0; i < auth.size(); i += 2) {
                            b.header(auth.get(i), auth.get(i + 1));
                        }
                        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                        JsonNode json =
                                r.statusCode() >= 400 && r.statusCode() < 500 ? Json.MAPPER.readTree(r.body()) : null;
                        if (json == null
                                || !json.path("errors")
                                        .path(0)
                                        .path("errorType")
                                        .isTextual()) {
                            failures.add("publish " + auth + " " + contentType + " " + abbreviate(body) + " → "
                                    + r.statusCode() + " " + abbreviate(r.body()));
                        }
                    } catch (Exception e) {
                        failures.add("publish " + auth + " " + abbreviate(body) + " → " + e);
                    }
                }
            }
        }
        return sent;
    }

    /** One real-time connection: text frames in, JSON messages out (unparseable ones as a marker). */
    private static final class Frames implements WebSocket.Listener, AutoCloseable {
        private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final CompletableFuture<String> closed = new CompletableFuture<>();
        private WebSocket socket;

        static Frames open(Map<String, String> header) {
            Frames f = new Frames();
            String encoded = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(Json.write(header).getBytes(StandardCharsets.UTF_8));
            f.socket = http.newWebSocketBuilder()
                    .subprotocols("aws-appsync-event-ws", "header-" + encoded)
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(stack.events().realtimeEndpoint()), f)
                    .join();
            return f;
        }

        void sendText(String text) {
            socket.sendText(text, true).join();
        }

        /** The next message other than a keep-alive, or null after 5 s. */
        JsonNode next() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                JsonNode m = received.poll(50, TimeUnit.MILLISECONDS);
                if (m != null && !m.path("type").asText().equals("ka")) {
                    return m;
                }
                if (m == null && closed.isDone()) {
                    return null;
                }
            }
            return null;
        }

        boolean isClosed() {
            return closed.isDone();
        }

        String closed() {
            return closed.isDone() ? " (closed " + closed.join() + ")" : "";
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received.add(Json.MAPPER.readTree(partial.toString()));
                } catch (Exception e) {
                    received.add(Json.MAPPER
                            .createObjectNode()
                            .put("type", "unparseable")
                            .put("text", partial.toString()));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(error.toString());
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String diff(List<Map<String, AttributeValue>> before, List<Map<String, AttributeValue>> after) {
        List<String> out = new ArrayList<>();
        after.stream().filter(i -> !before.contains(i)).limit(10).forEach(i -> out.add("+ " + i));
        before.stream().filter(i -> !after.contains(i)).limit(10).forEach(i -> out.add("- " + i));
        return String.join("\n", out);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String flat = s.replaceAll("\\p{Cntrl}", "?");
        return flat.length() > 300 ? flat.substring(0, 300) + "…(" + flat.length() + " chars)" : flat;
    }
}
