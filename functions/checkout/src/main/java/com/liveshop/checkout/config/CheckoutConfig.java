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

    private final String catalogTable;
    private final String reservationsTable;
    private final int holdSeconds;
    private final int maxQuantityPerSku;
    private final String eventBusName;
    private final String paymentWebhookSecret;

    public CheckoutConfig(String catalogTable, String reservationsTable, int holdSeconds, int maxQuantityPerSku,
                          String eventBusName, String paymentWebhookSecret) {
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
                config.optional("PAYMENT_WEBHOOK_SECRET").orElse(null));
    }

    public String catalogTable() { return catalogTable; }
    public String reservationsTable() { return reservationsTable; }
    public int holdSeconds() { return holdSeconds; }
    public int maxQuantityPerSku() { return maxQuantityPerSku; }
    public int maxItemsPerCart() { return MAX_ITEMS_PER_CART; }

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
                + ", holdSeconds=" + holdSeconds + ", maxQuantityPerSku=" + maxQuantityPerSku
                + ", eventBusName=" + eventBusName + ", paymentWebhookSecret=" + (paymentWebhookSecret == null ? "unset" : "***") + "]";
    }
}
