package com.liveshop.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalStack;
import com.liveshop.local.Options;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A whole show in two real headless Chromium browsers against the local stack (demo catalog): the host signs
 * in, creates a show and starts the simulated broadcast; a viewer watches; the host features a product with a
 * deal price and the viewer's card appears within 2 s; the viewer's hold lowers "stock left" on both pages;
 * checkout starts a new, empty cart while the placed order stays on screen, is read with its order token and is
 * paid with the test payment, which puts the paid order and its revenue on the host console; a late joiner sees
 * the product on screen at once, and the order again from localStorage; a chat message with markup reaches the host console as text; after the end the
 * replay's chapters appear and a chapter moves the replay clock.
 */
class LiveShowInBrowserTest {

    private static final String SWEATER = "cds-cashmere-sweater";
    /** The wait the feature asks for: a featured product reaches the viewer within 2 s. */
    private static final Duration CUE_WAIT = Duration.ofSeconds(2);
    /** Waits for pages that poll (every 2-3 s) or for a whole round trip through the stack. */
    private static final Duration POLL_WAIT = Duration.ofSeconds(10);
    /** What crypto.randomUUID() makes, and what the API takes as a cartId. */
    private static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    private static LocalStack stack;
    private static ChromeDriver host;
    private static ChromeDriver viewer;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Browsers.available(), Browsers.INSTALL_HINT);
        stack = LocalStack.start(Options.ephemeral().withSchedules(false));
        host = Browsers.open(1280, 1000);
        viewer = Browsers.open(412, 915, true);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {viewer == null ? null : viewer::quit, host == null ? null : host::quit, stack}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("Closing failed: " + e);
                }
            }
        }
    }

    /** The IVS Web Player bundled from npm at build time loads in Chromium and creates a player, offline. */
    @Test
    void theBundledIvsWebPlayerLoadsAndCreatesAPlayer() {
        viewer.get(stack.url() + "/host");
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> player = (java.util.Map<String, Object>) viewer.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const script = document.createElement('script');
                script.src = '/web/vendor/amazon-ivs-player/amazon-ivs-player.min.js';
                script.onerror = () => done({ loaded: false });
                script.onload = () => {
                  try {
                    const IVS = window.IVSPlayer;
                    const base = new URL('/web/vendor/amazon-ivs-player/', location.href).href;
                    const p = IVS.create({ wasmWorker: base + 'amazon-ivs-wasmworker.min.js', wasmBinary: base + 'amazon-ivs-wasmworker.min.wasm' });
                    done({ loaded: true, supported: IVS.isPlayerSupported, cueEvent: IVS.PlayerEventType.TEXT_METADATA_CUE,
                           state: String(p.getState()) });
                    p.delete();
                  } catch (e) {
                    done({ loaded: true, error: String(e), keys: Object.keys(window.IVSPlayer || {}).join(',') });
                  }
                };
                document.head.append(script);
                """);
        assertThat(player).containsEntry("loaded", true).containsEntry("supported", true)
                .containsEntry("cueEvent", "PlayerTextMetadataCue");
        assertThat((String) player.get("state")).isNotBlank();
    }

    @Test
    void aHostRunsAShowThatAViewerWatchesBuysFromAndReplays() {
        // The host signs in locally and creates a show with the first four demo products.
        host.get(stack.url() + "/host");
        Browsers.waiting(host, POLL_WAIT).until(Browsers.shown(By.id("local-login"))).click();
        Browsers.waiting(host, POLL_WAIT).until(d -> d.findElements(By.cssSelector("#lineup-picker input")).size() == 10);
        WebElement title = host.findElement(By.id("show-title"));
        title.clear();
        title.sendKeys("Cyber Deals Sunday");
        Browsers.screenshot(host, "host", "create-show");
        host.findElement(By.id("create-button")).click();
        Browsers.waiting(host, POLL_WAIT).until(Browsers.textIs(By.id("show-status"), "SCHEDULED"));
        String sessionId = host.findElement(By.id("show")).getAttribute("data-session-id");
        assertThat(host.findElement(By.id("stream-key")).getText()).as("masked until revealed").doesNotStartWith("sk_");
        host.findElement(By.id("reveal-key")).click();
        assertThat(host.findElement(By.id("stream-key")).getText()).startsWith("sk_");
        host.findElement(By.id("reveal-key")).click();
        Browsers.screenshot(host, "host", "scheduled");

        // Before the show the viewer sees the countdown, the lineup and the reminder form.
        viewer.get(stack.url() + "/");
        Browsers.waiting(viewer, POLL_WAIT).until(d -> d.getCurrentUrl().endsWith("/watch/" + sessionId));
        Browsers.waiting(viewer, POLL_WAIT).until(Browsers.shown(By.id("before")));
        assertThat(viewer.findElement(By.id("title")).getText()).isEqualTo("Cyber Deals Sunday");
        assertThat(viewer.findElements(By.cssSelector("#rail li"))).hasSize(4);
        viewer.findElement(By.id("reminder-email")).sendKeys("fan@example.com");
        viewer.findElement(By.cssSelector("#reminder-form button")).click();
        Browsers.waiting(viewer, POLL_WAIT).until(d -> d.findElement(By.id("reminder-result")).getText().contains("fan@example.com"));
        Browsers.screenshot(viewer, "viewer", "before-show");

        // "OBS" goes live: both pages follow the session to LIVE; the viewer's local player connects.
        host.findElement(By.id("broadcast-start")).click();
        Browsers.waiting(host, POLL_WAIT).until(Browsers.textIs(By.id("show-status"), "LIVE"));
        Browsers.waiting(viewer, POLL_WAIT).until(Browsers.textIs(By.id("status"), "LIVE"));
        String channelArn = stack.ivs().channels().stream().filter(c -> c.live()).findFirst().orElseThrow().arn();
        Browsers.waiting(viewer, POLL_WAIT).until(d -> stack.ivs().channel(channelArn).orElseThrow().players() >= 1);
        Browsers.screenshot(viewer, "viewer", "live");

        // The host features the sweater at a deal price: the viewer's card appears within 2 s.
        WebElement row = host.findElement(By.cssSelector("#lineup-rows tr[data-sku='" + SWEATER + "']"));
        Browsers.waiting(host, POLL_WAIT).until(d -> row.findElement(By.cssSelector("button.feature")).isEnabled());
        row.findElement(By.cssSelector(".deal-input")).sendKeys("99");
        row.findElement(By.cssSelector("button.feature")).click();
        Browsers.waiting(viewer, CUE_WAIT).until(Browsers.textIs(By.id("featured-title"), "Cashmere Crew Sweater"));
        assertThat(viewer.findElement(By.id("featured")).getAttribute("data-sku")).isEqualTo(SWEATER);
        assertThat(viewer.findElement(By.id("featured-price")).getText()).contains("99.00");
        assertThat(viewer.findElement(By.id("featured-list-price")).getText()).contains("129.00");
        assertThat(viewer.findElement(By.cssSelector("#rail li.current")).getAttribute("data-sku")).isEqualTo(SWEATER);
        Browsers.waiting(viewer, POLL_WAIT).until(Browsers.textIs(By.id("featured-stock"), "50"));
        Browsers.waiting(host, POLL_WAIT).until(d -> row.findElement(By.cssSelector(".available")).getText().equals("50"));
        Browsers.screenshot(viewer, "viewer", "featured");
        Browsers.screenshot(host, "host", "featured");

        // The viewer adds it to the cart: stock left drops on both pages.
        viewer.findElement(By.id("featured-add")).click();
        Browsers.waiting(viewer, POLL_WAIT).until(Browsers.textIs(By.id("featured-stock"), "49"));
        Browsers.waiting(viewer, POLL_WAIT).until(Browsers.textIs(By.id("cart-count"), "1"));
        Browsers.waiting(host, POLL_WAIT).until(d -> row.findElement(By.cssSelector(".available")).getText().equals("49"));
        Browsers.waiting(host, POLL_WAIT).until(d -> row.findElement(By.cssSelector(".held")).getText().equals("1"));
        assertThat(row.findElement(By.cssSelector(".sold")).getText()).isEqualTo("0");
        Browsers.screenshot(host, "host", "stock-after-hold");

        // Checkout and the local test payment: the order is paid; the host console shows it and the revenue.
        String placedCartId = Browsers.localStorage(viewer, "liveshop.cartId");
        assertThat(placedCartId).matches(UUID_V4);
        viewer.findElement(By.id("cart-button")).click();
        Browsers.waiting(viewer, POLL_WAIT).until(Browsers.shown(By.id("cart")));
        assertThat(viewer.findElement(By.cssSelector("#cart-items .hold-expiry")).getText()).startsWith("held for ");
        assertThat(viewer.findElement(By.id("cart-total")).getText()).contains("99.00");
        viewer.findElement(By.id("checkout-email")).sendKeys("buyer@example.com");
        Browsers.screenshot(viewer, "viewer", "cart");
        Browsers.requests(viewer); // from here on: the checkout's requests
        viewer.findElement(By.id("checkout-button")).click();
        Browsers.waiting(viewer, POLL_WAIT).until(Browsers.shown(By.id("test-payment")));
        String orderId = viewer.findElement(By.id("order")).getAttribute("data-order-id");
        assertThat(viewer.findElement(By.id("order-status")).getAttribute("data-status")).isEqualTo("PENDING_PAYMENT");
        // The placed cart is done: a new cart (a new UUID v4 in localStorage), shown empty; the order stays.
        Browsers.waiting(viewer, POLL_WAIT).until(d -> !placedCartId.equals(Browsers.localStorage(d, "liveshop.cartId")));
        assertThat(Browsers.localStorage(viewer, "liveshop.cartId")).matches(UUID_V4);
        Browsers.waiting(viewer, POLL_WAIT).until(Browsers.textIs(By.id("cart-count"), "0"));
        assertThat(viewer.findElements(By.cssSelector("#cart-items li"))).isEmpty();
        assertThat(viewer.findElement(By.id("cart-empty")).isDisplayed()).isTrue();
        assertThat(viewer.findElement(By.id("cart-total")).getText()).isEqualTo("—");
        assertThat(viewer.findElement(By.id("checkout-button")).isEnabled()).isFalse();
        assertThat(viewer.findElement(By.id("order")).isDisplayed()).isTrue();
        assertThat(viewer.findElement(By.id("order-total")).getText()).contains("99.00");
        Browsers.screenshot(viewer, "viewer", "order-pending");
        viewer.findElement(By.id("pay-button")).click();
        Browsers.waiting(viewer, POLL_WAIT).until(d -> "CONFIRMED".equals(d.findElement(By.id("order-status")).getAttribute("data-status")));
        assertThat(viewer.findElement(By.id("test-payment")).isDisplayed()).isFalse();
        assertThat(viewer.findElement(By.id("order")).getAttribute("data-order-id")).isEqualTo(orderId);
        assertThat(viewer.findElement(By.id("order-due")).isDisplayed()).as("no payment deadline once paid").isFalse();
        Browsers.screenshot(viewer, "viewer", "order-paid");
        theOrderIsReadWithItsToken(orderId, placedCartId);
        Browsers.waiting(host, POLL_WAIT).until(d -> !d.findElements(By.cssSelector("#orders li[data-status='CONFIRMED']")).isEmpty());
        Browsers.waiting(host, POLL_WAIT).until(d -> d.findElement(By.id("num-revenue")).getText().contains("99.00"));
        assertThat(host.findElement(By.id("num-orders")).getText()).isEqualTo("1");
        assertThat(host.findElement(By.id("num-paid")).getText()).isEqualTo("1");
        assertThat(row.findElement(By.cssSelector(".ordered")).getText()).isEqualTo("1");
        assertThat(row.findElement(By.cssSelector(".revenue")).getText()).contains("99.00");
        Browsers.waiting(host, POLL_WAIT).until(d -> row.findElement(By.cssSelector(".sold")).getText().equals("1"));
        assertThat(row.findElement(By.cssSelector(".held")).getText()).isEqualTo("0");
        Browsers.screenshot(host, "host", "order-and-revenue");

        // Chat: the viewer's message with markup arrives on the host console as the same text, not as HTML;
        // the host console counts the viewer.
        String markup = "<img src=x onerror=alert(1)>";
        Browsers.waiting(viewer, POLL_WAIT).until(d -> d.findElement(By.id("chat-input")).isEnabled()
                && !d.findElement(By.id("chat")).getAttribute("class").contains("chat-off"));
        viewer.findElement(By.id("chat-input")).sendKeys(markup + org.openqa.selenium.Keys.ENTER);
        Browsers.waiting(host, POLL_WAIT).until(d -> d.findElements(By.cssSelector("#moderation .chat-log .chat-text")).stream()
                .anyMatch(e -> e.getText().equals(markup)));
        assertThat(host.findElements(By.cssSelector("#moderation .chat-log img"))).isEmpty();
        assertThat(viewer.findElements(By.cssSelector("#chat .chat-log img"))).isEmpty();
        Browsers.waiting(host, POLL_WAIT).until(d -> d.findElement(By.id("num-viewers")).getText().matches("[1-9]\\d*"));
        Browsers.screenshot(host, "host", "chat");
        Browsers.screenshot(viewer, "viewer", "chat");

        // A viewer who joins now (no new cue) sees the product on screen at once, from GET /sessions/{id}.
        String firstTab = viewer.getWindowHandle();
        viewer.switchTo().newWindow(WindowType.TAB);
        viewer.get(stack.url() + "/watch/" + sessionId);
        Browsers.waiting(viewer, CUE_WAIT.plusSeconds(3)).until(Browsers.textIs(By.id("featured-title"), "Cashmere Crew Sweater"));
        // The same browser: the order placed in the first tab is read again, with the token kept in localStorage.
        Browsers.waiting(viewer, POLL_WAIT).until(d -> orderId.equals(d.findElement(By.id("order")).getAttribute("data-order-id"))
                && "CONFIRMED".equals(d.findElement(By.id("order-status")).getAttribute("data-status")));
        Browsers.screenshot(viewer, "viewer", "late-joiner");
        viewer.close();
        viewer.switchTo().window(firstTab);

        // The host ends the show: the viewer's page turns into the replay with the chapter list.
        viewer.findElement(By.id("cart-close")).click();
        host.findElement(By.id("end-show")).click();
        Browsers.waiting(host, POLL_WAIT).until(Browsers.textIs(By.id("show-status"), "ENDED"));
        Browsers.waiting(viewer, POLL_WAIT).until(Browsers.shown(By.id("replay")));
        Browsers.waiting(viewer, POLL_WAIT).until(d -> !d.findElements(By.cssSelector("#chapters .chapter")).isEmpty());
        List<WebElement> chapters = viewer.findElements(By.cssSelector("#chapters .chapter"));
        assertThat(chapters).hasSize(1);
        assertThat(chapters.get(0).getText()).contains("Cashmere Crew Sweater");
        assertThat(viewer.findElement(By.id("featured")).isDisplayed()).isFalse();
        long offsetMs = Long.parseLong(chapters.get(0).getAttribute("data-offset-ms"));
        viewer.executeScript("arguments[0].scrollIntoView()", chapters.get(0));
        chapters.get(0).click();
        Browsers.waiting(viewer, POLL_WAIT).until(d -> {
            long clockMs = Long.parseLong(d.findElement(By.id("stream-clock")).getAttribute("data-ms"));
            return clockMs >= offsetMs && clockMs < offsetMs + 5000;
        });
        Browsers.screenshot(viewer, "viewer", "replay-chapters");
        Browsers.screenshot(host, "host", "ended");
    }

    /**
     * From the viewer's network log since checkout: the POST /orders (with an Idempotency-Key, for the placed
     * cart) and every GET /orders/{id} poll. When the order came back with an orderToken, the page keeps exactly
     * that token with the order id in localStorage and sends it as X-Order-Token on every poll; when the server
     * gives none (the order contract before order tokens), the page keeps none and sends no such header.
     */
    private static void theOrderIsReadWithItsToken(String orderId, String placedCartId) {
        List<Browsers.Request> requests = Browsers.requests(viewer);
        List<Browsers.Request> posts = requests.stream().filter(r -> r.is("POST", "/orders")).toList();
        assertThat(posts).as("one POST /orders").hasSize(1);
        assertThat(posts.get(0).header("Idempotency-Key")).hasValueSatisfying(k -> assertThat(k).matches(UUID_V4));
        JsonNode placed = Browsers.responseBody(viewer, posts.get(0));
        assertThat(placed.path("orderId").asText()).isEqualTo(orderId);
        if (placed.has("cartId")) {
            assertThat(placed.path("cartId").asText()).isEqualTo(placedCartId);
        }
        String orderToken = placed.path("orderToken").isTextual() ? placed.path("orderToken").asText() : null;

        JsonNode stored = Browsers.read(Browsers.localStorage(viewer, "liveshop.order"));
        assertThat(stored.path("orderId").asText()).isEqualTo(orderId);
        List<Browsers.Request> polls = requests.stream().filter(r -> r.is("GET", "/orders/" + orderId)).toList();
        assertThat(polls).as("the order view polls GET /orders/{id}").isNotEmpty();
        if (orderToken != null) {
            assertThat(orderToken).isNotBlank();
            assertThat(stored.path("orderToken").asText()).isEqualTo(orderToken);
            assertThat(polls).allSatisfy(r -> assertThat(r.header("X-Order-Token")).as(r.url()).contains(orderToken));
        } else {
            // This server's orders carry no token: nothing to keep, and no empty or "undefined" header.
            assertThat(stored.path("orderToken").isNull()).as("stored token: " + stored).isTrue();
            assertThat(polls).allSatisfy(r -> assertThat(r.header("X-Order-Token")).as(r.url()).isEmpty());
        }
    }
}
