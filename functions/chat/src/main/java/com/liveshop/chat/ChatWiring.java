package com.liveshop.chat;

import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.chat.service.ChatBatches;
import com.liveshop.chat.service.ChatService;
import com.liveshop.chat.service.ChatTickets;
import com.liveshop.chat.service.CommentToBuy;
import com.liveshop.chat.service.ModerationService;
import com.liveshop.chat.service.StockSignal;
import com.liveshop.checkout.CheckoutWiring;
import com.liveshop.checkout.service.CartService;
import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.shared.pow.ProofOfWork;
import com.liveshop.shared.realtime.AppSyncEventsPublisher;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.secrets.RuntimeSecret;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Builds the chat services from configuration, once per handler instance (execution environment). */
public final class ChatWiring {

    private final AppConfig app;
    private final ChatConfig config;
    private final DynamoDbClient dynamoDb;
    private final ChatRepository chat;
    private final ChannelPublisher given;
    private final ShowMetrics metrics;
    private volatile ChannelPublisher built;
    private CartService carts;

    public ChatWiring(AppConfig app) {
        this(app, null);
    }

    /**
     * With {@code publisher} null, the AppSync Events API at EVENTS_HTTP_ENDPOINT, built on first use: ChatFunction
     * (tickets, recent messages) never publishes, so it has neither the variable nor the permission.
     */
    public ChatWiring(AppConfig app, ChannelPublisher publisher) {
        this(app, publisher, ShowMetrics.fromConfig(app));
    }

    /** With the business metrics the services record (tests pass a recording one). */
    public ChatWiring(AppConfig app, ChannelPublisher publisher, ShowMetrics metrics) {
        this.app = app;
        this.config = ChatConfig.from(app);
        this.dynamoDb = AwsClients.dynamoDb(app);
        this.chat = new ChatRepository(dynamoDb, config.sessionsTable());
        this.given = publisher;
        this.metrics = metrics;
    }

    /**
     * Verifies host tokens against HOST_JWT_ISSUER / HOST_JWT_AUDIENCE (keys from HOST_JWT_JWKS_URL or the issuer's).
     */
    public HostTokenVerifier hostTokens() {
        return HostTokenVerifier.fromConfig(app);
    }

    /** Chat tickets ask for a solved challenge when REQUIRE_PROOF_OF_WORK is on ({@link ProofOfWork#fromConfig}). */
    public ChatService chatService(HostTokenVerifier hostTokens, Clock clock) {
        return chatService(hostTokens, clock, ProofOfWork.fromConfig(app, dynamoDb, clock));
    }

    /** With the proof of work given (tests: a key of their own instead of Secrets Manager's). */
    public ChatService chatService(HostTokenVerifier hostTokens, Clock clock, ProofOfWork proofOfWork) {
        return new ChatService(chat, tickets(), hostTokens, config, clock, metrics, commentToBuy(clock), proofOfWork);
    }

    /** The chat-ticket key from the secret CHAT_TICKET_SECRET_ARN names, read on the first ticket (GetSecretValue). */
    private ChatTickets tickets() {
        return new ChatTickets(RuntimeSecret.fromConfig(app, ChatConfig.CHAT_TICKET_SECRET_ARN, "chat-ticket key"));
    }

    /**
     * Comment-to-buy places holds with checkout's own cart rules (CartService, on CATALOG_TABLE and RESERVATIONS_TABLE,
     * HOLD_SECONDS and MAX_QUANTITY_PER_SKU as the cart route has them), built on the first buy: ChatFunction (tickets,
     * recent messages) never buys and has none of that configuration.
     */
    private CommentToBuy commentToBuy(Clock clock) {
        return new CommentToBuy(() -> cartService(clock), chat, lazyPublisher(), clock);
    }

    private synchronized CartService cartService(Clock clock) {
        if (carts == null) {
            carts = new CheckoutWiring(app, metrics).cartService(clock);
        }
        return carts;
    }

    /** The Catalog table's products and stock (CATALOG_TABLE), for stock totals over a sku's buckets. */
    public ProductRepository products() {
        return new ProductRepository(dynamoDb, AwsClients.enhanced(dynamoDb), app.required("CATALOG_TABLE"));
    }

    public StockSignal stockSignal(Clock clock) {
        return new StockSignal(chat, publisher(), clock);
    }

    /** The chatBatch frames of ChatBatchFunction (Sessions table stream). */
    public ChatBatches chatBatches() {
        return new ChatBatches(publisher());
    }

    public ModerationService moderationService(Clock clock) {
        return new ModerationService(chat, publisher(), clock, config.defaultMessagesPerSecond());
    }

    public ChatRepository chat() {
        return chat;
    }

    /** The publisher; fails naming EVENTS_HTTP_ENDPOINT if the function has none. */
    public ChannelPublisher publisher() {
        if (given != null) {
            return given;
        }
        if (built == null) {
            built = AppSyncEventsPublisher.fromConfig(app, metrics);
        }
        return built;
    }

    private ChannelPublisher lazyPublisher() {
        return (channel, frames) -> publisher().publish(channel, frames);
    }
}
