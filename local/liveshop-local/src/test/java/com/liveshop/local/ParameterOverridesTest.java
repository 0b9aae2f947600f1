package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.Options;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A stack started with --parameter overrides: the functions run with them, GET /_local shows them. */
class ParameterOverridesTest {

    private static LocalStack stack;
    private static final String SKU = "po-lamp";

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(Options.ephemeral()
                .withSeed(false)
                .withSchedules(false)
                .withParameter("MaxQuantityPerSku", "2")
                .withParameter("HoldSeconds", "45"));
        HttpResponse<String> created = LocalHttp.send(
                stack.url(),
                "PUT",
                "/products/" + SKU,
                "{\"title\":\"Lamp\",\"priceCents\":1999,\"currency\":\"USD\",\"stock\":10}",
                "authorization",
                "Bearer " + stack.jwt().hostToken());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theCartFunctionHoldsAtMostTheOverriddenQuantityForTheOverriddenTime() throws Exception {
        String cart = UUID.randomUUID().toString();
        HttpResponse<String> three = LocalHttp.send(
                stack.url(), "POST", "/carts/" + cart + "/items", "{\"sku\":\"" + SKU + "\",\"quantity\":3}");
        assertThat(three.statusCode()).as(three.body()).isEqualTo(400);
        assertThat(LocalHttp.json(three).at("/error/code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(LocalHttp.json(three).at("/error/message").asText())
                .isEqualTo("Field 'quantity' must be between 1 and 2");

        Instant before = Instant.now();
        HttpResponse<String> two = LocalHttp.send(
                stack.url(), "POST", "/carts/" + cart + "/items", "{\"sku\":\"" + SKU + "\",\"quantity\":2}");
        Instant after = Instant.now();
        assertThat(two.statusCode()).as(two.body()).isEqualTo(201);
        Instant expiresAt = Instant.parse(LocalHttp.json(two).get("expiresAt").asText());
        assertThat(expiresAt)
                .isBetween(
                        before.plusSeconds(45).minusSeconds(1),
                        after.plusSeconds(45).plusSeconds(1));
    }

    @Test
    void getLocalShowsEveryParameterInForce() throws Exception {
        JsonNode parameters = LocalHttp.json(LocalHttp.send(stack.url(), "GET", "/_local", null))
                .get("parameters");
        assertThat(parameters.get("MaxQuantityPerSku").asText()).isEqualTo("2");
        assertThat(parameters.get("HoldSeconds").asText()).isEqualTo("45");
        assertThat(parameters.get("StageName").asText()).isEqualTo("live");
        assertThat(parameters.get("LogRetentionDays").asText()).isEqualTo("30");
        // The template asks for proof of work by default; the local stack runs without unless told
        // (ProofOfWorkEndToEndTest).
        assertThat(parameters.get("RequireProofOfWork").asText()).isEqualTo("false");
        assertThat(stack.parameters()).containsEntry("HoldSeconds", "45");
    }
}
