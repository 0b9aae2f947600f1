package com.liveshop.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.local.LocalStack;
import dev.samlocal.Options;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The API reference page of the local stack ({@code /docs}) in headless Chromium: Redoc, bundled at build time, renders
 * openapi.yaml (operations and the frame schemas) under the page's own CSP, with no console error and no request to
 * another host.
 */
class ApiDocsInBrowserTest {

    private static final Pattern FAVICON = Pattern.compile("/favicon\\.ico .*status of 404");

    private static LocalStack stack;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Browsers.available(), Browsers.INSTALL_HINT);
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        browser = Browsers.open(1280, 1000, true);
    }

    @AfterAll
    static void stop() {
        Browsers.closeAll(stack, browser);
    }

    @Test
    void theReferenceRendersTheContractWithoutConsoleErrors() {
        browser.get(stack.url() + "/docs");
        Assumptions.assumeFalse(
                browser.getPageSource().contains("not bundled"), "Redoc was not bundled (no npm at build time)");
        Browsers.waiting(browser, Duration.ofSeconds(30))
                .until(d -> d.findElements(By.cssSelector("h1")).stream()
                        .anyMatch(h -> h.getText().contains("LiveShop API")));
        Browsers.waiting(browser, Duration.ofSeconds(10))
                .until(d -> d.getPageSource().contains("Hold units of a product in the cart")
                        && d.getPageSource().contains("waitlistHeld"));
        Browsers.screenshot(browser, "docs", "rendered");
        assertThat(Browsers.consoleProblems(browser, FAVICON)).isEmpty();
        String self = URI.create(stack.url()).getAuthority();
        assertThat(Browsers.requests(browser))
                .extracting(Browsers.Request::url)
                .filteredOn(url -> url.startsWith("http"))
                .allSatisfy(url -> assertThat(URI.create(url).getAuthority()).isEqualTo(self));
    }
}
