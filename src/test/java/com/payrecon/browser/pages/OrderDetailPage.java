package com.payrecon.browser.pages;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

public class OrderDetailPage extends ConsolePage {

	OrderDetailPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public OrderDetailPage assertAt() {
		waitFor(By.id("order-detail"));
		return this;
	}

	public String status() {
		return driver.findElement(By.id("order-status")).getText();
	}

	public String amount() {
		return driver.findElement(By.id("order-amount")).getText();
	}

	/** The timeline's lines as shown, oldest first. */
	public List<String> timeline() {
		return driver.findElements(By.cssSelector("#timeline li")).stream().map(li -> li.getText()).toList();
	}

	public NotificationDetailPage openNotification(int timelineIndex) {
		clickAndAwaitNewPage(By.cssSelector("#timeline-" + timelineIndex + " a"));
		return new NotificationDetailPage(driver, port).assertAt();
	}

	/** Presses Re-query now: the provider is asked and its answer shown next to the order. */
	public RequeryPage requeryNow() {
		clickAndAwaitNewPage(By.id("requery"));
		return new RequeryPage(driver, port).assertAt();
	}

	public boolean canClose() {
		return !driver.findElements(By.id("close")).isEmpty();
	}
}
