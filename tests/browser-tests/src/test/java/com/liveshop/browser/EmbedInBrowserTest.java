package com.liveshop.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalStack;
import dev.samlocal.Options;
import dev.samlocal.ivs.LocalIvs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The show embedded on a brand's site (issue 27's "Done when"), in headless Chromium against the local stack: the demo
 * shop at {@code http://localhost:port/demo-shop/} has one script tag pointing at {@code http://127.0.0.1:port}
 * (another origin, as on a real brand's site). The buyer opens the live demo show, the product the host features
 * appears with the brand's own name, goes into the cart through the embed (the brand's ADD_TO_CART handler sees it,
 * then HOLD_PLACED), the player is minimized, the buyer follows the product link to the second page, where the
 * miniplayer is back at once (minimized, live, the same cart), checks out from it and pays with the local test payment:
 * the brand's page hears ORDER_CONFIRMED. No console error, no request to an origin the demo page's CSP does not list.
 * A vetoing ADD_TO_CART places no hold; Close removes the player and what it kept; data-liveshop-next opens the live
 * show; a brand that answers CHECKOUT with false takes over (we place no order, the hold stays in the cart). The first
 * paint and the time until the miniplayer is back are printed, not asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbedInBrowserTest {

    private static final String SWEATER = "cds-cashmere-sweater";
    /** The demo shop's name for the sweater (its player.products resolver). */
    private static final String BRAND_TITLE = "Northwind Cashmere Crew";

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** A featured product reaches the viewer within 2 s (as on the watch page: LiveShowInBrowserTest). */
    private static final Duration CUE_WAIT = Duration.ofSeconds(2);

    private static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    /** A size, not a time: the loader stays small (the README states its gzip size). */
    private static final int LOADER_GZIP_BUDGET = 8 * 1024;

    private static LocalStack stack;
    private static ChromeDriver buyer;
    private static ChromeDriver vetoed;
    private static String shop;
    private static String embedOrigin;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Browsers.available(), Browsers.INSTALL_HINT);
        stack = LocalStack.start(Options.ephemeral().withSchedules(false));
        shop = stack.url();
        embedOrigin = shop.replace("//localhost:", "//127.0.0.1:");
        assertThat(embedOrigin).isNotEqualTo(shop);
        buyer = Browsers.open(1280, 900, true);
        vetoed = Browsers.open(1280, 900);
        // "OBS" goes live on the demo show's channel; the host features the sweater once the buyer's player is there.
        stack.ivs().broadcast(channelArn(), LocalIvs.Action.START);
        Browsers.waiting(buyer, WAIT)
                .until(d -> "LIVE".equals(session().path("status").asText()));
    }

    @AfterAll
    static void stop() {
        Browsers.closeAll(stack, vetoed, buyer);
    }

    @Test
    @Order(1)
    void aBuyerWatchesOnTheBrandsSiteAddsToCartBrowsesOnAndPaysFromTheMiniplayer() {
        buyer.get(shop + "/demo-shop/");
        assertThat(buyer.findElements(By.cssSelector("script[src*='liveshop.js']")))
                .singleElement()
                .satisfies(s -> assertThat(s.getAttribute("src")).isEqualTo(embedOrigin + "/embed/liveshop.js"));
        Browsers.waiting(buyer, WAIT)
                .until(d -> d.findElement(By.id("watch-live")).isDisplayed());
        buyer.findElement(By.id("watch-live")).click();

        enterPlayer(buyer);
        Browsers.waiting(buyer, WAIT).until(Browsers.textIs(By.id("status"), "LIVE"));
        assertThat(buyer.findElement(By.tagName("body")).getAttribute("class")).contains("embed");
        Browsers.waiting(buyer, WAIT).until(d -> stack.ivs().players(channelArn()) >= 1);
        assertThat(call("POST", "/sessions/" + stack.demoShowId() + "/highlights", "{\"sku\":\"" + SWEATER + "\"}")
                        .statusCode())
                .isEqualTo(202);
        Browsers.waiting(buyer, CUE_WAIT).until(Browsers.textIs(By.id("featured-title"), BRAND_TITLE));
        assertThat(buyer.findElement(By.id("featured")).getAttribute("data-sku"))
                .isEqualTo(SWEATER);
        assertThat(buyer.findElement(By.id("featured-image")).getAttribute("src"))
                .startsWith("data:image/svg+xml");
        assertThat(buyer.findElement(By.id("featured-link")).getAttribute("href"))
                .isEqualTo(shop + "/demo-shop/product.html?sku=" + SWEATER);
        Browsers.screenshot(buyer, "embed", "featured");
        printFirstPaint();

        // Into the cart through the embed: the brand's handler sees the item first, then the hold.
        enterPlayer(buyer);
        buyer.findElement(By.id("featured-add")).click();
        Browsers.waiting(buyer, WAIT).until(Browsers.textIs(By.id("cart-count"), "1"));
        buyer.switchTo().defaultContent();
        Browsers.waiting(buyer, WAIT).until(d -> logged(d, "HOLD_PLACED").size() == 1);
        assertThat(logged(buyer, "ADD_TO_CART")).singleElement().satisfies(item -> {
            assertThat(item.path("sku").asText()).isEqualTo(SWEATER);
            assertThat(item.path("quantity").asInt()).isEqualTo(1);
            assertThat(item.path("title").asText()).isEqualTo(BRAND_TITLE);
        });
        assertThat(logged(buyer, "HOLD_PLACED").get(0).path("sku").asText()).isEqualTo(SWEATER);
        Browsers.waiting(buyer, WAIT)
                .until(d -> logged(d, "CART_CHANGED").stream()
                        .anyMatch(c -> c.path("count").asInt() == 1));
        assertThat(logged(buyer, "PRODUCT_FEATURED"))
                .anyMatch(f -> f.path("sku").asText().equals(SWEATER));
        assertThat(logged(buyer, "SHOW_STATUS"))
                .anyMatch(s -> s.path("status").asText().equals("LIVE"));
        String cartId = Browsers.read(Browsers.sessionStorage(buyer, "liveshop.embed"))
                .path("cartId")
                .asText();
        assertThat(cartId).matches(UUID_V4);
        List<String> requested = new ArrayList<>(requestedUrls(buyer));

        // "Pop out" (Document Picture-in-Picture) is offered exactly where the browser has it.
        boolean pictureInPicture = (Boolean) buyer.executeScript("return 'documentPictureInPicture' in window;");
        assertThat(playerChrome(buyer)
                        .findElement(By.cssSelector("[data-act=pip]"))
                        .isDisplayed())
                .isEqualTo(pictureInPicture);
        // Minimized in its corner; the product link leads to the brand's second page, where the show comes back.
        playerChrome(buyer).findElement(By.cssSelector("[data-act=toggle]")).click();
        assertThat(playerBox(buyer).getAttribute("class")).contains("mini");
        enterPlayer(buyer);
        Browsers.waiting(buyer, WAIT)
                .until(d ->
                        d.findElement(By.tagName("body")).getAttribute("class").contains("embed-mini"));
        Browsers.screenshot(buyer, "embed", "minimized");
        buyer.findElement(By.id("featured-link")).click();
        buyer.switchTo().defaultContent();
        Browsers.waiting(buyer, WAIT).until(d -> d.getCurrentUrl().endsWith("/demo-shop/product.html?sku=" + SWEATER));
        assertThat(buyer.findElement(By.id("product-title")).getText()).isEqualTo(BRAND_TITLE);
        Browsers.waiting(buyer, WAIT)
                .until(d -> !d.findElements(By.id("liveshop-player")).isEmpty());
        assertThat(playerBox(buyer).getAttribute("class")).contains("mini");
        enterPlayer(buyer);
        // The miniplayer shows no title bar (the loader's bar says LIVE): the status is read, not seen.
        Browsers.waiting(buyer, WAIT)
                .until(d -> "LIVE".equals(d.findElement(By.id("status")).getAttribute("textContent")));
        assertThat(buyer.findElement(By.tagName("body")).getAttribute("class")).contains("embed-mini");
        Browsers.waiting(buyer, WAIT).until(Browsers.textIs(By.id("cart-count"), "1"));
        Browsers.waiting(buyer, WAIT).until(Browsers.textIs(By.id("featured-title"), BRAND_TITLE));
        assertThat(Browsers.localStorage(buyer, "liveshop.cartId")).isEqualTo(cartId);
        long clock = streamClock(buyer);
        Browsers.waiting(buyer, WAIT).until(d -> streamClock(d) > clock);
        printMiniplayerBack();
        buyer.switchTo().defaultContent();
        assertThat(Browsers.read(Browsers.sessionStorage(buyer, "liveshop.embed"))
                        .path("cartId")
                        .asText())
                .isEqualTo(cartId);
        Browsers.screenshot(buyer, "embed", "second-page");

        // Check out from the miniplayer: its cart count brings the player back with the cart open.
        enterPlayer(buyer);
        buyer.findElement(By.id("cart-button")).click();
        buyer.switchTo().defaultContent();
        Browsers.waiting(buyer, WAIT)
                .until(d -> !playerBox(d).getAttribute("class").contains("mini"));
        enterPlayer(buyer);
        Browsers.waiting(buyer, WAIT).until(Browsers.shown(By.id("checkout-email")));
        buyer.findElement(By.id("checkout-email")).sendKeys("buyer@example.com");
        buyer.findElement(By.id("checkout-button")).click();
        Browsers.waiting(buyer, WAIT).until(Browsers.shown(By.id("pay-button"))).click();
        Browsers.waiting(buyer, WAIT)
                .until(d ->
                        "CONFIRMED".equals(d.findElement(By.id("order-status")).getAttribute("data-status")));
        String orderId = buyer.findElement(By.id("order")).getAttribute("data-order-id");
        Browsers.screenshot(buyer, "embed", "paid");
        buyer.switchTo().defaultContent();
        Browsers.waiting(buyer, WAIT).until(d -> logged(d, "ORDER_CONFIRMED").size() == 1);
        JsonNode confirmed = logged(buyer, "ORDER_CONFIRMED").get(0);
        assertThat(confirmed.path("orderId").asText()).isEqualTo(orderId);
        assertThat(confirmed.path("status").asText()).isEqualTo("CONFIRMED");
        assertThat(logged(buyer, "CHECKOUT"))
                .singleElement()
                .satisfies(o -> assertThat(o.path("cartId").asText()).isEqualTo(cartId));
        // Nothing private reaches the brand's page: no e-mail, order token, payment id or chat ticket.
        String log = buyer.findElement(By.id("event-log")).getText();
        assertThat(log).doesNotContain("buyer@example.com", "orderToken", "paymentId", "ticket");

        assertThat(Browsers.consoleProblems(buyer)).as("console").isEmpty();
        requested.addAll(requestedUrls(buyer));
        Set<String> allowed = Set.of(shop, embedOrigin);
        assertThat(requested)
                .isNotEmpty()
                .allSatisfy(url -> assertThat(origin(url)).as(url).isIn(allowed));
        System.out.printf("Embed: %d requests, all to %s%n", requested.size(), allowed);
    }

    @Test
    @Order(2)
    void aVetoingAddToCartHandlerPlacesNoHold() {
        vetoed.get(shop + "/demo-shop/");
        vetoed.findElement(By.id("veto")).click();
        vetoed.findElement(By.id("watch-live")).click();
        enterPlayer(vetoed);
        Browsers.waiting(vetoed, WAIT).until(Browsers.textIs(By.id("featured-title"), BRAND_TITLE));
        vetoed.findElement(By.id("featured-add")).click();
        Browsers.waiting(vetoed, WAIT).until(Browsers.textIs(By.id("featured-message"), "Not added: out-of-stock"));
        String cartId = Browsers.localStorage(vetoed, "liveshop.cartId");
        assertThat(cartId).matches(UUID_V4);
        vetoed.switchTo().defaultContent();
        assertThat(logged(vetoed, "ADD_TO_CART")).hasSize(1);
        assertThat(logged(vetoed, "HOLD_PLACED")).isEmpty();
        assertThat(Browsers.read(call("GET", "/carts/" + cartId, null).body()).path("items"))
                .isEmpty();

        // Closed: the player is gone, the brand hears CLOSE, and nothing is kept for its next page.
        playerChrome(vetoed).findElement(By.cssSelector("[data-act=close]")).click();
        assertThat(vetoed.findElements(By.id("liveshop-player"))).isEmpty();
        assertThat(logged(vetoed, "CLOSE")).hasSize(1);
        assertThat(Browsers.sessionStorage(vetoed, "liveshop.embed")).isNull();

        // "Our next show" (data-liveshop-next): the player finds the live show by the rule of our own "/".
        vetoed.findElement(By.id("watch-next")).click();
        enterPlayer(vetoed);
        Browsers.waiting(vetoed, WAIT).until(Browsers.textIs(By.id("featured-title"), BRAND_TITLE));
        vetoed.switchTo().defaultContent();
        Browsers.waiting(vetoed, WAIT)
                .until(d -> stack.demoShowId()
                        .equals(Browsers.read(Browsers.sessionStorage(d, "liveshop.embed"))
                                .path("sessionId")
                                .asText()));
        assertThat(Browsers.consoleProblems(vetoed)).as("console").isEmpty();
    }

    @Test
    @Order(3)
    void aBrandWithItsOwnCheckoutTakesOverAndOursPlacesNoOrder() {
        // The open player covers the page: minimized, the brand's page is usable again.
        vetoed.switchTo().defaultContent();
        playerChrome(vetoed).findElement(By.cssSelector("[data-act=toggle]")).click();
        assertThat(playerBox(vetoed).getAttribute("class")).contains("mini");
        vetoed.findElement(By.id("veto")).click(); // let the hold through this time
        vetoed.findElement(By.id("own-checkout")).click();
        playerChrome(vetoed).findElement(By.cssSelector("[data-act=toggle]")).click();
        assertThat(playerBox(vetoed).getAttribute("class")).doesNotContain("mini");
        enterPlayer(vetoed);
        Browsers.waiting(vetoed, WAIT).until(Browsers.textIs(By.id("featured-title"), BRAND_TITLE));
        vetoed.findElement(By.id("featured-add")).click();
        Browsers.waiting(vetoed, WAIT).until(Browsers.textIs(By.id("cart-count"), "1"));
        String cartId = Browsers.localStorage(vetoed, "liveshop.cartId");
        vetoed.findElement(By.id("cart-button")).click();
        Browsers.waiting(vetoed, WAIT).until(Browsers.shown(By.id("checkout-email")));
        vetoed.findElement(By.id("checkout-email")).sendKeys("other@example.com");
        vetoed.findElement(By.id("checkout-button")).click();
        Browsers.waiting(vetoed, WAIT)
                .until(Browsers.textIs(By.id("checkout-message"), "The shop takes over the checkout."));
        assertThat(vetoed.findElement(By.id("order")).isDisplayed()).isFalse();
        vetoed.switchTo().defaultContent();
        assertThat(logged(vetoed, "CHECKOUT")).singleElement().satisfies(order -> {
            assertThat(order.path("cartId").asText()).isEqualTo(cartId);
            assertThat(order.path("items").get(0).path("sku").asText()).isEqualTo(SWEATER);
            assertThat(order.toString()).doesNotContain("other@example.com");
        });
        // No order: the hold is still in the cart for the brand's own checkout to use.
        assertThat(Browsers.read(call("GET", "/carts/" + cartId, null).body()).path("items"))
                .singleElement()
                .satisfies(item -> assertThat(item.path("sku").asText()).isEqualTo(SWEATER));
        assertThat(logged(vetoed, "ORDER_CONFIRMED")).isEmpty();

        // The miniplayer is dragged by its bar, and stays where it was left on the brand's next page.
        playerChrome(vetoed).findElement(By.cssSelector("[data-act=toggle]")).click();
        WebElement bar = playerChrome(vetoed).findElement(By.cssSelector(".grip"));
        org.openqa.selenium.Rectangle before = playerBox(vetoed).getRect();
        new org.openqa.selenium.interactions.Actions(vetoed)
                .clickAndHold(bar)
                .moveByOffset(-40, -30)
                .moveByOffset(-260, -170)
                .release()
                .perform();
        org.openqa.selenium.Rectangle after = playerBox(vetoed).getRect();
        assertThat(after.getX()).isCloseTo(before.getX() - 300, org.assertj.core.data.Offset.offset(2));
        assertThat(after.getY()).isCloseTo(before.getY() - 200, org.assertj.core.data.Offset.offset(2));
        JsonNode kept = Browsers.read(Browsers.sessionStorage(vetoed, "liveshop.embed"));
        assertThat(kept.path("position").path("x").asInt()).isEqualTo(after.getX());
        vetoed.get(shop + "/demo-shop/product.html?sku=" + SWEATER);
        Browsers.waiting(vetoed, WAIT)
                .until(d -> !d.findElements(By.id("liveshop-player")).isEmpty());
        assertThat(playerBox(vetoed).getAttribute("class")).contains("mini");
        assertThat(playerBox(vetoed).getRect().getPoint()).isEqualTo(after.getPoint());
        assertThat(Browsers.consoleProblems(vetoed)).as("console").isEmpty();
    }

    /** The loader's gzip size, from the bytes served: printed for the README, held to a budget. */
    @Test
    void theLoaderIsSmall() throws IOException {
        HttpResponse<String> loader = call("GET", "/embed/liveshop.js", null);
        assertThat(loader.statusCode()).isEqualTo(200);
        assertThat(loader.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(loader.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        System.out.printf(
                "Embed: liveshop.js %d bytes, %d bytes gzip%n", loader.body().length(), gz.size());
        assertThat(gz.size()).isLessThan(LOADER_GZIP_BUDGET);
    }

    // ---- the page and the player ----

    /** The loader's shadow root on the brand's page (the player's chrome and its iframe). */
    private static SearchContext playerChrome(WebDriver driver) {
        return driver.findElement(By.id("liveshop-player")).getShadowRoot();
    }

    private static WebElement playerBox(WebDriver driver) {
        return playerChrome(driver).findElement(By.cssSelector(".box"));
    }

    /** Switches into the player's iframe (from the brand's page). */
    private static void enterPlayer(ChromeDriver driver) {
        driver.switchTo().defaultContent();
        WebElement frame =
                Browsers.waiting(driver, WAIT).until(d -> playerChrome(d).findElement(By.cssSelector("iframe")));
        driver.switchTo().frame(frame);
    }

    /** The details the demo shop's handlers logged for one event, in order. */
    private static List<JsonNode> logged(WebDriver driver, String event) {
        return driver.findElements(By.cssSelector("#event-log li[data-event='" + event + "']")).stream()
                .map(li -> Browsers.read(li.getText().substring(event.length() + 1)))
                .toList();
    }

    private static long streamClock(WebDriver driver) {
        return Long.parseLong(driver.findElement(By.id("stream-clock")).getAttribute("data-ms"));
    }

    /**
     * Open (loader) → the player's first contentful paint, and → its first render of the show. From the brand's page.
     */
    private static void printFirstPaint() {
        double paint = framePaintEpochMs();
        buyer.switchTo().defaultContent();
        double open = number(buyer.executeScript(
                "return performance.timeOrigin" + " + performance.getEntriesByName('liveshop:open')[0].startTime;"));
        double ready = number(buyer.executeScript("return performance.timeOrigin"
                + " + performance.getEntriesByName('liveshop:player-ready')[0].startTime;"));
        System.out.printf(
                "Embed: first paint of the player %.0f ms after open(), show rendered after %.0f ms%n",
                paint - open, ready - open);
    }

    /** Navigation start of the brand's second page → the miniplayer's first paint and its show rendered. */
    private static void printMiniplayerBack() {
        double paint = framePaintEpochMs();
        buyer.switchTo().defaultContent();
        double start = number(buyer.executeScript("return performance.timeOrigin;"));
        double ready = number(buyer.executeScript(
                "return performance.timeOrigin + performance.getEntriesByName('liveshop:player-ready')[0].startTime;"));
        System.out.printf(
                "Embed: miniplayer back %.0f ms after the next page's navigation start (first paint), show rendered"
                        + " after %.0f ms%n",
                paint - start, ready - start);
    }

    /** The player iframe's first-contentful-paint as epoch milliseconds (run with the iframe selected). */
    private static double framePaintEpochMs() {
        enterPlayer(buyer);
        return ((Number) Browsers.waiting(buyer, WAIT)
                        .until(d -> buyer.executeScript(
                                "const p = performance.getEntriesByName('first-contentful-paint')[0];"
                                        + " return p ? performance.timeOrigin + p.startTime : null;")))
                .doubleValue();
    }

    /**
     * Every URL the brand's page and the player fetched: the DevTools network log (the brand's page) and both
     * documents' resource timing entries (the player's iframe runs in its own process).
     */
    private static List<String> requestedUrls(ChromeDriver driver) {
        List<String> urls = new ArrayList<>();
        Browsers.requests(driver).forEach(r -> urls.add(r.url()));
        String entries = "return performance.getEntriesByType('resource').map(e => e.name)"
                + ".concat(performance.getEntriesByType('navigation').map(e => e.name));";
        driver.switchTo().defaultContent();
        urls.addAll(strings(driver.executeScript(entries)));
        enterPlayer(driver);
        urls.addAll(strings(driver.executeScript(entries)));
        driver.switchTo().defaultContent();
        return urls.stream().filter(u -> u.matches("^(https?|wss?)://.*")).toList();
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        return (List<String>) list;
    }

    private static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme().replaceFirst("^ws", "http") + "://" + u.getHost() + ":" + u.getPort();
    }

    // ---- the local stack ----

    private static String channelArn() {
        String playbackUrl = session().path("playbackUrl").asText();
        return stack.ivs().channels().stream()
                .filter(c -> c.playbackUrl().equals(playbackUrl))
                .findFirst()
                .orElseThrow()
                .arn();
    }

    private static JsonNode session() {
        return Browsers.read(
                call("GET", "/sessions/" + stack.demoShowId(), null).body());
    }

    /** A call as the host (the token of the local issuer's host). */
    private static HttpResponse<String> call(String method, String path, String json) {
        return StackHttp.call(stack.url(), method, path, json, stack.jwt().hostToken());
    }
}
