package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.chat.service.CommentToBuy;
import com.liveshop.checkout.CheckoutWiring;
import com.liveshop.checkout.service.CartService;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Comment-to-buy on DynamoDB Local through the real chat handlers and checkout's CartService: the keyword from a
 * cart-bound ticket holds the product on screen by the cart route's rules; the buyer alone gets held / holdRefused on
 * its cart channel; the show gets at most one claimed frame a second; chat buyers racing cart-route buyers never
 * oversell.
 */
class CommentToBuyTest {

    /** A fresh database for every test, as each test starts from empty tables. */
    @RegisterExtension
    final DynamoDbLocalExtension dynamo = DynamoDbLocalExtension.withTemplateTables();

    ChatFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ChatFixture(dynamo);
    }

    private List<JsonNode> cartFrames(String cartId) {
        return f.publisher.on(Channels.cart(cartId));
    }

    private StockLevel stock(String sku) {
        return f.wiring.products().stock(sku);
    }

    @Test
    void theKeywordIsCaseInsensitiveWithAnOptionalQuantityAndNothingElse() {
        assertThat(CommentToBuy.quantityAsked("SOLD", "SOLD")).isEqualTo(OptionalInt.of(1));
        assertThat(CommentToBuy.quantityAsked("  sold ", "SOLD")).isEqualTo(OptionalInt.of(1));
        assertThat(CommentToBuy.quantityAsked("Sold 3", "SOLD")).isEqualTo(OptionalInt.of(3));
        assertThat(CommentToBuy.quantityAsked("ＳＯＬＤ ２", "SOLD"))
                .as("full-width, NFKC")
                .isEqualTo(OptionalInt.of(2));
        assertThat(CommentToBuy.quantityAsked("mío", "MÍO")).isEqualTo(OptionalInt.of(1));
        for (String not :
                List.of("sold out!", "SOLD?", "I sold it", "sold 2 please", "sold -1", "sold 1000", "soldd", "")) {
            assertThat(CommentToBuy.quantityAsked(not, "SOLD")).as(not).isEmpty();
        }
    }

    @Test
    void aKeywordMessageHoldsTheFeaturedProductAtTheDealRulesAndTellsOnlyTheBuyer() {
        String session = f.session("SCHEDULED");
        f.product("cds-scarf", 3900, 10);
        f.feature(session, "cds-scarf");
        String cart = UUID.randomUUID().toString();
        JsonNode ticket = f.cartTicketFor(session, "Ana", cart);
        assertThat(ticket.has("cartId"))
                .as("the cart id stays inside the signed ticket")
                .isFalse();
        assertThat(ticket.toString()).doesNotContain(cart);

        assertThat(f.say(session, ticket.path("ticket").asText(), "sold 2").status())
                .isEqualTo(202);
        assertThat(f.chatOn(session))
                .as("the message is shown as usual")
                .singleElement()
                .satisfies(c -> assertThat(c.path("text").asText()).isEqualTo("sold 2"));
        assertThat(cartFrames(cart)).singleElement().satisfies(held -> {
            assertThat(held.path("type").asText()).isEqualTo("held");
            assertThat(held.path("sku").asText()).isEqualTo("cds-scarf");
            assertThat(held.path("quantity").asInt()).isEqualTo(2);
            assertThat(held.path("priceCents").asLong()).isEqualTo(3900);
            assertThat(held.path("currency").asText()).isEqualTo("USD");
            assertThat(held.path("expiresAt").asText()).isNotBlank();
        });
        assertThat(f.publisher.show(session, "claimed")).singleElement().satisfies(c -> {
            assertThat(c.path("name").asText()).isEqualTo("Ana");
            assertThat(c.path("sku").asText()).isEqualTo("cds-scarf");
        });
        assertThat(f.publisher.published)
                .as("the cart id never on the show's channel")
                .filteredOn(p -> p.channel().equals(Channels.show(session)))
                .noneMatch(p -> p.frame().toString().contains(cart));
        StockLevel level = stock("cds-scarf");
        assertThat(level.available()).isEqualTo(8);
        assertThat(level.held()).isEqualTo(2);
        assertThat(level.initial()).isEqualTo(level.available() + level.held() + level.sold());

        // A hold like any other: the cart route sees it, with its show origin.
        CartService.CartView view = new CheckoutWiring(new AppConfig(settings()))
                .cartService(f.clock)
                .view(cart);
        assertThat(view.items())
                .singleElement()
                .satisfies(line -> assertThat(line.quantity()).isEqualTo(2));
    }

    private Map<String, String> settings() {
        Map<String, String> s = new java.util.HashMap<>(f.dynamo.functionSettings());
        // As the template: the cart route's client key is the chat ticket's secret, so a client's two paths count
        // together.
        s.putAll(f.secrets.settings("FINGERPRINT_SECRET_ARN", ChatFixture.SECRET_ARN, ChatFixture.SECRET));
        return s;
    }

    @Test
    void refusalsCarryTheCartRoutesCodes() {
        String session = f.session("LIVE");
        String cart = UUID.randomUUID().toString();
        String ticket = f.cartTicketFor(session, "Bo", cart).path("ticket").asText();
        f.say(session, ticket, "SOLD");
        assertThat(cartFrames(cart)).singleElement().satisfies(r -> {
            assertThat(r.path("type").asText()).isEqualTo("holdRefused");
            assertThat(r.path("code").asText()).isEqualTo("NOTHING_FEATURED");
        });
        f.product("cds-one", 1000, 1);
        f.feature(session, "cds-one");
        f.say(session, ticket, "sold 6");
        f.clock.advance(Duration.ofSeconds(11));
        f.say(session, ticket, "sold 2");
        f.clock.advance(Duration.ofSeconds(11));
        f.say(session, ticket, "sold");
        f.clock.advance(Duration.ofSeconds(11));
        f.say(session, ticket, "sold");
        assertThat(cartFrames(cart).stream()
                        .map(j -> j.path("type").asText() + ":"
                                + j.path("code").asText(j.path("quantity").asText())))
                .containsExactly(
                        "holdRefused:NOTHING_FEATURED",
                        "holdRefused:QUANTITY_LIMIT",
                        "holdRefused:SOLD_OUT",
                        "held:1",
                        "holdRefused:SOLD_OUT");
        assertThat(stock("cds-one").available()).isZero();
    }

    @Test
    void aTicketWithoutACartAndTheHostBuyNothing() {
        String session = f.session("LIVE");
        f.product("cds-two", 1000, 5);
        f.feature(session, "cds-two");
        f.say(session, f.ticketFor(session, "Cy").path("ticket").asText(), "sold");
        f.hostSays(session, f.hostToken(), "SOLD");
        assertThat(stock("cds-two").available()).isEqualTo(5);
        assertThat(f.publisher.show(session, "claimed")).isEmpty();
    }

    @Test
    void aTicketsCartIsAVersionFourUuid() {
        String session = f.session("LIVE");
        for (String bad : List.of("not-a-cart", "00000000-0000-0000-0000-000000000000", "42")) {
            assertThat(f.ticket(session, Json.write(Map.of("name", "Dee", "cartId", bad)), "192.0.2.9")
                            .status())
                    .as(bad)
                    .isEqualTo(400);
        }
    }

    @Test
    void theHostSetsTheKeywordAndViewersSeeIt() {
        String session = f.session("LIVE");
        var path = Map.of("sessionId", session);
        ChatFixture.Http set =
                f.admin("PUT", "/sessions/{sessionId}/chat-settings", path, "{\"buyKeyword\":\"MINE\"}", true);
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body().path("buyKeyword").asText()).isEqualTo("MINE");
        assertThat(set.body().path("messagesPerSecond").asInt())
                .as("unchanged: the default")
                .isEqualTo(20);
        assertThat(f.publisher.show(session, "chatSettings"))
                .last()
                .satisfies(j -> assertThat(j.path("buyKeyword").asText()).isEqualTo("MINE"));
        for (String bad : List.of(
                "{\"buyKeyword\":\"\"}",
                "{\"buyKeyword\":\"two words\"}",
                "{\"buyKeyword\":\"" + "x".repeat(21) + "\"}",
                "{\"buyKeyword\":\"<b>\"}",
                "{\"buyKeyword\":5}",
                "{}")) {
            assertThat(f.admin("PUT", "/sessions/{sessionId}/chat-settings", path, bad, true)
                            .status())
                    .as(bad)
                    .isEqualTo(400);
        }
        f.product("cds-three", 1000, 5);
        f.feature(session, "cds-three");
        String cart = UUID.randomUUID().toString();
        String ticket = f.cartTicketFor(session, "Eve", cart).path("ticket").asText();
        f.say(session, ticket, "sold");
        assertThat(cartFrames(cart)).as("SOLD is no longer the keyword").isEmpty();
        f.clock.advance(Duration.ofSeconds(11));
        f.say(session, ticket, "mine");
        assertThat(cartFrames(cart))
                .singleElement()
                .satisfies(j -> assertThat(j.path("type").asText()).isEqualTo("held"));
    }

    /**
     * Comment-to-buy holds count against the client that obtained the ticket, together with its cart-route holds (issue
     * 24): from one address, 5 by chat + 5 by the cart route reach the cap (10), and the next claim is refused
     * CLIENT_LIMIT while a claim from another address still holds.
     */
    @Test
    void chatHoldsCountAgainstTheTicketsClientWithItsCartRouteHolds() {
        String session = f.session("LIVE");
        f.product("cds-capped", 1000, 30);
        f.feature(session, "cds-capped");
        String address = "198.51.100.42";
        String chatCart = UUID.randomUUID().toString();
        String ticket = f.ticket(session, Json.write(Map.of("name", "Sam", "cartId", chatCart)), address)
                .body()
                .path("ticket")
                .asText();
        f.say(session, ticket, "sold 5");
        assertThat(cartFrames(chatCart))
                .singleElement()
                .satisfies(j -> assertThat(j.path("type").asText()).isEqualTo("held"));
        CartService cartRoute = new CheckoutWiring(new AppConfig(settings())).cartService(f.clock);
        cartRoute.addItem(UUID.randomUUID().toString(), "cds-capped", 5L, session, address, null);

        String secondCart = UUID.randomUUID().toString();
        String second = f.ticket(session, Json.write(Map.of("name", "Sam2", "cartId", secondCart)), address)
                .body()
                .path("ticket")
                .asText();
        f.clock.advance(Duration.ofSeconds(11));
        f.say(session, second, "sold");
        assertThat(cartFrames(secondCart)).singleElement().satisfies(j -> {
            assertThat(j.path("type").asText()).isEqualTo("holdRefused");
            assertThat(j.path("code").asText()).isEqualTo("CLIENT_LIMIT");
        });
        String otherCart = UUID.randomUUID().toString();
        f.say(session, f.cartTicketFor(session, "Kim", otherCart).path("ticket").asText(), "sold");
        assertThat(cartFrames(otherCart))
                .singleElement()
                .satisfies(j -> assertThat(j.path("type").asText()).isEqualTo("held"));
        assertThat(stock("cds-capped").held()).isEqualTo(11);
    }

    @Test
    void claimedIsAtMostOneASecondPerShow() {
        String session = f.session("LIVE");
        f.product("cds-four", 1000, 50);
        f.feature(session, "cds-four");
        for (int i = 0; i < 5; i++) {
            f.say(
                    session,
                    f.cartTicketFor(session, "Fan" + i, UUID.randomUUID().toString())
                            .path("ticket")
                            .asText(),
                    "sold");
        }
        assertThat(f.publisher.show(session, "claimed")).hasSize(1);
        f.clock.advance(Duration.ofSeconds(1));
        f.say(
                session,
                f.cartTicketFor(session, "Late", UUID.randomUUID().toString())
                        .path("ticket")
                        .asText(),
                "sold");
        assertThat(f.publisher.show(session, "claimed")).hasSize(2);
        assertThat(stock("cds-four").held()).isEqualTo(6);
    }

    /** 100 chat buyers and 100 cart-route buyers for 50 units, on real threads: exactly 50 held, never more. */
    @RepeatedTest(20)
    void chatBuyersRacingCartRouteBuyersNeverOversell() throws Exception {
        String session = f.session("LIVE");
        f.admin(
                "PUT",
                "/sessions/{sessionId}/chat-settings",
                Map.of("sessionId", session),
                "{\"messagesPerSecond\":100}",
                true);
        f.product("cds-hot", 2500, 50);
        f.feature(session, "cds-hot");
        List<String> chatCarts = new ArrayList<>();
        List<String> tickets = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            chatCarts.add(UUID.randomUUID().toString());
            tickets.add(f.cartTicketFor(session, "Chat" + i, chatCarts.get(i))
                    .path("ticket")
                    .asText());
        }
        CartService cartRoute = new CheckoutWiring(new AppConfig(settings())).cartService(f.clock);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> chatSends = new ArrayList<>();
        List<Future<Boolean>> routeBuys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String ticket = tickets.get(i);
            String address = "10.250.0." + i;
            chatSends.add(pool.submit(() -> {
                go.await();
                return f.say(session, ticket, "SOLD").status();
            }));
            routeBuys.add(pool.submit(() -> {
                go.await();
                try {
                    cartRoute.addItem(UUID.randomUUID().toString(), "cds-hot", 1L, session, address, null);
                    return true;
                } catch (ApiException e) {
                    assertThat(e.code()).isIn("SOLD_OUT", "TRY_AGAIN");
                    return false;
                }
            }));
        }
        go.countDown();
        int routeHeld = 0;
        try {
            for (Future<Integer> s : chatSends) {
                assertThat(s.get()).isEqualTo(202);
            }
            for (Future<Boolean> b : routeBuys) {
                routeHeld += b.get() ? 1 : 0;
            }
        } finally {
            // Every thread done before the fixture closes DynamoDB Local, whatever failed.
            pool.shutdown();
            pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        int chatHeld = 0;
        int chatRefused = 0;
        for (String cart : chatCarts) {
            List<JsonNode> frames = cartFrames(cart);
            assertThat(frames).as("one answer per chat buyer").hasSize(1);
            if (frames.get(0).path("type").asText().equals("held")) {
                chatHeld++;
            } else {
                assertThat(frames.get(0).path("code").asText()).isIn("SOLD_OUT", "TRY_AGAIN");
                chatRefused++;
            }
        }
        StockLevel level = stock("cds-hot");
        assertThat(chatHeld + routeHeld).as("held units").isEqualTo(level.held());
        assertThat(level.held()).isEqualTo(50);
        assertThat(level.available()).isZero();
        assertThat(level.initial()).isEqualTo(level.available() + level.held() + level.sold());
        assertThat(chatHeld + chatRefused).isEqualTo(100);
    }
}
