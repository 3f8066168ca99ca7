package com.payrecon.browser.pages;

import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What every console page has: the navigation, the flash messages, the signed-in user. */
public abstract class ConsolePage {

	protected final WebDriver driver;
	protected final int port;

	protected ConsolePage(WebDriver driver, int port) {
		this.driver = driver;
		this.port = port;
	}

	static String url(int port, String path) {
		return "http://127.0.0.1:" + port + path;
	}

	protected WebElement waitFor(By by) {
		return new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(by));
	}

	/**
	 * Clicks something that loads a new page and waits until the old page is gone, so that the next page object
	 * never reads elements of the page before (many pages reload themselves with the same element ids).
	 */
	protected void clickAndAwaitNewPage(By target) {
		WebElement oldPage = driver.findElement(By.tagName("html"));
		driver.findElement(target).click();
		awaitNewPage(oldPage);
	}

	protected void awaitNewPage(WebElement oldPage) {
		new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> isGone(oldPage));
	}

	/**
	 * Stale, or (Chromium's other way of saying so mid-navigation) "node does not belong to the document": either way
	 * the old page is gone.
	 */
	private static boolean isGone(WebElement element) {
		try {
			element.isEnabled();
			return false;
		}
		catch (org.openqa.selenium.StaleElementReferenceException ex) {
			return true;
		}
		catch (org.openqa.selenium.WebDriverException ex) {
			return ex.getMessage() != null && ex.getMessage().contains("does not belong to the document");
		}
	}

	/** The ids of the navigation links shown, e.g. nav-orders. */
	public List<String> navigation() {
		return driver.findElements(By.cssSelector("nav.main-nav a")).stream().map(a -> a.getAttribute("id")).toList();
	}

	/** Presses the header's language link ({@code en} or {@code zh-CN}); the same page comes back in that language. */
	public ConsolePage switchLanguage(String tag) {
		clickAndAwaitNewPage(By.id("lang-" + tag));
		new WebDriverWait(driver, Duration.ofSeconds(10))
			.until(d -> tag.equals(d.findElement(By.tagName("html")).getAttribute("lang")));
		return this;
	}

	public String flashMessage() {
		return waitFor(By.id("flash-message")).getText();
	}

	public String currentUser() {
		return driver.findElement(By.id("current-user")).getText();
	}

	public LoginPage logOut() {
		clickAndAwaitNewPage(By.id("logout"));
		return new LoginPage(driver, port).assertAt();
	}
}
