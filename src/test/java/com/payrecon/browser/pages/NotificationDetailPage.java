package com.payrecon.browser.pages;

import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

public class NotificationDetailPage extends ConsolePage {

	NotificationDetailPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static NotificationDetailPage to(WebDriver driver, int port, long id) {
		driver.get(url(port, "/notifications/" + id));
		return new NotificationDetailPage(driver, port).assertAt();
	}

	public NotificationDetailPage assertAt() {
		waitFor(By.id("notification-detail"));
		return this;
	}

	public String verdict() {
		return driver.findElement(By.id("verdict")).getText();
	}

	public String body() {
		return driver.findElement(By.id("raw-body")).getText();
	}

	public boolean canReprocess() {
		return !driver.findElements(By.id("reprocess")).isEmpty();
	}

	/** Presses Reprocess and confirms the browser's question. */
	public NotificationDetailPage reprocess() {
		var oldPage = driver.findElement(By.tagName("html"));
		driver.findElement(By.id("reprocess")).click();
		new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent()).accept();
		awaitNewPage(oldPage);
		return new NotificationDetailPage(driver, port).assertAt();
	}
}
