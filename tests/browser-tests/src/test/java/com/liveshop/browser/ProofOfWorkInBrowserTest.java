package com.liveshop.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.local.LocalStack;
import dev.samlocal.Options;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 24, proof of work in real headless Chromium against a local stack started with {@code --parameter
 * RequireProofOfWork=true}: a viewer chats (the chat ticket needs a solved ALTCHA challenge) and adds the deal on
 * screen to the cart (so does a hold of a deal sku) without seeing anything of it; the page solved in Web Workers ahead
 * of time. Prints the page's solve times at the template's default difficulty ({@code ALTCHA solve: N ms}, and
 * p50/p90/max of 20 more) and keeps them under 1 s. The figure alone: {@code mvn -B -o -pl tests/browser-tests -am
 * verify -Dtest=ProofOfWorkInBrowserTest -Dsurefire.failIfNoSpecifiedTests=false} (add {@code -Dpow.maxnumber=100000}
 * for another difficulty: printed, not asserted).
 */
class ProofOfWorkInBrowserTest {

    private static final String SWEATER = "cds-cashmere-sweater";
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Solves measured after the page's own, for a distribution rather than one draw. */
    private static final int MORE_SOLVES = 20;
    /** -Dpow.maxnumber=N: the figure at another difficulty than the template's default (then nothing is asserted). */
    private static final String MAX_NUMBER_PROPERTY = "pow.maxnumber";

    private static final Pattern FAVICON = Pattern.compile("/favicon\\.ico .*status of 404");
    private static final Pattern DEMO_IMAGE =
            Pattern.compile("^https://images\\.liveshop\\.example/\\S+ .*ERR_NAME_NOT_RESOLVED");

    private static LocalStack stack;
    private static ChromeDriver host;
    private static ChromeDriver viewer;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Browsers.available(), Browsers.INSTALL_HINT);
        Options options = Options.ephemeral().withSchedules(false).withParameter("RequireProofOfWork", "true");
        if (System.getProperty(MAX_NUMBER_PROPERTY) != null) {
            options = options.withParameter("ProofOfWorkMaxNumber", System.getProperty(MAX_NUMBER_PROPERTY));
        }
        stack = LocalStack.start(options);
        host = Browsers.open(1280, 1000);
        viewer = Browsers.open(412, 915);
    }

    @AfterAll
    static void stop() {
        Browsers.closeAll(stack, viewer, host);
    }

    @Test
    void aViewerChatsAndHoldsTheDealWhileThePageSolvesChallengesUnderOneSecond() {
        // The host creates a show with the sweater, goes live and features it at a deal price.
        host.get(stack.url() + "/host");
        Browsers.waiting(host, WAIT).until(Browsers.shown(By.id("local-login"))).click();
        Browsers.waiting(host, WAIT)
                .until(d -> !d.findElements(By.cssSelector("#lineup-picker input[value='" + SWEATER + "']"))
                        .isEmpty());
        WebElement pick = host.findElement(By.cssSelector("#lineup-picker input[value='" + SWEATER + "']"));
        if (!pick.isSelected()) {
            host.executeScript("arguments[0].scrollIntoView({block: 'center'})", pick);
            pick.click();
        }
        host.findElement(By.id("show-title")).sendKeys("Proof of work night");
        host.findElement(By.id("create-button")).click();
        Browsers.waiting(host, WAIT).until(Browsers.textIs(By.id("show-status"), "SCHEDULED"));
        String sessionId = host.findElement(By.id("show")).getAttribute("data-session-id");
        viewer.get(stack.url() + "/watch/" + sessionId);
        WebElement start = host.findElement(By.id("broadcast-start"));
        host.executeScript("arguments[0].scrollIntoView({block: 'center'})", start);
        start.click();
        Browsers.waiting(host, WAIT).until(Browsers.textIs(By.id("show-status"), "LIVE"));
        Browsers.waiting(viewer, WAIT).until(Browsers.textIs(By.id("status"), "LIVE"));
        WebElement row = Browsers.waiting(host, WAIT).until(d -> {
            WebElement r = d.findElement(By.cssSelector("#lineup-rows tr[data-sku='" + SWEATER + "']"));
            return r.findElement(By.cssSelector("button.feature")).isEnabled() ? r : null;
        });
        host.executeScript("arguments[0].scrollIntoView({block: 'center'})", row);
        row.findElement(By.cssSelector(".deal-input")).sendKeys("79");
        row.findElement(By.cssSelector("button.feature")).click();
        Browsers.waiting(viewer, WAIT).until(Browsers.shown(By.id("featured-deal")));

        // The stack asks for proof of work: the deal without a solution is refused.
        HttpResponse<String> bare =
                call("POST", "/carts/" + UUID.randomUUID() + "/items", "{\"sku\":\"" + SWEATER + "\",\"quantity\":1}");
        assertThat(bare.statusCode()).as(bare.body()).isEqualTo(400);
        assertThat(Browsers.read(bare.body()).path("error").path("code").asText())
                .isEqualTo("CHALLENGE_INVALID");

        // The viewer chats (a ticket: one solution) and adds the deal (another): nothing to see but the result.
        Browsers.waiting(viewer, WAIT)
                .until(d -> d.findElement(By.id("chat-input")).isEnabled());
        WebElement name = viewer.findElement(By.id("chat-name"));
        name.clear();
        name.sendKeys("Pat");
        viewer.findElement(By.id("chat-input")).sendKeys("hello from a solved challenge" + Keys.ENTER);
        Browsers.waiting(viewer, WAIT)
                .until(d -> d.findElements(By.cssSelector("#chat .chat-log .chat-text")).stream()
                        .anyMatch(t -> t.getText().equals("hello from a solved challenge")));
        viewer.findElement(By.id("featured-add")).click();
        Browsers.waiting(viewer, WAIT).until(Browsers.textIs(By.id("cart-count"), "1"));
        Browsers.screenshot(viewer, "viewer", "deal-held-with-proof-of-work");

        List<Long> pageSolves = solveTimes();
        assertThat(pageSolves).as("the ticket's and the hold's solutions").hasSizeGreaterThanOrEqualTo(2);
        long maxNumber = Browsers.read(call("GET", "/challenges", null).body())
                .path("maxnumber")
                .asLong();
        for (long ms : pageSolves) {
            System.out.println(
                    "ALTCHA solve: " + ms + " ms (maxnumber " + maxNumber + ", the page's, headless Chromium)");
        }
        // More solves, one after another in the same page (its solver bundle and workers, performance.now() around
        // them as pow.js measures), once the page's kept solution is done: a distribution rather than two draws. Then
        // with one worker, as a stand-in for a phone-class CPU (DevTools' CPU throttling does not reach workers).
        List<Long> page = measure(maxNumber, 0);
        List<Long> oneWorker = measure(maxNumber, 1);
        if (System.getProperty(MAX_NUMBER_PROPERTY) == null) {
            assertThat(pageSolves)
                    .as("the page's solves at the default difficulty")
                    .allMatch(ms -> ms < 1000);
            assertThat(page.get(page.size() / 2))
                    .as("the median solve at the default difficulty")
                    .isLessThan(1000);
            assertThat(oneWorker.get(oneWorker.size() / 2))
                    .as("the median solve at the default difficulty, one worker")
                    .isLessThan(1000);
        }
        assertThat(Browsers.consoleProblems(viewer, FAVICON, DEMO_IMAGE))
                .as("viewer console")
                .isEmpty();
    }

    /**
     * {@link #MORE_SOLVES} solves one after another in the viewer's page with {@code workers} workers (0: as many as
     * the page uses), printed as p50 / p90 / max; sorted.
     */
    private static List<Long> measure(long maxNumber, int workers) {
        @SuppressWarnings("unchecked")
        List<Number> more = (List<Number>) viewer.executeAsyncScript("""
                const [n, workers, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
                (async () => {
                  await (await import('/web/pow.js')).prepare();
                  const times = [];
                  const workerUrl = new URL('/web/vendor/altcha/sha-worker.js', location.href).href;
                  const concurrency = workers || Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
                  for (let i = 0; i < n; i++) {
                    const challenge = await (await fetch('/challenges')).json();
                    const start = performance.now();
                    const solved = await window.LiveshopAltcha.solve(challenge, { workerUrl, concurrency });
                    if (!solved) return done('unsolved');
                    times.push(Math.round(performance.now() - start));
                  }
                  done(times);
                })().catch(e => done(String(e)));
                """, MORE_SOLVES, workers);
        List<Long> sorted = new ArrayList<>(more.stream().map(Number::longValue).toList());
        sorted.sort(Long::compare);
        System.out.println("ALTCHA solve: " + sorted.size() + " solves at maxnumber " + maxNumber + ": p50 "
                + sorted.get(sorted.size() / 2)
                + " ms, p90 " + sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1) + " ms, max "
                + sorted.get(sorted.size() - 1)
                + " ms (headless Chromium, "
                + (workers > 0
                        ? workers
                        : viewer.executeScript("return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))"))
                + " worker(s), " + Runtime.getRuntime().availableProcessors() + " cores)");
        return sorted;
    }

    private static List<Long> solveTimes() {
        @SuppressWarnings("unchecked")
        List<Number> times = (List<Number>)
                viewer.executeScript("return (window.liveshopProofOfWork || {solveTimes: []}).solveTimes");
        return times.stream().map(Number::longValue).toList();
    }

    private static HttpResponse<String> call(String method, String path, String json) {
        return StackHttp.call(stack.url(), method, path, json, null);
    }
}
