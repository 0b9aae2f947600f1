package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.appsync.ChannelSubscriber;
import com.liveshop.shared.realtime.Channels;
import dev.samlocal.ivs.SimulatedViewers;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local stack's real answers against openapi.yaml, driven like the pages and the host console: good requests and
 * bad ones (400, 401, 403, 404, 409, 422, 429) on every route group, each checked by {@link OpenApiContract} (status
 * documented, body valid, error code listed, required headers present: Cache-Control everywhere, the public reads'
 * cacheable one, Retry-After on 429), and the frames a show's viewers, a buyer and the hosts receive meanwhile.
 */
class OpenApiContractTest {

    private static final String NO_SUCH_SESSION = "0b6f1c1e-5e0c-4a57-9d7e-2f1b0d0c7a11";
    private static LocalShow show;
    private static OpenApiContract spec;

    @BeforeAll
    static void start() throws Exception {
        show = LocalShow.start();
        spec = OpenApiContract.load();
    }

    @AfterAll
    static void stop() {
        if (show != null) {
            show.close();
        }
    }

    @Test
    void catalogCartOrdersAndWaitlistAnswerAsDocumented() throws Exception {
        String sku = "mug-" + UUID.randomUUID().toString().substring(0, 8);
        String product = "{\"title\":\"Mug\",\"priceCents\":1200,\"currency\":\"USD\",\"stock\":3}";
        check("PUT", "/products/{sku}", show.admin("PUT", "/products/" + sku, product), 201);
        check("PUT", "/products/{sku}", show.admin("PUT", "/products/" + sku, product), 200);
        check("PUT", "/products/{sku}", show.admin("PUT", "/products/" + sku, "{\"title\":\"Mug\"}"), 400);
        check("PUT", "/products/{sku}", show.send("PUT", "/products/" + sku, product), 401);
        check("PUT", "/products/{sku}", send("PUT", "/products/" + sku, product, viewerToken()), 403);
        check(
                "POST",
                "/products/{sku}/restock",
                show.admin("POST", "/products/" + sku + "/restock", "{\"quantity\":2}"),
                200);
        check("GET", "/products/{sku}/stock", show.admin("GET", "/products/" + sku + "/stock", null), 200);
        check("GET", "/products/{sku}/stock", show.admin("GET", "/products/nope-" + sku + "/stock", null), 404);
        check("GET", "/products", show.send("GET", "/products?limit=2", null), 200);
        check("GET", "/products", show.send("GET", "/products?limit=0", null), 400);
        check("GET", "/products", show.send("GET", "/products?cursor=garbage", null), 400);
        check("GET", "/products/{sku}", show.send("GET", "/products/" + sku, null), 200);
        check("GET", "/products/{sku}", show.send("GET", "/products/nope-" + sku, null), 404);
        check("GET", "/challenges", show.send("GET", "/challenges", null), 200);

        String cart = UUID.randomUUID().toString();
        String items = "/carts/" + cart + "/items";
        check("POST", "/carts/{cartId}/items", show.send("POST", items, hold(sku, 2)), 201);
        check("POST", "/carts/{cartId}/items", show.send("POST", items, hold(sku, 4)), 409);
        check("POST", "/carts/{cartId}/items", show.send("POST", items, hold("nope-" + sku, 1)), 404);
        check("POST", "/carts/{cartId}/items", show.send("POST", "/carts/not-a-uuid/items", hold(sku, 1)), 400);
        check("GET", "/carts/{cartId}", show.send("GET", "/carts/" + cart, null), 200);
        check("DELETE", "/carts/{cartId}/items/{sku}", show.send("DELETE", items + "/nope-" + sku, null), 404);

        check("POST", "/orders", show.send("POST", "/orders", order(cart)), 400);
        check(
                "POST",
                "/orders",
                show.send("POST", "/orders", order(UUID.randomUUID().toString()), key()),
                409);
        JsonNode placed =
                LocalHttp.json(check("POST", "/orders", show.send("POST", "/orders", order(cart), key()), 201));
        String orderId = placed.get("orderId").asText();
        String token = placed.get("orderToken").asText();
        check("GET", "/orders/{orderId}", show.send("GET", "/orders/" + orderId, null), 404);
        check(
                "POST",
                "/payments/webhook",
                show.send("POST", "/payments/webhook", "{}", "X-Signature", "t=1,v1=00"),
                401);
        HttpResponse<String> paid = show.send("POST", "/_local/payments/" + orderId, "{\"status\":\"PAID\"}");
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        JsonNode confirmed = LocalHttp.json(check(
                "GET", "/orders/{orderId}", show.send("GET", "/orders/" + orderId, null, "X-Order-Token", token), 200));
        assertThat(confirmed.get("status").asText()).isEqualTo("CONFIRMED");
        check("GET", "/orders/{orderId}", show.admin("GET", "/orders/" + orderId, null), 200);

        // Sold out now (3 + 2 units, 2 sold, 3 held by another cart): the waitlist.
        String other = UUID.randomUUID().toString();
        check("POST", "/carts/{cartId}/items", show.send("POST", "/carts/" + other + "/items", hold(sku, 3)), 201);
        check("POST", "/carts/{cartId}/items", show.send("POST", items, hold(sku, 1)), 409);
        String waitlist = "/products/" + sku + "/waitlist";
        String join = "{\"cartId\":\"" + cart + "\",\"quantity\":1}";
        check("POST", "/products/{sku}/waitlist", show.send("POST", waitlist, join), 201);
        check("POST", "/products/{sku}/waitlist", show.send("POST", waitlist, join), 200);
        check("POST", "/products/{sku}/waitlist", show.send("POST", waitlist, join.replace(":1", ":6")), 422);
        check("GET", "/products/{sku}/waitlist/{cartId}", show.send("GET", waitlist + "/" + cart, null), 200);
        check("DELETE", "/products/{sku}/waitlist/{cartId}", show.send("DELETE", waitlist + "/" + cart, null), 204);
        check("GET", "/products/{sku}/waitlist/{cartId}", show.send("GET", waitlist + "/" + cart, null), 404);
        check(
                "DELETE",
                "/carts/{cartId}/items/{sku}",
                show.send("DELETE", "/carts/" + other + "/items/" + sku, null),
                204);
        check("POST", "/products/{sku}/waitlist", show.send("POST", waitlist, join), 409);
    }

    @Test
    void aShowItsChatAndItsFramesAnswerAsDocumented() throws Exception {
        String sku = "lamp-" + UUID.randomUUID().toString().substring(0, 8);
        show.product(sku, "Lamp", 9900, 5);
        String sessionId = show.liveShow("Lamps", sku);
        String session = "/sessions/" + sessionId;
        String cart = UUID.randomUUID().toString();
        List<JsonNode> frames = new ArrayList<>();
        try (ChannelSubscriber viewer = ChannelSubscriber.withApiKey(show.stack.events(), Channels.show(sessionId));
                ChannelSubscriber buyer = ChannelSubscriber.withToken(show.stack.events(), Channels.cart(cart), cart);
                ChannelSubscriber host =
                        ChannelSubscriber.withToken(show.stack.events(), Channels.hosts(sessionId), hostToken())) {
            String later = "{\"title\":\"Later\",\"startsAt\":\""
                    + Instant.now().plusSeconds(3600) + "\",\"lineup\":[\"" + sku + "\"]}";
            JsonNode scheduled =
                    LocalHttp.json(check("POST", "/sessions", show.admin("POST", "/sessions", later), 201));
            check("POST", "/sessions", show.admin("POST", "/sessions", later.replace(sku, "nope-" + sku)), 422);
            check("POST", "/sessions", show.admin("POST", "/sessions", "{\"title\":\"x\"}"), 400);
            check("GET", "/sessions", show.send("GET", "/sessions?limit=5", null), 200);
            check("GET", "/sessions", show.send("GET", "/sessions?limit=500", null), 400);
            check("GET", "/sessions/{sessionId}", show.send("GET", session, null), 200);
            check("GET", "/sessions/{sessionId}", show.send("GET", "/sessions/" + NO_SUCH_SESSION, null), 404);
            check("GET", "/sessions/{sessionId}", show.send("GET", "/sessions/not-a-uuid", null), 400);
            check("GET", "/sessions/{sessionId}/ingest", show.admin("GET", session + "/ingest", null), 200);
            check("GET", "/sessions/{sessionId}/calendar.ics", show.send("GET", session + "/calendar.ics", null), 200);

            String highlights = "/sessions/{sessionId}/highlights";
            String feature = "{\"sku\":\"" + sku + "\",\"dealPriceCents\":7900}";
            check("POST", highlights, show.admin("POST", session + "/highlights", feature), 202);
            check("POST", highlights, show.admin("POST", session + "/highlights", "{\"sku\":\"nope\"}"), 422);
            String scheduledPath = "/sessions/" + scheduled.get("sessionId").asText() + "/highlights";
            check("POST", highlights, show.admin("POST", scheduledPath, feature), 409);
            check("GET", "/sessions/{sessionId}/timeline", show.send("GET", session + "/timeline", null), 200);
            check("GET", "/sessions/{sessionId}", show.send("GET", session, null), 200);
            check("POST", "/carts/{cartId}/items", show.send("POST", "/carts/" + cart + "/items", hold(sku, 1)), 201);
            // A stock frame goes out only while the show is live and features the sku: wait for it before the show
            // ends.
            frames.addAll(drainUntil(viewer, Set.of("highlight", "stock")));

            String tickets = "/sessions/{sessionId}/chat-tickets";
            String ticket = LocalHttp.json(
                            check("POST", tickets, chat(session + "/chat-tickets", name("Ana", cart), 1), 201))
                    .get("ticket")
                    .asText();
            check("POST", tickets, chat(session + "/chat-tickets", name("admin", null), 2), 422);
            check("POST", tickets, chat("/sessions/" + NO_SUCH_SESSION + "/chat-tickets", name("Bo", null), 2), 404);
            String messages = "/sessions/{sessionId}/messages";
            String sent = LocalHttp.json(check("POST", messages, say(session, ticket, "hello", 1), 202))
                    .get("messageId")
                    .asText();
            check("POST", messages, say(session, "v1.forged.ticket", "hello", 1), 401);
            check("POST", messages, say(session, ticket, "sold", 1), 202);
            check("GET", messages, show.send("GET", session + "/messages?limit=10", null), 200);
            check("GET", messages, show.send("GET", session + "/messages?limit=0", null), 400);
            // The ticket's rate (5 per 10 s): the sixth and later are 429 RATE_LIMITED with Retry-After.
            HttpResponse<String> limited = null;
            for (int i = 0; i < 6 && (limited == null || limited.statusCode() != 429); i++) {
                limited = say(session, ticket, "again " + i, 1);
            }
            check("POST", messages, limited, 429);

            check(
                    "PUT",
                    "/sessions/{sessionId}/chat-settings",
                    show.admin("PUT", session + "/chat-settings", "{\"slowModeSeconds\":0}"),
                    200);
            check(
                    "PUT",
                    "/sessions/{sessionId}/chat-settings",
                    show.admin("PUT", session + "/chat-settings", "{\"slowModeSeconds\":301}"),
                    400);
            check(
                    "PUT",
                    "/sessions/{sessionId}/blocklist",
                    show.admin("PUT", session + "/blocklist", "{\"words\":[\"scam\"]}"),
                    200);
            check(
                    "POST",
                    "/sessions/{sessionId}/pin",
                    show.admin("POST", session + "/pin", "{\"messageId\":\"" + sent + "\"}"),
                    200);
            check(
                    "DELETE",
                    "/sessions/{sessionId}/messages/{messageId}",
                    show.admin("DELETE", session + "/messages/" + sent, null),
                    204);
            check(
                    "POST",
                    "/sessions/{sessionId}/bans",
                    show.admin("POST", session + "/bans", "{\"name\":\"Troll\"}"),
                    200);
            check(
                    "POST",
                    "/sessions/{sessionId}/bans",
                    show.admin("POST", session + "/bans", "{\"ticketId\":\"" + UUID.randomUUID() + "\"}"),
                    404);

            check(
                    "POST",
                    "/sessions/{sessionId}/reminders",
                    show.send(
                            "POST",
                            "/sessions/" + scheduled.get("sessionId").asText() + "/reminders",
                            "{\"email\":\"ana@example.com\"}"),
                    202);
            check(
                    "POST",
                    "/sessions/{sessionId}/reminders",
                    show.send("POST", session + "/reminders", "{\"email\":\"nope\"}"),
                    400);
            check("GET", "/reminders/confirm", show.send("GET", "/reminders/confirm?token=c.forged", null), 400);
            check(
                    "GET",
                    "/reminders/unsubscribe",
                    show.send("GET", "/reminders/unsubscribe?token=u.forged", null),
                    400);
            check(
                    "POST",
                    "/reminders/unsubscribe",
                    show.send("POST", "/reminders/unsubscribe?token=u.forged", null),
                    400);

            check("GET", "/sessions/{sessionId}/stats", show.admin("GET", session + "/stats", null), 200);
            check("POST", "/sessions/{sessionId}/end", show.admin("POST", session + "/end", null), 200);
            check("POST", tickets, chat(session + "/chat-tickets", name("Cy", null), 3), 409);
            check(
                    "POST",
                    "/sessions/{sessionId}/reminders",
                    show.send("POST", session + "/reminders", "{\"email\":\"ana@example.com\"}"),
                    409);

            frames.addAll(drainUntil(
                    viewer, Set.of("chatBatch", "claimed", "chatSettings", "pinned", "messageDeleted", "status")));
            frames.addAll(drainUntil(buyer, Set.of("held")));
            frames.addAll(drainUntil(host, Set.of("banned")));
        }
        frames.forEach(spec::checkFrame);
        System.out.println("[openapi] checked against openapi.yaml: " + spec.covered);
    }

    /** The contract and its reference page, as a frontend developer opens them on the local stack. */
    @Test
    void theStackServesTheContractAndItsReferencePage() throws Exception {
        HttpResponse<String> yaml = show.send("GET", "/openapi.yaml", null);
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("content-type")).hasValue("application/yaml; charset=utf-8");
        assertThat(yaml.body()).startsWith("openapi: 3.1.0");
        HttpResponse<String> docs = show.send("GET", "/docs", null);
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(docs.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(docs.body()).contains("default-src 'self'").contains("/openapi.yaml");
        if (LocalApiDocs.class.getClassLoader().getResource(LocalApiDocs.REDOC_RESOURCE) != null) {
            assertThat(docs.body()).contains("<redoc spec-url=\"/openapi.yaml\">");
            HttpResponse<String> redoc = show.send("GET", "/web/vendor/redoc/redoc.standalone.js", null);
            assertThat(redoc.statusCode()).isEqualTo(200);
            assertThat(redoc.headers().firstValue("content-type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        } else {
            assertThat(docs.body()).contains("not bundled");
        }
        assertThat(show.send("GET", "/_local", null).body())
                .contains("GET /openapi.yaml")
                .contains("GET /docs");
    }

    /** What {@code subscriber} receives until every one of {@code types} came (the streams run asynchronously). */
    private static List<JsonNode> drainUntil(ChannelSubscriber subscriber, Set<String> types) throws Exception {
        List<JsonNode> frames = new ArrayList<>();
        Set<String> missing = new TreeSet<>(types);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            List<JsonNode> more = subscriber.drain(250);
            more.forEach(f -> missing.remove(f.path("type").asText()));
            frames.addAll(more);
        }
        assertThat(missing).as("frames not received (got %s)", frames).isEmpty();
        return frames;
    }

    private static HttpResponse<String> check(String method, String path, HttpResponse<String> response, int status)
            throws Exception {
        assertThat(response.statusCode())
                .as("%s %s: %s", method, path, response.body())
                .isEqualTo(status);
        return spec.check(method, path, response);
    }

    private static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        return show.send(method, path, body, "authorization", "Bearer " + token);
    }

    private static HttpResponse<String> chat(String path, String body, int viewer) throws Exception {
        return show.send("POST", path, body, SimulatedViewers.HEADER, SimulatedViewers.address(viewer));
    }

    private static HttpResponse<String> say(String session, String ticket, String text, int viewer) throws Exception {
        return show.send(
                "POST",
                session + "/messages",
                "{\"text\":\"" + text + "\"}",
                "X-Chat-Ticket",
                ticket,
                SimulatedViewers.HEADER,
                SimulatedViewers.address(viewer));
    }

    private static String name(String name, String cart) {
        return "{\"name\":\"" + name + "\"" + (cart == null ? "" : ",\"cartId\":\"" + cart + "\"") + "}";
    }

    private static String hold(String sku, int quantity) {
        return "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}";
    }

    private static String order(String cart) {
        return "{\"cartId\":\"" + cart + "\",\"email\":\"ana@example.com\"}";
    }

    private static String[] key() {
        return new String[] {"Idempotency-Key", UUID.randomUUID().toString()};
    }

    private static String hostToken() throws Exception {
        return LocalHttp.json(show.send("GET", "/_local/host-token", null))
                .get("token")
                .asText();
    }

    private static String viewerToken() throws Exception {
        return LocalHttp.json(show.send("GET", "/_local/token", null))
                .get("token")
                .asText();
    }
}
