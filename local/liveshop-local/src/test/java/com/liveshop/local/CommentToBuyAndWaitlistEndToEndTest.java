package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.appsync.ChannelSubscriber;
import com.liveshop.shared.realtime.Channels;
import dev.samlocal.ivs.SimulatedViewers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Comment-to-buy and the waitlist through the local stack as a frontend uses them: a cart-bound chat ticket's "SOLD"
 * holds the featured product (GET /carts shows it); three carts join the sold-out product's waitlist, the buyer gives
 * two units back, and through the Catalog table's stream and WaitlistHandOutFunction's event source mapping the first
 * two carts in line get a hold each and {@code waitlistHeld} on their own channel, the third waits.
 */
class CommentToBuyAndWaitlistEndToEndTest {

    private static LocalShow show;

    @BeforeAll
    static void start() throws Exception {
        show = LocalShow.start();
    }

    @AfterAll
    static void stop() {
        if (show != null) {
            show.close();
        }
    }

    @Test
    void aSoldCommentHoldsTheFeaturedProductAndReturnedUnitsReachTheWaitlist() throws Exception {
        String sku = "mug-" + UUID.randomUUID().toString().substring(0, 8);
        show.product(sku, "Mug", 1500, 2);
        String sessionId = show.liveShow("Mugs", sku);
        assertThat(show.admin(
                                "POST",
                                "/sessions/" + sessionId + "/highlights",
                                "{\"sku\":\"" + sku + "\",\"dealPriceCents\":999}")
                        .statusCode())
                .isEqualTo(202);

        // Comment-to-buy: "sold 2" from a cart-bound ticket takes both units at the deal price.
        String chatCart = UUID.randomUUID().toString();
        HttpResponse<String> ticket = show.send(
                "POST",
                "/sessions/" + sessionId + "/chat-tickets",
                "{\"name\":\"Ana\",\"cartId\":\"" + chatCart + "\"}",
                SimulatedViewers.HEADER,
                SimulatedViewers.address(0));
        assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(201);
        HttpResponse<String> said = show.send(
                "POST",
                "/sessions/" + sessionId + "/messages",
                "{\"text\":\"Sold 2\"}",
                "X-Chat-Ticket",
                LocalHttp.json(ticket).get("ticket").asText(),
                SimulatedViewers.HEADER,
                SimulatedViewers.address(0));
        assertThat(said.statusCode()).as(said.body()).isEqualTo(202);
        JsonNode cart = LocalHttp.json(show.send("GET", "/carts/" + chatCart, null));
        assertThat(cart.at("/items/0/sku").asText()).isEqualTo(sku);
        assertThat(cart.at("/items/0/quantity").asInt()).isEqualTo(2);
        assertThat(cart.at("/items/0/priceCents").asLong()).isEqualTo(999);

        // Sold out now: three carts (three viewers, each its own address) join the waitlist in turn, each wanting one
        // unit.
        List<String> line = List.of(
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
        List<ChannelSubscriber> channels = new ArrayList<>();
        try {
            for (int i = 0; i < line.size(); i++) {
                channels.add(cartChannel(line.get(i)));
                HttpResponse<String> joined = show.send(
                        "POST",
                        "/products/" + sku + "/waitlist",
                        "{\"cartId\":\"" + line.get(i) + "\",\"quantity\":1}",
                        SimulatedViewers.HEADER,
                        SimulatedViewers.address(i + 1));
                assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);
                assertThat(LocalHttp.json(joined).get("position").asLong()).isEqualTo(i + 1);
                Thread.sleep(2); // distinct join times: the line's order is the order of arrival
            }
            assertThat(LocalHttp.json(show.send("GET", "/products/" + sku + "/waitlist/" + line.get(2), null))
                            .get("position")
                            .asLong())
                    .isEqualTo(3);
            assertThat(LocalHttp.json(show.admin("GET", "/sessions/" + sessionId + "/stats", null))
                            .at("/waitlist/0/waiting")
                            .asLong())
                    .isEqualTo(3);

            // Ana gives her two units back: the Catalog stream runs the hand-out; carts 1 and 2 get one each.
            assertThat(show.send("DELETE", "/carts/" + chatCart + "/items/" + sku, null)
                            .statusCode())
                    .isEqualTo(204);
            for (int i = 0; i < 2; i++) {
                JsonNode frame = channels.get(i).next("waitlistHeld");
                JsonNode items = LocalHttp.json(show.send("GET", "/carts/" + line.get(i), null))
                        .path("items");
                assertThat(items.size()).isEqualTo(1);
                assertThat(frame.path("sku").asText()).isEqualTo(sku);
                assertThat(frame.path("quantity").asInt()).isEqualTo(1);
                assertThat(frame.path("priceCents").asLong())
                        .as("the deal runs: its price")
                        .isEqualTo(999);
                assertThat(frame.path("currency").asText()).isEqualTo("USD");
                assertThat(frame.path("expiresAt").asText())
                        .isEqualTo(items.at("/0/expiresAt").asText());
                assertThat(items.at("/0/quantity").asInt()).isEqualTo(1);
                assertThat(show.send("GET", "/products/" + sku + "/waitlist/" + line.get(i), null)
                                .statusCode())
                        .isEqualTo(404);
            }
            JsonNode stock = LocalHttp.json(show.admin("GET", "/products/" + sku + "/stock", null));
            assertThat(stock.get("available").asLong()).isZero();
            assertThat(stock.get("held").asLong()).isEqualTo(2);
            assertThat(stock.get("initial").asLong())
                    .isEqualTo(stock.get("available").asLong()
                            + stock.get("held").asLong()
                            + stock.get("sold").asLong());
            // Cart 3 got nothing and is now first in line.
            assertThat(LocalHttp.json(show.send("GET", "/carts/" + line.get(2), null))
                            .path("items")
                            .size())
                    .isZero();
            assertThat(LocalHttp.json(show.send("GET", "/products/" + sku + "/waitlist/" + line.get(2), null))
                            .get("position")
                            .asLong())
                    .isEqualTo(1);
            assertThat(channels.get(2).drain(1_000)).as("no frame for cart 3").isEmpty();
            assertThat(LocalHttp.json(show.admin("GET", "/sessions/" + sessionId + "/stats", null))
                            .at("/waitlist/0/waiting")
                            .asLong())
                    .isEqualTo(1);
        } finally {
            for (ChannelSubscriber channel : channels) {
                channel.close();
            }
        }
    }

    /**
     * A subscription to the cart's private channel {@code /carts/{cartId}}, as the viewer page makes it: the cart id is
     * the namespace's Lambda authorizer token.
     */
    private static ChannelSubscriber cartChannel(String cartId) throws InterruptedException {
        return ChannelSubscriber.withToken(show.stack.events(), Channels.cart(cartId), cartId);
    }
}
