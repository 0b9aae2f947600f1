package dev.samlocal.dynamodb;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import dev.samlocal.core.LocalAws;
import dev.samlocal.core.UsageCounter;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local, in-memory, inside this JVM, listening on a port for the real SDK client. {@code -sharedDb}: one
 * database whatever the caller's access key and region, so the AWS CLI or NoSQL Workbench with a developer's own
 * credentials sees the same tables as the functions.
 *
 * <p>It listens on one address, loopback unless asked otherwise: DynamoDB Local answers anyone with any credentials,
 * and the tables hold buyers' emails. Its own launcher ({@code ServerRunner}) always binds every interface, so this
 * builds the same request handler (in memory, shared, no telemetry) and serves it from a Jetty connector bound to
 * {@code host}.
 */
public final class DynamoDbLocal implements AutoCloseable {

    public static final String LOOPBACK = "127.0.0.1";

    private final Server server;
    private final LocalDynamoDBServerHandler handler;
    private final int port;
    private final UsageCounter requests;

    private DynamoDbLocal(Server server, LocalDynamoDBServerHandler handler, int port, UsageCounter requests) {
        this.server = server;
        this.handler = handler;
        this.port = port;
        this.requests = requests;
    }

    /** Starts on loopback, {@code port} (0 = any free port). */
    public static DynamoDbLocal start(int port) {
        return start(LOOPBACK, port);
    }

    /** Starts on {@code host} ("0.0.0.0": every interface), {@code port} (0 = any free port). */
    public static DynamoDbLocal start(String host, int port) {
        int chosen = port == 0 ? freePort() : port;
        try {
            // In memory, no db path, one shared database, transient statuses not delayed: ServerRunner's
            // "-inMemory -sharedDb" without its all-interfaces connector and telemetry.
            LocalDynamoDBServerHandler handler =
                    new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, true, null, true, false), null);
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(host);
            connector.setPort(chosen);
            server.addConnector(connector);
            UsageCounter requests = new UsageCounter();
            // Its routes (the proxy server itself is never started), behind a counter of requests by operation.
            server.setHandler(new Handler.Wrapper(new DynamoDBProxyServer(chosen, handler).setUpHandler(handler)) {
                @Override
                public boolean handle(Request request, Response response, Callback callback) throws Exception {
                    String target = request.getHeaders().get("X-Amz-Target");
                    requests.increment(target == null ? "(none)" : target.substring(target.indexOf('.') + 1));
                    return super.handle(request, response, callback);
                }
            });
            server.start();
            return new DynamoDbLocal(server, handler, chosen, requests);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot start DynamoDB Local on " + host + ":" + chosen + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    /** Requests served since the start, by operation (the {@code X-Amz-Target} after {@code DynamoDB_20120810.}). */
    public Map<String, Long> requestsByOperation() {
        return requests.snapshot();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Settings every local client needs: region, static credentials, this endpoint. */
    public Map<String, String> clientSettings() {
        return LocalAws.settings(Map.of("AWS_ENDPOINT_URL_DYNAMODB", endpoint()));
    }

    public DynamoDbClient client() {
        return LocalAws.client(DynamoDbClient.builder(), endpoint()).build();
    }

    @Override
    public void close() {
        try {
            server.stop();
            handler.close();
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
