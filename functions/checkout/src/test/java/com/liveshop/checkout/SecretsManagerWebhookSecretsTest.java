package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.liveshop.checkout.secrets.SecretsManagerWebhookSecrets;
import com.liveshop.checkout.service.WebhookSecrets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The per-environment cache of the webhook secret's stages: the TTL, the rotation overlap, outages. */
class SecretsManagerWebhookSecretsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T18:00:00Z"));
    private final FakeSecretStages stages = new FakeSecretStages("first", clock);
    private final SecretsManagerWebhookSecrets secrets =
            new SecretsManagerWebhookSecrets(stages, Duration.ofSeconds(300), clock);

    @Test
    void aReadIsCachedForTheTtlAndARotationShowsAfterIt() {
        assertThat(secrets.current()).isEqualTo("first");
        assertThat(secrets.previous())
                .as("no rotation lately: AWSPREVIOUS is not even read")
                .isEmpty();
        assertThat(stages.reads).hasValue(1);

        clock.advance(Duration.ofSeconds(10));
        stages.rotate("second");
        clock.advance(Duration.ofSeconds(289));
        assertThat(secrets.current()).as("within the TTL: the cached value").isEqualTo("first");
        assertThat(stages.reads).as("no call within the TTL").hasValue(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(secrets.current()).isEqualTo("second");
        assertThat(secrets.previous()).as("within one TTL of the rotation").contains("first");
        assertThat(stages.reads).hasValue(3);
        for (int i = 0; i < 100; i++) {
            secrets.current();
            secrets.previous();
        }
        assertThat(stages.reads).as("both stages cached").hasValue(3);
    }

    @Test
    void thePreviousKeyIsHonouredForOneTtlAfterTheRotationOnly() {
        stages.rotate("second");
        clock.advance(Duration.ofSeconds(299));
        assertThat(secrets.current()).isEqualTo("second");
        assertThat(secrets.previous()).contains("first");
        clock.advance(Duration.ofSeconds(1));
        assertThat(secrets.previous())
                .as("one TTL after the new version was created")
                .isEmpty();
        assertThat(secrets.current()).isEqualTo("second");
    }

    @Test
    void aTtlOfZeroReadsEveryTimeAndHonoursNoPreviousKey() {
        SecretsManagerWebhookSecrets uncached = new SecretsManagerWebhookSecrets(stages, Duration.ZERO, clock);
        assertThat(uncached.current()).isEqualTo("first");
        stages.rotate("second");
        assertThat(uncached.current()).isEqualTo("second");
        assertThat(uncached.previous()).isEmpty();
        assertThat(stages.reads).hasValue(3);
    }

    @Test
    void aFailedReadIsNotCachedAndNeverBecomesAValue() {
        stages.failing(true);
        assertThatThrownBy(secrets::current).isInstanceOf(WebhookSecrets.Unavailable.class);
        assertThatThrownBy(secrets::previous).isInstanceOf(WebhookSecrets.Unavailable.class);
        stages.failing(false);
        assertThat(secrets.current()).as("the next call tries again").isEqualTo("first");
        assertThat(stages.reads).hasValue(3);
    }

    @Test
    void aCachedValueOutlivesAnOutageUntilItsTtlEnds() {
        assertThat(secrets.current()).isEqualTo("first");
        stages.failing(true);
        clock.advance(Duration.ofSeconds(120));
        assertThat(secrets.current()).isEqualTo("first");
        clock.advance(Duration.ofSeconds(180));
        assertThatThrownBy(secrets::current).isInstanceOf(WebhookSecrets.Unavailable.class);
    }

    @Test
    void aNegativeTtlIsRefused() {
        assertThatThrownBy(() -> new SecretsManagerWebhookSecrets(stages, Duration.ofSeconds(-1), clock))
                .hasMessageContaining("PAYMENT_WEBHOOK_SECRET_TTL_SECONDS");
    }
}
