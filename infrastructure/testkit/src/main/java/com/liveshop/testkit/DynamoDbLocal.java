package com.liveshop.testkit;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local, in-memory, inside this JVM, listening on a port for the real SDK client. {@code -sharedDb}: one
 * database whatever the caller's access key and region, so the AWS CLI or NoSQL Workbench with a developer's own
 * credentials sees the same tables as the functions.
 */
public final class DynamoDbLocal implements AutoCloseable {

    private final DynamoDBProxyServer server;
    private final int port;

    private DynamoDbLocal(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts on {@code port} (0 = any free port). */
    public static DynamoDbLocal start(int port) {
        int chosen = port == 0 ? freePort() : port;
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-sharedDb", "-port", String.valueOf(chosen), "-disableTelemetry"});
            server.start();
            return new DynamoDbLocal(server, chosen);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start DynamoDB Local on port " + chosen + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Settings every local client needs: region, static credentials, this endpoint. */
    public Map<String, String> clientSettings() {
        return LocalAws.settings(Map.of("AWS_ENDPOINT_URL_DYNAMODB", endpoint()));
    }

    public DynamoDbClient client() {
        return AwsClients.dynamoDb(new AppConfig(clientSettings()));
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop DynamoDB Local", e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port", e);
        }
    }
}
