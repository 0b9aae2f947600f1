package com.liveshop.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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

    private Browsers() {}

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** A headless browser with a phone-sized (viewer) or desktop-sized (host) window. */
    static ChromeDriver open(int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
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
