package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Comment-to-buy and the waitlist through the local stack as a frontend uses them: a cart-bound chat ticket's "SOLD"
 * holds the featured product (GET /carts shows it); a sold-out product's waitlist gets the unit another cart gives
 * back, through the Catalog table's stream and WaitlistHandOutFunction's event source mapping.
 */
class CommentToBuyAndWaitlistEndToEndTest {

    private static LocalStack stack;
    private static String hostToken;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        hostToken = LocalHttp.json(send("GET", "/_local/host-token", null)).get("token").asText();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aSoldCommentHoldsTheFeaturedProductAndReturnedUnitsReachTheWaitlist() throws Exception {
        String sku = "mug-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin("PUT", "/products/" + sku, "{\"title\":\"Mug\",\"priceCents\":1500,\"currency\":\"USD\",\"stock\":2}")
                .statusCode()).isEqualTo(201);
        JsonNode session = LocalHttp.json(admin("POST", "/sessions", "{\"title\":\"Mugs\",\"startsAt\":\""
                + Instant.now().plusSeconds(600) + "\",\"lineup\":[\"" + sku + "\"]}"));
        String sessionId = session.get("sessionId").asText();
        send("POST", LocalIvs.BROADCAST_PATH, "{\"channelArn\":\"" + session.get("channelArn").asText() + "\",\"action\":\"start\"}");
        await(() -> LocalHttp.json(send("GET", "/sessions/" + sessionId, null)).get("status").asText().equals("LIVE"), "LIVE");
        assertThat(admin("POST", "/sessions/" + sessionId + "/highlights", "{\"sku\":\"" + sku + "\",\"dealPriceCents\":999}")
                .statusCode()).isEqualTo(202);

        // Comment-to-buy: "sold 2" from a cart-bound ticket takes both units at the deal price.
        String chatCart = UUID.randomUUID().toString();
        HttpResponse<String> ticket = send("POST", "/sessions/" + sessionId + "/chat-tickets",
                "{\"name\":\"Ana\",\"cartId\":\"" + chatCart + "\"}");
        assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(201);
        HttpResponse<String> said = send("POST", "/sessions/" + sessionId + "/messages", "{\"text\":\"Sold 2\"}",
                "X-Chat-Ticket", LocalHttp.json(ticket).get("ticket").asText());
        assertThat(said.statusCode()).as(said.body()).isEqualTo(202);
        JsonNode cart = LocalHttp.json(send("GET", "/carts/" + chatCart, null));
        assertThat(cart.at("/items/0/sku").asText()).isEqualTo(sku);
        assertThat(cart.at("/items/0/quantity").asInt()).isEqualTo(2);
        assertThat(cart.at("/items/0/priceCents").asLong()).isEqualTo(999);

        // Sold out now: another cart joins the waitlist; Ana gives hers back; the waiting cart gets the unit it asked for.
        String waiting = UUID.randomUUID().toString();
        HttpResponse<String> joined = send("POST", "/products/" + sku + "/waitlist", "{\"cartId\":\"" + waiting + "\",\"quantity\":1}");
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);
        assertThat(LocalHttp.json(joined).get("position").asLong()).isEqualTo(1);
        assertThat(LocalHttp.json(admin("GET", "/sessions/" + sessionId + "/stats", null)).at("/waitlist/0/waiting").asLong()).isEqualTo(1);
        assertThat(send("DELETE", "/carts/" + chatCart + "/items/" + sku, null).statusCode()).isEqualTo(204);
        await(() -> LocalHttp.json(send("GET", "/carts/" + waiting, null)).path("items").size() == 1, "the waitlist hold");
        JsonNode handed = LocalHttp.json(send("GET", "/carts/" + waiting, null));
        assertThat(handed.at("/items/0/quantity").asInt()).isEqualTo(1);
        JsonNode stock = LocalHttp.json(admin("GET", "/products/" + sku + "/stock", null));
        // Ana's line held both units; the one cart in line wanted one: one held for it, one available to anyone.
        assertThat(stock.get("available").asLong()).isEqualTo(1);
        assertThat(stock.get("held").asLong()).isEqualTo(1);
        assertThat(stock.get("initial").asLong()).isEqualTo(stock.get("available").asLong() + stock.get("held").asLong()
                + stock.get("sold").asLong());
        assertThat(LocalHttp.json(admin("GET", "/sessions/" + sessionId + "/stats", null)).at("/waitlist/0/waiting").asLong()).isZero();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, body, "authorization", "Bearer " + hostToken);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }
}
