package com.payrecon.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.events.EventFiringDecorator;
import org.openqa.selenium.support.events.WebDriverListener;

/**
 * Headless Chromium from Debian's packages ({@code chromium}, {@code chromium-driver}; {@code .mvn/ensure-chromium.sh}
 * installs them in {@code ./mvnw verify} when run as root). Selenium is given both paths, so Selenium Manager never
 * downloads anything.
 */
public final class Browsers {

	static final File CHROMIUM = new File(System.getProperty("payrecon.chromium", "/usr/bin/chromium"));
	static final File CHROMEDRIVER = new File(System.getProperty("payrecon.chromedriver", "/usr/bin/chromedriver"));
	static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private Browsers() {
	}

	/** False when the binaries are missing: the browser tests are then skipped, not failed. */
	public static boolean available() {
		return CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
	}

	public static WebDriver headlessChromium() {
		return headlessChromium("en-US");
	}

	/**
	 * A browser whose language (Accept-Language and navigator.language) is {@code language}, e.g. {@code zh-CN};
	 * every page it opens is checked with axe-core ({@link Accessibility}).
	 */
	public static WebDriver headlessChromium(String language) {
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.getAbsolutePath());
		Path profile;
		try {
			profile = Files.createTempDirectory("payrecon-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-first-run",
				"--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,900", "--lang=" + language);
		options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
		driver.manage().window().setSize(new Dimension(1280, 900));
		AxeOnEveryPage axe = new AxeOnEveryPage(driver);
		return new EventFiringDecorator<WebDriver>(axe).decorate(driver);
	}

	/**
	 * axe-core on every document the test works with: after each {@code get}, and before each click (a click may leave
	 * a page that was reached by the click before); the last page of a test is checked by {@link ConsoleInBrowser}.
	 * Checks run on the undecorated driver.
	 */
	static final class AxeOnEveryPage implements WebDriverListener {

		private final WebDriver raw;

		AxeOnEveryPage(WebDriver raw) {
			this.raw = raw;
		}

		@Override
		public void afterGet(WebDriver driver, String url) {
			Accessibility.check(raw);
		}

		@Override
		public void beforeClick(WebElement element) {
			Accessibility.check(raw);
		}
	}

	/** Saves target/screenshots/{name}.png: the whole page (up to 4,000 px high) at the window's width. */
	public static void screenshot(WebDriver driver, String name) {
		Dimension window = driver.manage().window().getSize();
		try {
			Object height = ((org.openqa.selenium.JavascriptExecutor) driver)
				.executeScript("return document.documentElement.scrollHeight;");
			int page = height instanceof Number n ? n.intValue() : window.getHeight();
			driver.manage().window().setSize(new Dimension(window.getWidth(), Math.min(4000, Math.max(window.getHeight(), page + 140))));
			Files.createDirectories(SCREENSHOTS);
			byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
			Files.write(SCREENSHOTS.resolve(name + ".png"), png);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			driver.manage().window().setSize(window);
		}
	}
}
