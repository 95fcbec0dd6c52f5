package dev.verdict.examples.pharmacy.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.verdict.examples.pharmacy.app.PharmacyApp;
import dev.verdict.examples.pharmacy.app.PharmacySettings;
import dev.verdict.testing.nats.NatsServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pharmacy console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed by
 * {@code scripts/install-chromium}) against the real app on a real nats-server: order → verify → receive stock and
 * dispense → a refused over-dispense shown inline → time travel back to the first event → a second window sees a new
 * event live.
 *
 * <p>Nothing is downloaded: the driver is {@code /usr/bin/chromedriver} (or {@code CHROMEDRIVER_BIN}), the browser
 * {@code /usr/bin/chromium} (or {@code CHROMIUM_BIN}). Without them the test is skipped with a loud notice. Screenshots
 * (wide and narrow) are written to {@code target/console-screenshots}, or to the folder in the system property {@code
 * console.screenshots} (the README's come from {@code -Dconsole.screenshots=docs}).
 */
class ConsoleBrowserTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final Path BROWSER = Path.of(env("CHROMIUM_BIN", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(env("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path data;

    @TempDir
    static Path profiles;

    static PharmacyApp app;

    /** Why the test cannot run here (no browser or driver), or null. */
    static String unavailable;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            unavailable = "!!! ConsoleBrowserTest SKIPPED: no Chromium at " + BROWSER + " or no chromedriver at "
                    + DRIVER + ". Run scripts/install-chromium (as root on Debian: apt-get install chromium "
                    + "chromium-driver) or set CHROMIUM_BIN and CHROMEDRIVER_BIN. !!!";
            System.err.println(unavailable);
            return;
        }
        app = PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void ordersVerifiesDispensesRefusesTravelsBackAndSeesAnotherWindowLive() throws IOException {
        assumeTrue(unavailable == null, unavailable);
        ChromeDriver first = null;
        ChromeDriver second = null;
        try {
            first = browser("first", 1280, 1000);
            first.get(app.url() + "/");
            waitFor(first, d -> text(d, "#live-status").contains("on"));

            // order
            WebElement order = first.findElement(By.id("order-form"));
            type(order, "prescriptionId", "rx-console-1");
            type(order, "patientId", "patient-console");
            type(order, "drug", "amoxicillin");
            type(order, "quantity", "30");
            type(order, "refills", "1");
            order.findElement(By.cssSelector("button[type=submit]")).click();
            waitFor(first, d -> field(d, "status").equals("ordered"));
            assertThat(timelineTypes(first)).containsExactly("PrescriptionOrdered");
            assertThat(field(first, "remaining")).isEqualTo("30");

            // verify
            action(first, "verify").findElement(By.tagName("button")).click();
            waitFor(first, d -> field(d, "status").equals("verified"));
            assertThat(timelineTypes(first)).containsExactly("PrescriptionOrdered", "PrescriptionVerified");
            assertThat(visibleActions(first)).containsExactly("dispense", "cancel");

            // receive stock, then dispense
            WebElement receive = first.findElement(By.id("receive-form"));
            type(receive, "quantity", "25");
            receive.findElement(By.tagName("button")).click();
            waitFor(first, d -> text(d, "#stock-onhand").equals("25"));
            WebElement dispense = action(first, "dispense");
            type(dispense, "quantity", "10");
            dispense.findElement(By.tagName("button")).click();
            waitFor(first, d -> field(d, "status").equals("dispensing"));
            waitFor(first, d -> timelineTypes(d).size() == 3);
            assertThat(timelineTypes(first)).last().isEqualTo("DrugDispensed");
            assertThat(field(first, "remaining")).isEqualTo("20");
            waitFor(first, d -> text(d, "#stock-onhand").equals("15"));
            // every event shows its stream sequence, time and data
            WebElement dispensed =
                    first.findElements(By.cssSelector("#timeline li")).get(2);
            assertThat(dispensed.getAttribute("data-sequence")).matches("[0-9]+");
            assertThat(dispensed.findElement(By.cssSelector(".seq")).getText())
                    .isEqualTo("#" + dispensed.getAttribute("data-sequence"));
            assertThat(dispensed.findElement(By.tagName("time")).getAttribute("datetime"))
                    .matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(dispensed.findElement(By.cssSelector("pre.data")).getText())
                    .contains("\"quantity\": 10")
                    .contains("\"remaining\": 20");

            // the read model (eventually consistent) lists the prescription under its patient
            waitFor(
                    first,
                    d -> !d.findElements(
                                            By.cssSelector(
                                                    "#patients li[data-patient=patient-console] li[data-prescription=rx-console-1]"))
                                    .isEmpty()
                            && text(d, "#patients li[data-prescription=rx-console-1]")
                                    .contains("dispensing"));

            // an over-dispense is refused inline, with its code and message, and stores nothing
            type(dispense, "quantity", "25");
            dispense.findElement(By.tagName("button")).click();
            waitFor(first, d -> d.findElement(By.id("refusal")).isDisplayed());
            assertThat(text(first, "#refusal .refusal-code")).isEqualTo("prescription.over-dispense");
            assertThat(text(first, "#refusal .refusal-message")).isNotBlank();
            assertThat(text(first, "#refusal")).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(timelineTypes(first)).hasSize(3);
            assertThat(field(first, "remaining")).isEqualTo("20");

            screenshot(first, "console-wide.png");

            // bad input gets the API's clear error inline
            type(dispense, "quantity", "ten");
            dispense.findElement(By.tagName("button")).click();
            waitFor(first, d -> text(d, "#refusal .refusal-code").equals("bad-request"));

            // time travel: back to the first event (keyboard: Home on the slider) shows the state as ordered
            WebElement slider = first.findElement(By.id("travel"));
            slider.sendKeys(Keys.HOME);
            waitFor(first, d -> field(d, "status").equals("ordered"));
            assertThat(field(first, "remaining")).isEqualTo("30");
            assertThat(field(first, "dispensed")).isEqualTo("0");
            assertThat(field(first, "version"))
                    .isEqualTo(first.findElements(By.cssSelector("#timeline li"))
                            .get(0)
                            .getAttribute("data-sequence"));
            assertThat(first.findElement(By.id("as-of")).isDisplayed()).isTrue();
            assertThat(visibleActions(first)).isEmpty();
            screenshot(first, "console-time-travel.png");
            // and to the second event by choosing it on the timeline
            first.findElements(By.cssSelector("#timeline li button")).get(1).click();
            waitFor(first, d -> field(d, "status").equals("verified"));
            // back to now
            first.findElement(By.id("back-to-now")).click();
            waitFor(first, d -> field(d, "status").equals("dispensing"));
            assertThat(first.findElement(By.id("as-of")).isDisplayed()).isFalse();

            // a second window sees the first window's new event live, without reloading
            second = browser("second", 420, 1400);
            second.get(app.url() + "/#/prescriptions/rx-console-1");
            waitFor(
                    second,
                    d -> timelineTypes(d).size() == 3 && text(d, "#live-status").contains("on"));
            ((JavascriptExecutor) second).executeScript("window.notReloaded = true;");
            WebElement again = action(first, "dispense");
            type(again, "quantity", "5");
            again.findElement(By.tagName("button")).click();
            waitFor(second, d -> timelineTypes(d).size() == 4);
            assertThat(timelineTypes(second)).last().isEqualTo("DrugDispensed");
            waitFor(second, d -> field(d, "remaining").equals("15"));
            waitFor(second, d -> text(d, "#stock-onhand").equals("10"));
            waitFor(second, d -> text(d, "#feed").contains("DrugDispensed"));
            assertThat(((JavascriptExecutor) second).executeScript("return window.notReloaded === true;"))
                    .isEqualTo(true);
            screenshot(second, "console-narrow.png");
        } finally {
            quit(second);
            quit(first);
        }
    }

    // --- the browser ---------------------------------------------------------------------------------------------

    private static ChromeDriver browser(String name, int width, int height) throws IOException {
        Path profile = Files.createDirectories(profiles.resolve(name));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile);
        // the installed driver: Selenium Manager is never asked to find or download one
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        return driver;
    }

    private static void quit(WebDriver driver) {
        if (driver != null) {
            try {
                driver.quit();
            } catch (RuntimeException e) {
                System.err.println("ConsoleBrowserTest: quitting the browser failed: " + e);
            }
        }
    }

    /** Writes a PNG of the whole page (not just the window), through the DevTools protocol of the installed driver. */
    private static void screenshot(ChromeDriver driver, String name) throws IOException {
        Number width = (Number) driver.executeScript("return window.innerWidth;");
        Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight;");
        Map<String, Object> shot = driver.executeCdpCommand(
                "Page.captureScreenshot",
                Map.of(
                        "format",
                        "png",
                        "captureBeyondViewport",
                        true,
                        "clip",
                        Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Path dir = Path.of(System.getProperty("console.screenshots", "target/console-screenshots"));
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), Base64.getDecoder().decode((String) shot.get("data")));
    }

    // --- the page ------------------------------------------------------------------------------------------------

    /** Waits up to 10 s; on a timeout, says what the page shows instead. */
    private static void waitFor(WebDriver driver, Function<WebDriver, Boolean> condition) {
        try {
            new WebDriverWait(driver, WAIT)
                    .ignoring(StaleElementReferenceException.class)
                    .ignoring(NoSuchElementException.class)
                    .until(condition::apply);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "the page did not reach the expected state in " + WAIT.toSeconds() + " s; it shows:"
                            + " status=" + quietly(() -> field(driver, "status"))
                            + ", remaining=" + quietly(() -> field(driver, "remaining"))
                            + ", timeline=" + quietly(() -> timelineTypes(driver))
                            + ", travel=" + quietly(() -> text(driver, "#travel-label"))
                            + ", refusal=" + quietly(() -> text(driver, "#refusal"))
                            + ", stock=" + quietly(() -> text(driver, "#stock-onhand"))
                            + ", live=" + quietly(() -> text(driver, "#live-status")),
                    e);
        }
    }

    private static Object quietly(Supplier<Object> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return "<" + e.getClass().getSimpleName() + ">";
        }
    }

    private static String text(WebDriver driver, String css) {
        return driver.findElement(By.cssSelector(css)).getText().trim();
    }

    private static String field(WebDriver driver, String name) {
        return text(driver, "#state dd[data-field=" + name + "]");
    }

    private static List<String> timelineTypes(WebDriver driver) {
        return driver.findElements(By.cssSelector("#timeline li")).stream()
                .map(li -> li.getAttribute("data-type"))
                .collect(Collectors.toList());
    }

    private static WebElement action(WebDriver driver, String name) {
        return driver.findElement(By.cssSelector("#actions form[data-action=" + name + "]"));
    }

    private static List<String> visibleActions(WebDriver driver) {
        return driver.findElements(By.cssSelector("#actions form[data-action]")).stream()
                .filter(WebElement::isDisplayed)
                .map(f -> f.getAttribute("data-action"))
                .collect(Collectors.toList());
    }

    private static void type(WebElement form, String name, String value) {
        WebElement input = form.findElement(By.name(name));
        input.clear();
        input.sendKeys(value);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    static {
        // keep Selenium quiet about the CDP version it was not built for; the test uses no CDP
        java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(java.util.logging.Level.SEVERE);
    }
}
