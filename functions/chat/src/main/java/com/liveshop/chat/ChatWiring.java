package com.liveshop.chat;

import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.chat.repository.ConnectionRepository;
import com.liveshop.chat.service.ApiGatewayConnections;
import com.liveshop.chat.service.Broadcaster;
import com.liveshop.chat.service.ChatService;
import com.liveshop.chat.service.ConnectionGateway;
import com.liveshop.chat.service.ModerationService;
import com.liveshop.chat.service.StockSignal;
import com.liveshop.chat.service.ViewerSignal;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.config.AppConfig;
import java.net.URI;
import java.time.Clock;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Builds the chat services from configuration, once per handler instance (execution environment). */
public final class ChatWiring {

    private final AppConfig app;
    private final DynamoDbClient dynamoDb;
    private final ConnectionRepository connections;
    private final ChatRepository chat;
    private final ConnectionGateway gateway;
    private final Broadcaster broadcaster;

    public ChatWiring(AppConfig app) {
        this(app, null);
    }

    /** With {@code gateway} null, the real @connections client at WEBSOCKET_ENDPOINT. */
    public ChatWiring(AppConfig app, ConnectionGateway gateway) {
        this.app = app;
        ChatConfig config = ChatConfig.from(app);
        this.dynamoDb = AwsClients.dynamoDb(app);
        this.connections = new ConnectionRepository(dynamoDb, config.sessionsTable());
        this.chat = new ChatRepository(dynamoDb, config.sessionsTable());
        this.gateway = gateway != null ? gateway : new ApiGatewayConnections(
                AwsClients.configure(ApiGatewayManagementApiClient.builder(), app, "APIGATEWAYMANAGEMENTAPI")
                        .endpointOverride(URI.create(config.websocketEndpoint()))
                        .httpClient(AwsClients.httpClient())
                        .build());
        this.broadcaster = new Broadcaster(connections, this.gateway, Broadcaster.DEFAULT_MAX_IN_FLIGHT, Clock.systemUTC());
    }

    /** Verifies host tokens against HOST_JWT_ISSUER / HOST_JWT_AUDIENCE (keys from HOST_JWT_JWKS_URL or the issuer's). */
    public HostTokenVerifier hostTokens() {
        return HostTokenVerifier.fromConfig(app);
    }

    public ChatService chatService(HostTokenVerifier hostTokens, Clock clock) {
        return new ChatService(connections, chat, broadcaster, hostTokens, viewerSignal(clock), clock);
    }

    public ViewerSignal viewerSignal(Clock clock) {
        return new ViewerSignal(connections, broadcaster, clock);
    }

    /** The Catalog table's products and stock (CATALOG_TABLE), for stock totals over a sku's buckets. */
    public ProductRepository products() {
        return new ProductRepository(dynamoDb, AwsClients.enhanced(dynamoDb), app.required("CATALOG_TABLE"));
    }

    public StockSignal stockSignal(Clock clock) {
        return new StockSignal(chat, broadcaster, clock);
    }

    public ModerationService moderationService(Clock clock) {
        return new ModerationService(chat, connections, broadcaster, gateway, clock);
    }

    public ConnectionRepository connections() {
        return connections;
    }

    public ChatRepository chat() {
        return chat;
    }

    public Broadcaster broadcaster() {
        return broadcaster;
    }
}
