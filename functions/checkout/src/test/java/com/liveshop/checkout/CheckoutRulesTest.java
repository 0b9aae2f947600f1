package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.liveshop.checkout.config.CheckoutConfig;
import com.liveshop.checkout.repository.ReservationKeys;
import com.liveshop.checkout.service.OrderService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Pure rules: configuration defaults, expiry shard spread, Idempotency-Key format. */
class CheckoutRulesTest {

    @Test
    void configDefaultsAndTheWebhookSecretIsAReferenceNotAValue() {
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:PaymentWebhookSecret-AbCdEf";
        CheckoutConfig config = CheckoutConfig.from(new AppConfig(
                Map.of("CATALOG_TABLE", "c", "RESERVATIONS_TABLE", "r", "PAYMENT_WEBHOOK_SECRET_ARN", arn)));
        assertThat(config.holdSeconds()).isEqualTo(600);
        assertThat(config.maxQuantityPerSku()).isEqualTo(5);
        assertThat(config.maxItemsPerCart()).isEqualTo(20);
        assertThat(config.requireWebhookSecretArn()).isEqualTo(arn);
        assertThat(config.webhookSecretTtlSeconds()).isEqualTo(300);
        assertThat(CheckoutConfig.from(new AppConfig(Map.of(
                                "CATALOG_TABLE",
                                "c",
                                "RESERVATIONS_TABLE",
                                "r",
                                "PAYMENT_WEBHOOK_SECRET_TTL_SECONDS",
                                "0")))
                        .webhookSecretTtlSeconds())
                .isZero();
        assertThatThrownBy(() -> CheckoutConfig.from(new AppConfig(Map.of(
                        "CATALOG_TABLE", "c", "RESERVATIONS_TABLE", "r", "PAYMENT_WEBHOOK_SECRET_TTL_SECONDS", "-1"))))
                .hasMessageContaining("PAYMENT_WEBHOOK_SECRET_TTL_SECONDS");
        assertThatThrownBy(() -> CheckoutConfig.from(
                                new AppConfig(Map.of("CATALOG_TABLE", "c", "RESERVATIONS_TABLE", "r")))
                        .requireWebhookSecretArn())
                .hasMessageContaining("PAYMENT_WEBHOOK_SECRET_ARN");
    }

    @Test
    void configRejectsNonsense() {
        assertThatThrownBy(() -> CheckoutConfig.from(
                        new AppConfig(Map.of("CATALOG_TABLE", "c", "RESERVATIONS_TABLE", "r", "HOLD_SECONDS", "ten"))))
                .hasMessageContaining("HOLD_SECONDS");
        assertThatThrownBy(() -> CheckoutConfig.from(new AppConfig(
                        Map.of("CATALOG_TABLE", "c", "RESERVATIONS_TABLE", "r", "MAX_QUANTITY_PER_SKU", "0"))))
                .hasMessageContaining("MAX_QUANTITY_PER_SKU");
    }

    /**
     * MaxUnitsPerClientPerSku: 0 (the template's default) is twice MaxQuantityPerSku, -1 is off, else one cart's worth
     * at least.
     */
    @Test
    void theClientCapsFollowTheirParameters() {
        Map<String, String> base = Map.of("CATALOG_TABLE", "c", "RESERVATIONS_TABLE", "r", "MAX_QUANTITY_PER_SKU", "3");
        CheckoutConfig defaults = CheckoutConfig.from(new AppConfig(base));
        assertThat(defaults.maxUnitsPerClientPerSku()).hasValue(6);
        assertThat(defaults.maxPendingOrdersPerClient()).isEqualTo(2);
        assertThat(CheckoutConfig.from(new AppConfig(with(base, "MAX_UNITS_PER_CLIENT_PER_SKU", "0")))
                        .maxUnitsPerClientPerSku())
                .hasValue(6);
        assertThat(CheckoutConfig.from(new AppConfig(with(base, "MAX_UNITS_PER_CLIENT_PER_SKU", "-1")))
                        .maxUnitsPerClientPerSku())
                .isEmpty();
        assertThat(CheckoutConfig.from(new AppConfig(with(base, "MAX_UNITS_PER_CLIENT_PER_SKU", "3")))
                        .maxUnitsPerClientPerSku())
                .hasValue(3);
        assertThatThrownBy(() -> CheckoutConfig.from(new AppConfig(with(base, "MAX_UNITS_PER_CLIENT_PER_SKU", "2"))))
                .hasMessageContaining("MAX_UNITS_PER_CLIENT_PER_SKU");
        assertThatThrownBy(() -> CheckoutConfig.from(new AppConfig(with(base, "MAX_PENDING_ORDERS_PER_CLIENT", "0"))))
                .hasMessageContaining("MAX_PENDING_ORDERS_PER_CLIENT");
    }

    private static Map<String, String> with(Map<String, String> base, String name, String value) {
        Map<String, String> m = new HashMap<>(base);
        m.put(name, value);
        return m;
    }

    @Test
    void holdsSpreadOverEveryExpiryShard() {
        Map<String, Integer> perShard = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            perShard.merge(ReservationKeys.expiryShardOf(UUID.randomUUID().toString(), "flash-sku"), 1, Integer::sum);
        }
        assertThat(perShard).hasSize(ReservationKeys.EXPIRY_SHARDS);
        assertThat(perShard.values()).allSatisfy(n -> assertThat(n).isBetween(100, 300));
        assertThat(perShard.keySet()).allSatisfy(k -> assertThat(k).matches("EXPIRY#[0-9]"));
    }

    @Test
    void idempotencyKeyFormat() {
        assertThat(OrderService.requireIdempotencyKey("k")).isEqualTo("k");
        assertThat(OrderService.requireIdempotencyKey("x".repeat(128))).hasSize(128);
        assertThatThrownBy(() -> OrderService.requireIdempotencyKey(null))
                .isInstanceOf(ApiException.class)
                .extracting("code")
                .isEqualTo("IDEMPOTENCY_KEY_REQUIRED");
        assertThatThrownBy(() -> OrderService.requireIdempotencyKey("x".repeat(129)))
                .isInstanceOf(ApiException.class)
                .extracting("code")
                .isEqualTo("VALIDATION_FAILED");
    }
}
