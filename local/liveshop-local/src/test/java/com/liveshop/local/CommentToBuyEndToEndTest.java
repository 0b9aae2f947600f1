package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.appsync.ChannelSubscriber;
import com.liveshop.shared.realtime.Channels;
import dev.samlocal.ivs.SimulatedViewers;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Comment-to-buy through the local stack as the pages use it: the buyer subscribes to its own private /carts/{cartId}
 * (the template's Lambda authorizer, the cart id as the token), another viewer to /shows/{id} with the API key. Nothing
 * featured → holdRefused NOTHING_FEATURED; featured at a deal → "sold 2" → held on the buyer's channel only, 2 in the
 * cart, the chat line and one claimed frame for everyone, and no cart id on the show channel.
 */
class CommentToBuyEndToEndTest {

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
    void soldTwoInTheChatHoldsTheFeaturedProductAndOnlyTheBuyerHearsOfIt() throws Exception {
        String sku = "kettle-" + UUID.randomUUID().toString().substring(0, 8);
        show.product(sku, "Kettle", 4500, 5);
        String sessionId = show.liveShow("Kettles", sku);
        assertThat(LocalHttp.json(show.send("GET", "/sessions/" + sessionId, null))
                        .path("buyKeyword")
                        .asText())
                .isEqualTo("SOLD");

        String cart = UUID.randomUUID().toString();
        String otherCart = UUID.randomUUID().toString();
        try (ChannelSubscriber buyer = ChannelSubscriber.withToken(show.stack.events(), Channels.cart(cart), cart);
                ChannelSubscriber otherBuyer =
                        ChannelSubscriber.withToken(show.stack.events(), Channels.cart(otherCart), otherCart);
                ChannelSubscriber viewer =
                        ChannelSubscriber.withApiKey(show.stack.events(), Channels.show(sessionId))) {
            assertThatThrownBy(() -> ChannelSubscriber.withToken(show.stack.events(), "/carts/*", cart))
                    .hasMessageContaining("refused");
            assertThatThrownBy(() -> ChannelSubscriber.withApiKey(show.stack.events(), Channels.cart(cart)))
                    .hasMessageContaining("refused");

            HttpResponse<String> ticket = show.send(
                    "POST",
                    "/sessions/" + sessionId + "/chat-tickets",
                    "{\"name\":\"Ana\",\"cartId\":\"" + cart + "\"}",
                    SimulatedViewers.HEADER,
                    ANA);
            assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(201);
            assertThat(ticket.body())
                    .as("the cart id stays inside the signed ticket")
                    .doesNotContain(cart);
            String signed = LocalHttp.json(ticket).get("ticket").asText();

            // Nothing on screen yet.
            assertThat(say(sessionId, signed, "SOLD").statusCode()).isEqualTo(202);
            JsonNode refused = buyer.next("holdRefused");
            assertThat(refused.path("type").asText()).isEqualTo("holdRefused");
            assertThat(refused.path("code").asText()).isEqualTo("NOTHING_FEATURED");

            HttpResponse<String> featured = show.admin(
                    "POST",
                    "/sessions/" + sessionId + "/highlights",
                    "{\"sku\":\"" + sku + "\",\"dealPriceCents\":3900}");
            assertThat(featured.statusCode()).isEqualTo(202);
            String highlightId = LocalHttp.json(featured).get("highlightId").asText();
            assertThat(say(sessionId, signed, " Sold  2 ").statusCode()).isEqualTo(202);
            JsonNode held = buyer.next("held");
            assertThat(held.path("type").asText()).isEqualTo("held");
            assertThat(held.path("sku").asText()).isEqualTo(sku);
            assertThat(held.path("quantity").asInt()).isEqualTo(2);
            assertThat(held.path("priceCents").asLong()).isEqualTo(3900);
            assertThat(held.path("currency").asText()).isEqualTo("USD");
            assertThat(Instant.parse(held.path("expiresAt").asText())).isAfter(Instant.now());

            JsonNode inCart = LocalHttp.json(show.send("GET", "/carts/" + cart, null));
            assertThat(inCart.at("/items/0/sku").asText()).isEqualTo(sku);
            assertThat(inCart.at("/items/0/quantity").asInt()).isEqualTo(2);
            JsonNode stock = LocalHttp.json(show.admin("GET", "/products/" + sku + "/stock", null));
            assertThat(stock.get("available").asLong()).isEqualTo(3);
            assertThat(stock.get("held").asLong()).isEqualTo(2);
            // The claim counts in the show's stats like any hold placed with the show, on the highlight on screen.
            LocalShow.await(
                    () -> LocalHttp.json(show.admin("GET", "/sessions/" + sessionId + "/stats", null))
                                    .path("holds")
                                    .asLong()
                            == 1,
                    "the claim in the show's stats");
            JsonNode stats = LocalHttp.json(show.admin("GET", "/sessions/" + sessionId + "/stats", null));
            assertThat(stats.at("/perProduct/0/sku").asText()).isEqualTo(sku);
            assertThat(stats.at("/perHighlight/0/highlightId").asText()).isEqualTo(highlightId);
            assertThat(stats.at("/perHighlight/0/holds").asLong()).isEqualTo(1);

            // Everyone else: the chat lines and one claimed, never a cart id; the other buyer's channel stays silent.
            List<JsonNode> seen = viewer.drain(3_000);
            assertThat(ChannelSubscriber.chatIn(seen))
                    .extracting(e -> e.path("text").asText())
                    .containsExactly("SOLD", " Sold  2 ".strip());
            assertThat(seen)
                    .filteredOn(e -> e.path("type").asText().equals("claimed"))
                    .singleElement()
                    .satisfies(c -> {
                        assertThat(c.path("name").asText()).isEqualTo("Ana");
                        assertThat(c.path("sku").asText()).isEqualTo(sku);
                    });
            assertThat(seen.toString()).doesNotContain(cart);
            assertThat(otherBuyer.drain(500)).as("another buyer's cart channel").isEmpty();
        }
    }

    private static HttpResponse<String> say(String sessionId, String ticket, String text) throws Exception {
        return show.send(
                "POST",
                "/sessions/" + sessionId + "/messages",
                com.liveshop.shared.json.Json.write(Map.of("text", text)),
                "X-Chat-Ticket",
                ticket,
                SimulatedViewers.HEADER,
                ANA);
    }

    /** Ana's own address (the local CDN's CloudFront-Viewer-Address): one viewer, as behind CloudFront. */
    private static final String ANA = SimulatedViewers.address(0);
}
