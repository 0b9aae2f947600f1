package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code local-stack.jar}, as the README runs it: every handler class of the template and every library it
 * needs must be inside the jar (the in-process tests cannot see a class missing from it).
 */
class LocalStackJarIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern READY = Pattern.compile("Ready: .* at (http://\\S+)");
    private static Process process;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        Path jar = Path.of("target", "local-stack.jar");
        assertThat(jar).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(
                        java,
                        "-jar",
                        jar.toString(),
                        "--port",
                        "0",
                        "--dynamodb-port",
                        "0",
                        "--no-schedules",
                        "--template",
                        Path.of(System.getProperty("repo.root"), "template.yaml")
                                .toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
                throw new IllegalStateException("local-stack.jar exited without a Ready line");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        url = ready.get(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (process != null) {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyRouteOfTheTemplateIsAnsweredByItsHandlerNotByAMissingClass() throws Exception {
        String token =
                json(send("GET", "/_local/host-token", null, null)).get("token").asText();
        List<String> routeKeys =
                json(send("GET", "/_local", null, null)).get("routes").findValuesAsText("routeKey");
        assertThat(routeKeys).contains("POST /sessions", "POST /carts/{cartId}/items");
        for (String routeKey : routeKeys) {
            String[] parts = routeKey.split(" ", 2);
            String path = parts[1].replaceAll("\\{[^}]+}", "x");
            HttpResponse<String> response = send(parts[0], path, token, "{}");
            // Bad input on purpose: each handler must load and answer 4xx (or 2xx), never 501/5xx.
            assertThat(response.statusCode())
                    .as(routeKey + " → " + response.body())
                    .isBetween(200, 499);
        }
    }

    @Test
    void aSessionIsCreatedThroughTheBundledIvsClient() throws Exception {
        String token =
                json(send("GET", "/_local/host-token", null, null)).get("token").asText();
        HttpResponse<String> created = send(
                "POST",
                "/sessions",
                token,
                "{\"title\":\"Jar show\",\"startsAt\":\"" + Instant.now().plusSeconds(600)
                        + "\",\"lineup\":[\"cds-cashmere-sweater\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created).get("channelArn").asText()).startsWith("arn:aws:ivs:");
    }

    /** The API contract and its reference page come from inside the jar (copied there at build time). */
    @Test
    void theContractAndItsReferencePageAreInTheJar() throws Exception {
        HttpResponse<String> yaml = send("GET", "/openapi.yaml", null, null);
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.body()).startsWith("openapi: 3.1.0");
        HttpResponse<String> docs = send("GET", "/docs", null, null);
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/openapi.yaml");
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }
}
