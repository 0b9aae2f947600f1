package com.liveshop.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The price table of docs/capacity.md is the cost's one source of prices: complete, parsable, overridable by name. */
class PricesTest {

    static final String TABLE = """
            # Capacity plan

            | Quota | Default |
            |---|---|
            | `claimed` frames | 1 |

            ## Prices

            | Name | Price (USD) | Unit | Source | Read on | Status |
            |---|---|---|---|---|---|
            | `lambda.request` | 0.20 | per million requests | <https://aws.amazon.com/lambda/pricing/> | 2026-12-07 | confirmed |
            | `cloudfront.https.request` | $0.0100 | per 10,000 requests | page | 2026-12-07 | not confirmed |
            | `cloudfront.dataOut` | 0.085 | per GB | page | 2026-12-07 | confirmed |

            ## Next section

            | `other.thing` | not a price | whatever |
            """;

    @Test
    void theBundledTableHasEveryPriceTheCostUses() {
        Prices prices = Prices.bundled();
        prices.require(ShowCost.PRICES);
        for (String name : ShowCost.PRICES) {
            assertThat(prices.perUnit(name)).as(name).isPositive();
        }
        // Spot checks of the units: per million, per 1,000, per hour.
        assertThat(prices.get("appsync.events.operation").count()).isEqualTo(1_000_000);
        assertThat(prices.get("ses.email").count()).isEqualTo(1_000);
        assertThat(prices.get("ivs.output.fullhd").item()).isEqualTo("viewer-hour");
    }

    @Test
    void rowsAreReadOnlyInThePricesSectionWithTheirUnitsCount() {
        Prices prices = Prices.parse(TABLE);
        assertThat(prices.perUnit("lambda.request")).isCloseTo(0.20 / 1_000_000, within(1e-15));
        assertThat(prices.perUnit("cloudfront.https.request")).isCloseTo(0.01 / 10_000, within(1e-15));
        assertThat(prices.perUnit("cloudfront.dataOut")).isEqualTo(0.085);
        assertThatThrownBy(() -> prices.get("claimed")).hasMessageContaining("missing from the price table");
        assertThatThrownBy(() -> prices.get("other.thing")).hasMessageContaining("missing");
        assertThatThrownBy(() -> prices.require(List.of("lambda.request", "ses.email", "eventbridge.customEvent")))
                .hasMessageContaining("[ses.email, eventbridge.customEvent]");
    }

    @Test
    void anUnparsablePriceOrUnitFailsNamingItsRow() {
        assertThatThrownBy(() -> Prices.parse(TABLE.replace("0.085", "about 9 cents")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("`cloudfront.dataOut`")
                .hasMessageContaining("price");
        assertThatThrownBy(() -> Prices.parse(TABLE.replace("per GB", "GB")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("`cloudfront.dataOut`")
                .hasMessageContaining("unit");
    }

    @Test
    void priceOverridesReplaceAKnownPriceInItsUnitAndRefuseAnUnknownName() {
        Prices prices = Prices.parse(TABLE).with(Prices.overrides("lambda.request=0.10,cloudfront.dataOut=0.02"));
        assertThat(prices.perUnit("lambda.request")).isCloseTo(0.10 / 1_000_000, within(1e-15));
        assertThat(prices.perUnit("cloudfront.dataOut")).isEqualTo(0.02);
        assertThat(prices.perUnit("cloudfront.https.request")).isCloseTo(0.01 / 10_000, within(1e-15));

        assertThatThrownBy(() -> Prices.parse(TABLE).with(List.of("lamda.request=0.1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown price lamda.request")
                .hasMessageContaining("lambda.request");
        assertThatThrownBy(() -> Prices.parse(TABLE).with(List.of("lambda.request=cheap")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> Prices.parse(TABLE).with(List.of("lambda.request")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NAME=VALUE");
    }
}
