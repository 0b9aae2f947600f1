package com.liveshop.checkout;

import com.liveshop.checkout.config.CheckoutConfig;
import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.OrderRepository;
import com.liveshop.checkout.repository.SessionShowLookup;
import com.liveshop.checkout.repository.WaitlistRepository;
import com.liveshop.checkout.secrets.SecretsManagerWebhookSecrets;
import com.liveshop.checkout.service.CartService;
import com.liveshop.checkout.service.HoldExpiryService;
import com.liveshop.checkout.service.OrderService;
import com.liveshop.checkout.service.PaymentService;
import com.liveshop.checkout.service.ShowLookup;
import com.liveshop.checkout.service.WaitlistJoinLimit;
import com.liveshop.checkout.service.WaitlistService;
import com.liveshop.checkout.service.WebhookSecrets;
import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.catalog.StockLedger;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.events.EventBridgePublisher;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.shared.pow.ProofOfWork;
import com.liveshop.shared.ratelimit.RateWindows;
import com.liveshop.shared.ratelimit.SourceFingerprint;
import com.liveshop.shared.realtime.AppSyncEventsPublisher;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.stats.ShowStatsRepository;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the checkout services from configuration: one SDK client set per handler instance (called from handler
 * constructors, i.e. once per execution environment).
 */
public final class CheckoutWiring {

    private final CheckoutConfig config;
    private final AppConfig app;
    private final DynamoDbClient dynamoDb;
    private final HoldRepository holds;
    private final ShowMetrics metrics;
    private volatile SourceFingerprint fingerprint;

    public CheckoutWiring(AppConfig app) {
        this(app, ShowMetrics.fromConfig(app));
    }

    /** With the business metrics the services record (tests pass a recording one). */
    public CheckoutWiring(AppConfig app, ShowMetrics metrics) {
        this.metrics = metrics;
        this.app = app;
        this.config = CheckoutConfig.from(app);
        this.dynamoDb = AwsClients.dynamoDb(app);
        this.holds = new HoldRepository(dynamoDb, config.reservationsTable(), new StockLedger(config.catalogTable()));
    }

    public CheckoutConfig config() {
        return config;
    }

    /**
     * The cart rules; holds placed from a show read its current highlight from SESSIONS_TABLE (when set); holds of a
     * deal sku ask for a solved challenge when REQUIRE_PROOF_OF_WORK is on ({@link ProofOfWork#fromConfig}); the client
     * caps key on the fingerprint key (FINGERPRINT_SECRET_ARN), read on the first cart-route hold (comment-to-buy
     * passes the ticket's client key).
     */
    public CartService cartService(Clock clock) {
        return cartService(clock, ProofOfWork.fromConfig(app, dynamoDb, clock));
    }

    /** With the proof of work given (tests: a key of their own instead of Secrets Manager's). */
    public CartService cartService(Clock clock, ProofOfWork proofOfWork) {
        return new CartService(
                holds,
                products(),
                config,
                clock,
                showLookup(),
                metrics,
                proofOfWork,
                value -> fingerprint().of(value));
    }

    /**
     * The HMAC (the key FINGERPRINT_SECRET_ARN names) that turns a client address or an email into the key of its
     * limits, never the value itself: the waitlist's join window, the client caps on holds and pending orders.
     */
    private SourceFingerprint fingerprint() {
        SourceFingerprint f = fingerprint;
        if (f == null) {
            f = SourceFingerprint.fromConfig(app);
            fingerprint = f;
        }
        return f;
    }

    public ShowLookup showLookup() {
        return app.optional("SESSIONS_TABLE")
                .<ShowLookup>map(t -> new SessionShowLookup(dynamoDb, t))
                .orElse(ShowLookup.NONE);
    }

    /** The show stats the stats function keeps in SESSIONS_TABLE (required there). */
    public ShowStatsRepository showStats(Clock clock) {
        return new ShowStatsRepository(dynamoDb, app.required("SESSIONS_TABLE"), clock);
    }

    public OrderService orderService(Clock clock) {
        return new OrderService(
                orders(), holds, clock, config, metrics, value -> fingerprint().of(value));
    }

    public PaymentService paymentService(Clock clock) {
        return paymentService(clock, webhookSecrets(clock));
    }

    public PaymentService paymentService(Clock clock, WebhookSecrets secrets) {
        return new PaymentService(orders(), products(), clock, secrets, metrics);
    }

    /**
     * The webhook keys from Secrets Manager (PAYMENT_WEBHOOK_SECRET_ARN, endpoint AWS_ENDPOINT_URL_SECRETS_MANAGER),
     * cached for PAYMENT_WEBHOOK_SECRET_TTL_SECONDS. Nothing is read here: the first webhook reads, so an outage at
     * start-up answers 503 (retried by the provider) instead of failing the execution environment, and the key is never
     * part of a SnapStart snapshot.
     */
    public WebhookSecrets webhookSecrets(Clock clock) {
        String secretId = config.requireWebhookSecretArn();
        SecretsManagerClient client = AwsClients.configure(SecretsManagerClient.builder(), app, "SECRETS_MANAGER")
                .httpClient(AwsClients.httpClient())
                .build();
        return new SecretsManagerWebhookSecrets(
                SecretsManagerWebhookSecrets.reader(client, secretId),
                Duration.ofSeconds(config.webhookSecretTtlSeconds()),
                clock);
    }

    /** Default lifetime of a waitlist entry (WAITLIST_HOURS; template WaitlistHours). */
    public static final int DEFAULT_WAITLIST_HOURS = 24;
    /** Default bound on one sku's line (WAITLIST_MAX_PER_SKU; template WaitlistMaxPerSku). */
    public static final int DEFAULT_WAITLIST_MAX_PER_SKU = 10_000;
    /**
     * Default joins per source address and minute (WAITLIST_JOINS_PER_IP_PER_MINUTE; template
     * WaitlistJoinsPerIpPerMinute).
     */
    public static final int DEFAULT_WAITLIST_JOINS_PER_IP_PER_MINUTE = 20;

    /**
     * The waitlist routes (RESERVATIONS_TABLE): joins limited per source address, keyed by the key
     * FINGERPRINT_SECRET_ARN names (an HMAC of the address, never the address). They never publish.
     */
    public WaitlistService waitlistService(Clock clock) {
        return waitlistService(clock, (channel, frames) -> {
            throw new IllegalStateException("The waitlist routes publish nothing");
        });
    }

    public WaitlistService waitlistService(Clock clock, ChannelPublisher publisher) {
        return waitlistService(
                clock,
                publisher,
                new WaitlistJoinLimit(
                        new RateWindows(dynamoDb, config.reservationsTable()),
                        fingerprint(),
                        app.intOrDefault(
                                "WAITLIST_JOINS_PER_IP_PER_MINUTE", DEFAULT_WAITLIST_JOINS_PER_IP_PER_MINUTE)));
    }

    /**
     * The hand-out (the Catalog stream's function): the cart rules for its holds, waitlistHeld frames to the carts'
     * channels through EVENTS_HTTP_ENDPOINT, built on the first hand-out. It never joins, so it needs no join limit.
     */
    public WaitlistService waitlistHandOutService(Clock clock) {
        java.util.function.Supplier<ChannelPublisher> lazy = new java.util.function.Supplier<>() {
            private ChannelPublisher built;

            @Override
            public synchronized ChannelPublisher get() {
                if (built == null) {
                    built = AppSyncEventsPublisher.fromConfig(app, metrics);
                }
                return built;
            }
        };
        return waitlistService(
                clock, (channel, frames) -> lazy.get().publish(channel, frames), WaitlistService.JoinLimit.NONE);
    }

    public WaitlistService waitlistService(
            Clock clock, ChannelPublisher publisher, WaitlistService.JoinLimit joinLimit) {
        return new WaitlistService(
                new WaitlistRepository(dynamoDb, config.reservationsTable()),
                products(),
                cartService(clock),
                publisher,
                clock,
                Duration.ofHours(app.intOrDefault("WAITLIST_HOURS", DEFAULT_WAITLIST_HOURS)),
                config.maxQuantityPerSku(),
                app.intOrDefault("WAITLIST_MAX_PER_SKU", DEFAULT_WAITLIST_MAX_PER_SKU),
                joinLimit,
                value -> fingerprint().of(value));
    }

    public HoldExpiryService holdExpiryService(Clock clock) {
        return new HoldExpiryService(holds, orders(), clock, metrics);
    }

    /** Hosts' tokens on GET /orders/{id} (HOST_JWT_ISSUER / HOST_JWT_AUDIENCE, as the HTTP API's authorizer). */
    public HostTokenVerifier hostTokens() {
        return HostTokenVerifier.fromConfig(app);
    }

    /** PutEvents to EVENT_BUS_NAME (required for the functions that emit order events). */
    public EventPublisher eventBridgePublisher() {
        return new EventBridgePublisher(AwsClients.eventBridge(app), config.requireEventBusName(), metrics);
    }

    private ProductRepository products() {
        return new ProductRepository(dynamoDb, AwsClients.enhanced(dynamoDb), config.catalogTable());
    }

    private OrderRepository orders() {
        return new OrderRepository(dynamoDb, config.reservationsTable(), holds);
    }
}
