package com.liveshop.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.samlocal.ivs.SimulatedViewers;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Headless Debian Chromium through its own chromedriver (no Selenium Manager download), plus screenshots. */
final class Browsers {

    static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    static final String INSTALL_HINT = "Browser tests skipped: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed — "
            + "install them with `apt-get update && apt-get install -y chromium chromium-driver` (.ci/run does this)";

    private static final Path SCREENSHOTS = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
    private static final AtomicInteger STEP = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Browsers() {}

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** A headless browser with a phone-sized (viewer) or desktop-sized (host) window. */
    static ChromeDriver open(int width, int height) {
        return open(width, height, false);
    }

    /**
     * As {@link #open(int, int)}; with {@code networkLog}, Chromium's DevTools network events go to the performance
     * log, which {@link #requests} reads (the page under test exposes nothing for the tests).
     */
    static ChromeDriver open(int width, int height, boolean networkLog) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--window-size=" + width + "," + height);
        // The console (and CSP reports, which Chromium logs there as errors) is always kept: see consoleProblems.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        if (networkLog) {
            logs.enable(LogType.PERFORMANCE, Level.ALL);
        }
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /**
     * The browser as viewer {@code index} of many: every request it sends carries its own CloudFront-Viewer-Address
     * (set through DevTools, below the page), as CloudFront does for viewers on different networks; the local stack
     * takes it from a loopback client. Without it every browser here is 127.0.0.1: one client to the per-client limits
     * and bans (a ban by ticket bans the client that obtained the ticket).
     */
    static ChromeDriver asViewer(ChromeDriver driver, int index) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand(
                "Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of(SimulatedViewers.HEADER, SimulatedViewers.address(index))));
        return driver;
    }

    /** Quits each browser (null: never opened), then closes the stack; a failed close is reported, never thrown. */
    static void closeAll(AutoCloseable stack, WebDriver... browsers) {
        List<AutoCloseable> all = new ArrayList<>();
        for (WebDriver browser : browsers) {
            if (browser != null) {
                all.add(browser::quit);
            }
        }
        if (stack != null) {
            all.add(stack);
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("Closing failed: " + e);
            }
        }
    }

    static WebDriverWait waiting(WebDriver driver, Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /** Waits until the element's text is exactly {@code text}. */
    static ExpectedCondition<Boolean> textIs(By by, String text) {
        return d -> text.equals(d.findElement(by).getText().strip());
    }

    static ExpectedCondition<WebElement> shown(By by) {
        return d -> {
            WebElement e = d.findElement(by);
            return e.isDisplayed() ? e : null;
        };
    }

    /**
     * One request the page sent, from the network log: DevTools request id, method, URL, headers and body (or null).
     */
    record Request(String id, String method, String url, Map<String, String> headers, String body) {
        /** The header's value, the name matched case-insensitively (fetch() sends names in lower case). */
        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .findFirst();
        }

        boolean is(String method, String path) {
            return this.method.equals(method)
                    && java.net.URI.create(url).getPath().equals(path);
        }
    }

    /** The requests sent since the last call (reading the performance log empties it). Needs {@code networkLog}. */
    static List<Request> requests(ChromeDriver driver) {
        List<Request> requests = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = read(entry.getMessage()).path("message");
            if (!message.path("method").asText().equals("Network.requestWillBeSent")) {
                continue;
            }
            JsonNode params = message.path("params");
            JsonNode request = params.path("request");
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> h : request.path("headers").properties()) {
                headers.put(h.getKey(), h.getValue().asText());
            }
            requests.add(new Request(
                    params.path("requestId").asText(),
                    request.path("method").asText(),
                    request.path("url").asText(),
                    headers,
                    request.path("postData").isTextual()
                            ? request.path("postData").asText()
                            : null));
        }
        return requests;
    }

    /** The JSON body of a response the page received (DevTools Network.getResponseBody). Needs {@code networkLog}. */
    static JsonNode responseBody(ChromeDriver driver, Request request) {
        Map<String, Object> body =
                driver.executeCdpCommand("Network.getResponseBody", Map.<String, Object>of("requestId", request.id()));
        if (Boolean.TRUE.equals(body.get("base64Encoded"))) {
            throw new IllegalStateException("Binary response to " + request.url());
        }
        return read((String) body.get("body"));
    }

    /**
     * The console errors and warnings the pages logged since the last call (reading the log empties it): script errors,
     * console.error / console.warn, CSP violations, failed loads. {@code expected} lists patterns of entries the test
     * provoked on purpose (e.g. a refused request's "status of 403"); those are left out.
     */
    static List<String> consoleProblems(WebDriver driver, java.util.regex.Pattern... expected) {
        List<String> problems = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() < Level.WARNING.intValue()) {
                continue;
            }
            String message = entry.getMessage();
            if (java.util.Arrays.stream(expected)
                    .noneMatch(p -> p.matcher(message).find())) {
                problems.add(entry.getLevel() + " " + message);
            }
        }
        return problems;
    }

    /** The page's sessionStorage value for {@code key}, or null. */
    static String sessionStorage(WebDriver driver, String key) {
        return (String)
                ((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem(arguments[0]);", key);
    }

    /** The page's localStorage value for {@code key}, or null. */
    static String localStorage(WebDriver driver, String key) {
        return (String) ((JavascriptExecutor) driver).executeScript("return localStorage.getItem(arguments[0]);", key);
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Saves target/screenshots/NN-who-step.png. */
    static void screenshot(WebDriver driver, String who, String step) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
            String name = String.format("%02d-%s-%s.png", STEP.incrementAndGet(), who, step);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("Screenshot " + step + " could not be saved", e);
        }
    }
}
