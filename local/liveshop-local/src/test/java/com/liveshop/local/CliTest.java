package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.samlocal.dynamodb.DynamoDbLocal;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CliTest {

    @Test
    void aTakenPortIsNamedAndTheExitCodeIsOne() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int code = LocalStack.run(
                    new String[] {
                        "--port", String.valueOf(port), "--dynamodb-port", String.valueOf(DynamoDbLocal.freePort())
                    },
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("Port " + port + " is already in use — stop what uses it or pass --port <free port>");
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("Ready");
        }
    }

    @Test
    void aTakenDynamoDbPortNamesItsOption() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = LocalStack.run(
                    new String[] {
                        "--port",
                        String.valueOf(DynamoDbLocal.freePort()),
                        "--dynamodb-port",
                        String.valueOf(taken.getLocalPort())
                    },
                    new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("pass --dynamodb-port <free port>");
        }
    }

    @Test
    void badArgumentsPrintUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LocalStack.run(
                new String[] {"--port", "seventy"},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--port must be a port number")
                .contains("Usage:");
    }

    @Test
    void parametersTheTemplateDoesNotAllowAreUsageErrorsNamingTheParameter() {
        assertRefused(
                new String[] {"--parameter", "NoSuchThing=1"},
                "--parameter NoSuchThing: NoSuchThing is not a parameter of the template");
        assertRefused(new String[] {"--parameter", "HoldSeconds"}, "--parameter needs Name=Value", "got 'HoldSeconds'");
        assertRefused(
                new String[] {"--parameter", "HoldSeconds=soon"},
                "--parameter HoldSeconds=soon: HoldSeconds must be a number");
        assertRefused(new String[] {"--parameter", "HoldSeconds=10"}, "HoldSeconds must be at least 30 (MinValue)");
        assertRefused(
                new String[] {"--parameter", "MaxQuantityPerSku=101"},
                "MaxQuantityPerSku must be at most 100 (MaxValue)");
        assertRefused(new String[] {"--parameter", "LogRetentionDays=2"}, "LogRetentionDays must be one of");
        assertRefused(
                new String[] {"--parameter", "PaymentWebhookSecretTtlSeconds=3601"},
                "PaymentWebhookSecretTtlSeconds must be at most 3600 (MaxValue)");
        assertRefused(
                new String[] {"--parameter", "ReplayBaseUrl=http://cdn.example"}, "ReplayBaseUrl", "(AllowedPattern)");
    }

    private static void assertRefused(String[] args, String... messageParts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LocalStack.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(messageParts).contains("Usage:");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("Ready");
    }

    @Test
    void theCommandPrintsOneReadyLineWithItsUrlOnceItServes() throws Exception {
        int port = DynamoDbLocal.freePort();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(
                        javaBin,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Drepo.root=" + System.getProperty("repo.root", ""),
                        LocalStack.class.getName(),
                        "--port",
                        String.valueOf(port),
                        "--dynamodb-port",
                        String.valueOf(DynamoDbLocal.freePort()),
                        "--no-seed",
                        "--no-schedules",
                        "--parameter",
                        "HoldSeconds=60"))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String ready = null;
            List<String> before = new java.util.ArrayList<>();
            String line;
            while ((line = out.readLine()) != null) {
                before.add(line);
                if (line.contains("Ready")) {
                    ready = line;
                    break;
                }
            }
            assertThat(ready)
                    .isEqualTo("Ready: live shopping local stack at http://localhost:" + port
                            + " (DynamoDB Local: http://localhost:" + ready.replaceAll(".*localhost:(\\d+)\\)$", "$1")
                            + ")");
            assertThat(before).contains("Parameters: HoldSeconds=60");
            var response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/_local/host-token"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("{\"token\":\"");
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
