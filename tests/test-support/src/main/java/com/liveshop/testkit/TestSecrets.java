package com.liveshop.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets Manager's GetSecretValue for a function module's tests (AWS JSON 1.1 on loopback): the real
 * {@code SecretsManagerClient} behind {@code RuntimeSecret} reads the keys a fixture puts here, so a test covers the
 * run-time read the template wires (a {@code *_SECRET_ARN} variable, never the value). An unknown id answers
 * {@code ResourceNotFoundException} as the service does. The local stack has the full emulator.
 */
public final class TestSecrets implements AutoCloseable {

    private static final Pattern SECRET_ID = Pattern.compile("\"SecretId\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpServer server;
    private final Map<String, String> values = new ConcurrentHashMap<>();
    /** GetSecretValue calls answered: a key is read once per execution environment. */
    public final AtomicInteger reads = new AtomicInteger();

    public TestSecrets() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = SECRET_ID.matcher(body);
            String id = m.find() ? m.group(1) : "";
            String value = values.get(id);
            String answer;
            int status;
            if (value == null) {
                status = 400;
                answer = "{\"__type\":\"ResourceNotFoundException\",\"message\":"
                        + "\"Secrets Manager can't find the specified secret.\"}";
            } else {
                reads.incrementAndGet();
                status = 200;
                answer = "{\"ARN\":\"" + id
                        + "\",\"Name\":\"test\",\"VersionId\":\"v1\",\"VersionStages\":[\"AWSCURRENT\"],"
                        + "\"SecretString\":\"" + value + "\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    /** Stores {@code value} (letters and digits) under {@code arn}; returns the ARN. */
    public String put(String arn, String value) {
        values.put(arn, value);
        return arn;
    }

    /** What AWS_ENDPOINT_URL_SECRETS_MANAGER must be for the SDK to call here. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The endpoint variable and {@code variable} = the ARN of a secret holding {@code value}. */
    public Map<String, String> settings(String variable, String arn, String value) {
        put(arn, value);
        return Map.of("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint(), variable, arn);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
