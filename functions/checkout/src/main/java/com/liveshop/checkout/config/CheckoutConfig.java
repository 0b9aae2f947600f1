package com.liveshop.checkout.config;

import com.liveshop.shared.config.AppConfig;
import java.util.Optional;

/**
 * Checkout settings, read from the same variables template.yaml sets. The webhook secret's ARN is optional here and
 * required only by the payment webhook handler ({@link #requireWebhookSecretArn()}); the secret's value is never
 * configuration: it is read from Secrets Manager at run time.
 */
public final class CheckoutConfig {

    public static final int DEFAULT_HOLD_SECONDS = 600;
    public static final int DEFAULT_MAX_QUANTITY_PER_SKU = 5;
    /** Distinct skus per cart, so that one order (2 + 2 per hold + 1 items) fits one transaction. */
    public static final int MAX_ITEMS_PER_CART = 20;
    /**
     * Items an order's transaction may write for its holds (a delete per hold + a sale per stock bucket + its client's
     * counter): 100, the DynamoDB transaction limit, less the idempotency record, the order, the cart META and the two
     * pending-order counters (the client's, the email's).
     */
    public static final int MAX_ORDER_TX_ITEMS = 95;
    /** MAX_UNITS_PER_CLIENT_PER_SKU's value that means twice MAX_QUANTITY_PER_SKU (the template's default). */
    public static final int UNITS_PER_CLIENT_DEFAULT = 0;
    /** MAX_UNITS_PER_CLIENT_PER_SKU's value that turns the per-client units cap off (nothing counted). */
    public static final int UNITS_PER_CLIENT_OFF = -1;

    public static final int DEFAULT_MAX_PENDING_ORDERS_PER_CLIENT = 2;
    public static final int DEFAULT_PAYMENT_SECONDS = 900;
    /** How long a read of the webhook secret is used before Secrets Manager is asked again (a rotation's delay). */
    public static final int DEFAULT_WEBHOOK_SECRET_TTL_SECONDS = 300;

    private final String catalogTable;
    private final String reservationsTable;
    private final int holdSeconds;
    private final int maxQuantityPerSku;
    private final String eventBusName;
    private final String paymentWebhookSecretArn;
    private final int paymentWebhookSecretTtlSeconds;
    private final int paymentSeconds;
    private final int maxUnitsPerClientPerSku;
    private final int maxPendingOrdersPerClient;

    public CheckoutConfig(
            String catalogTable,
            String reservationsTable,
            int holdSeconds,
            int maxQuantityPerSku,
            String eventBusName,
            String paymentWebhookSecretArn) {
        this(
                catalogTable,
                reservationsTable,
                holdSeconds,
                maxQuantityPerSku,
                eventBusName,
                paymentWebhookSecretArn,
                DEFAULT_WEBHOOK_SECRET_TTL_SECONDS,
                DEFAULT_PAYMENT_SECONDS,
                UNITS_PER_CLIENT_DEFAULT,
                DEFAULT_MAX_PENDING_ORDERS_PER_CLIENT);
    }

    /**
     * {@code maxUnitsPerClientPerSku}: {@link #UNITS_PER_CLIENT_DEFAULT} for twice {@code maxQuantityPerSku},
     * {@link #UNITS_PER_CLIENT_OFF} for no cap, else at least {@code maxQuantityPerSku} (one cart's worth).
     */
    public CheckoutConfig(
            String catalogTable,
            String reservationsTable,
            int holdSeconds,
            int maxQuantityPerSku,
            String eventBusName,
            String paymentWebhookSecretArn,
            int paymentWebhookSecretTtlSeconds,
            int paymentSeconds,
            int maxUnitsPerClientPerSku,
            int maxPendingOrdersPerClient) {
        if (paymentWebhookSecretTtlSeconds < 0) {
            throw new IllegalStateException("Configuration PAYMENT_WEBHOOK_SECRET_TTL_SECONDS must be 0 or more");
        }
        this.paymentWebhookSecretTtlSeconds = paymentWebhookSecretTtlSeconds;
        if (paymentSeconds < 1) {
            throw new IllegalStateException("Configuration PAYMENT_SECONDS must be positive");
        }
        this.paymentSeconds = paymentSeconds;
        if (holdSeconds < 1) {
            throw new IllegalStateException("Configuration HOLD_SECONDS must be positive");
        }
        if (maxQuantityPerSku < 1) {
            throw new IllegalStateException("Configuration MAX_QUANTITY_PER_SKU must be positive");
        }
        if (maxUnitsPerClientPerSku == UNITS_PER_CLIENT_DEFAULT) {
            maxUnitsPerClientPerSku = 2 * maxQuantityPerSku;
        } else if (maxUnitsPerClientPerSku != UNITS_PER_CLIENT_OFF && maxUnitsPerClientPerSku < maxQuantityPerSku) {
            throw new IllegalStateException("Configuration MAX_UNITS_PER_CLIENT_PER_SKU must be -1 (off), 0 (twice "
                    + "MAX_QUANTITY_PER_SKU) or at least MAX_QUANTITY_PER_SKU (" + maxQuantityPerSku + ")");
        }
        if (maxPendingOrdersPerClient < 1) {
            throw new IllegalStateException("Configuration MAX_PENDING_ORDERS_PER_CLIENT must be positive");
        }
        this.maxUnitsPerClientPerSku = maxUnitsPerClientPerSku;
        this.maxPendingOrdersPerClient = maxPendingOrdersPerClient;
        this.catalogTable = catalogTable;
        this.reservationsTable = reservationsTable;
        this.holdSeconds = holdSeconds;
        this.maxQuantityPerSku = maxQuantityPerSku;
        this.eventBusName = eventBusName;
        this.paymentWebhookSecretArn = paymentWebhookSecretArn;
    }

    public static CheckoutConfig from(AppConfig config) {
        return new CheckoutConfig(
                config.required("CATALOG_TABLE"),
                config.required("RESERVATIONS_TABLE"),
                config.intOrDefault("HOLD_SECONDS", DEFAULT_HOLD_SECONDS),
                config.intOrDefault("MAX_QUANTITY_PER_SKU", DEFAULT_MAX_QUANTITY_PER_SKU),
                config.optional("EVENT_BUS_NAME").orElse(null),
                config.optional("PAYMENT_WEBHOOK_SECRET_ARN").orElse(null),
                config.intOrDefault("PAYMENT_WEBHOOK_SECRET_TTL_SECONDS", DEFAULT_WEBHOOK_SECRET_TTL_SECONDS),
                config.intOrDefault("PAYMENT_SECONDS", DEFAULT_PAYMENT_SECONDS),
                config.intOrDefault("MAX_UNITS_PER_CLIENT_PER_SKU", UNITS_PER_CLIENT_DEFAULT),
                config.intOrDefault("MAX_PENDING_ORDERS_PER_CLIENT", DEFAULT_MAX_PENDING_ORDERS_PER_CLIENT));
    }

    public String catalogTable() {
        return catalogTable;
    }

    public String reservationsTable() {
        return reservationsTable;
    }

    public int holdSeconds() {
        return holdSeconds;
    }

    public int maxQuantityPerSku() {
        return maxQuantityPerSku;
    }

    public int maxItemsPerCart() {
        return MAX_ITEMS_PER_CART;
    }
    /** Units of one sku one client may have held and in unpaid orders over all its carts; empty when not capped. */
    public java.util.OptionalInt maxUnitsPerClientPerSku() {
        return maxUnitsPerClientPerSku == UNITS_PER_CLIENT_OFF
                ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(maxUnitsPerClientPerSku);
    }
    /** Unpaid orders one client, and one email, may have at once. */
    public int maxPendingOrdersPerClient() {
        return maxPendingOrdersPerClient;
    }

    public int maxOrderTxItems() {
        return MAX_ORDER_TX_ITEMS;
    }
    /** How long an order may wait for its payment before the sweep cancels it and its units go back. */
    public int paymentSeconds() {
        return paymentSeconds;
    }

    public Optional<String> eventBusName() {
        return Optional.ofNullable(eventBusName);
    }

    public String requireEventBusName() {
        return eventBusName()
                .orElseThrow(() -> new IllegalStateException(
                        "Missing required configuration: environment variable EVENT_BUS_NAME is not set"));
    }

    /** The Secrets Manager secret (ARN or name) that holds the webhook signing key. */
    public String requireWebhookSecretArn() {
        if (paymentWebhookSecretArn == null || paymentWebhookSecretArn.isBlank()) {
            throw new IllegalStateException(
                    "Missing required configuration: environment variable PAYMENT_WEBHOOK_SECRET_ARN is not set");
        }
        return paymentWebhookSecretArn;
    }

    /** Seconds a read of the webhook secret is cached per execution environment; a rotation takes effect within it. */
    public int webhookSecretTtlSeconds() {
        return paymentWebhookSecretTtlSeconds;
    }

    @Override
    public String toString() {
        return "CheckoutConfig[catalogTable=" + catalogTable + ", reservationsTable=" + reservationsTable
                + ", holdSeconds=" + holdSeconds + ", paymentSeconds=" + paymentSeconds + ", maxQuantityPerSku="
                + maxQuantityPerSku
                + ", eventBusName=" + eventBusName + ", paymentWebhookSecretArn=" + paymentWebhookSecretArn
                + ", paymentWebhookSecretTtlSeconds=" + paymentWebhookSecretTtlSeconds
                + ", maxUnitsPerClientPerSku=" + maxUnitsPerClientPerSku + ", maxPendingOrdersPerClient="
                + maxPendingOrdersPerClient + "]";
    }
}
