package com.liveshop.checkout.config;

import com.liveshop.shared.config.AppConfig;
import java.util.Optional;

/**
 * Checkout settings, read from the same variables template.yaml sets. The webhook secret is optional here
 * and required only by the payment webhook handler ({@link #requireWebhookSecret()}).
 */
public final class CheckoutConfig {

    public static final int DEFAULT_HOLD_SECONDS = 600;
    public static final int DEFAULT_MAX_QUANTITY_PER_SKU = 5;
    /** Distinct skus per cart, so that one order (2 + 2 per hold + 1 items) fits one transaction. */
    public static final int MAX_ITEMS_PER_CART = 20;
    /**
     * Items an order's transaction may write for its holds (a delete per hold + a sale per stock bucket): 100, the
     * DynamoDB transaction limit, less the idempotency record, the order and the cart META.
     */
    public static final int MAX_ORDER_TX_ITEMS = 97;
    public static final int DEFAULT_PAYMENT_SECONDS = 900;

    private final String catalogTable;
    private final String reservationsTable;
    private final int holdSeconds;
    private final int maxQuantityPerSku;
    private final String eventBusName;
    private final String paymentWebhookSecret;
    private final int paymentSeconds;

    public CheckoutConfig(String catalogTable, String reservationsTable, int holdSeconds, int maxQuantityPerSku,
                          String eventBusName, String paymentWebhookSecret) {
        this(catalogTable, reservationsTable, holdSeconds, maxQuantityPerSku, eventBusName, paymentWebhookSecret,
                DEFAULT_PAYMENT_SECONDS);
    }

    public CheckoutConfig(String catalogTable, String reservationsTable, int holdSeconds, int maxQuantityPerSku,
                          String eventBusName, String paymentWebhookSecret, int paymentSeconds) {
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
        this.catalogTable = catalogTable;
        this.reservationsTable = reservationsTable;
        this.holdSeconds = holdSeconds;
        this.maxQuantityPerSku = maxQuantityPerSku;
        this.eventBusName = eventBusName;
        this.paymentWebhookSecret = paymentWebhookSecret;
    }

    public static CheckoutConfig from(AppConfig config) {
        return new CheckoutConfig(
                config.required("CATALOG_TABLE"),
                config.required("RESERVATIONS_TABLE"),
                config.intOrDefault("HOLD_SECONDS", DEFAULT_HOLD_SECONDS),
                config.intOrDefault("MAX_QUANTITY_PER_SKU", DEFAULT_MAX_QUANTITY_PER_SKU),
                config.optional("EVENT_BUS_NAME").orElse(null),
                config.optional("PAYMENT_WEBHOOK_SECRET").orElse(null),
                config.intOrDefault("PAYMENT_SECONDS", DEFAULT_PAYMENT_SECONDS));
    }

    public String catalogTable() { return catalogTable; }
    public String reservationsTable() { return reservationsTable; }
    public int holdSeconds() { return holdSeconds; }
    public int maxQuantityPerSku() { return maxQuantityPerSku; }
    public int maxItemsPerCart() { return MAX_ITEMS_PER_CART; }
    public int maxOrderTxItems() { return MAX_ORDER_TX_ITEMS; }
    /** How long an order may wait for its payment before the sweep cancels it and its units go back. */
    public int paymentSeconds() { return paymentSeconds; }

    public Optional<String> eventBusName() {
        return Optional.ofNullable(eventBusName);
    }

    public String requireEventBusName() {
        return eventBusName().orElseThrow(() -> new IllegalStateException(
                "Missing required configuration: environment variable EVENT_BUS_NAME is not set"));
    }

    public String requireWebhookSecret() {
        if (paymentWebhookSecret == null || paymentWebhookSecret.isBlank()) {
            throw new IllegalStateException(
                    "Missing required configuration: environment variable PAYMENT_WEBHOOK_SECRET is not set");
        }
        return paymentWebhookSecret;
    }

    /** Never prints the webhook secret. */
    @Override
    public String toString() {
        return "CheckoutConfig[catalogTable=" + catalogTable + ", reservationsTable=" + reservationsTable
                + ", holdSeconds=" + holdSeconds + ", paymentSeconds=" + paymentSeconds + ", maxQuantityPerSku=" + maxQuantityPerSku
                + ", eventBusName=" + eventBusName + ", paymentWebhookSecret=" + (paymentWebhookSecret == null ? "unset" : "***") + "]";
    }
}
