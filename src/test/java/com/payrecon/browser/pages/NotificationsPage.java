package com.payrecon.browser.pages;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

public class NotificationsPage extends ConsolePage {

	NotificationsPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static NotificationsPage to(WebDriver driver, int port) {
		driver.get(url(port, "/notifications"));
		return new NotificationsPage(driver, port).assertAt();
	}

	public NotificationsPage assertAt() {
		waitFor(By.id("notifications-page"));
		return this;
	}

	public NotificationsPage filterByOutTradeNo(String outTradeNo) {
		driver.findElement(By.id("filter-out-trade-no")).sendKeys(outTradeNo);
		clickAndAwaitNewPage(By.id("filter-submit"));
		return new NotificationsPage(driver, port).assertAt();
	}

	public List<String> rowIds() {
		return driver.findElements(By.cssSelector("#notifications tbody tr[id^=notification-]"))
			.stream()
			.map(tr -> tr.getAttribute("id").substring("notification-".length()))
			.toList();
	}

	public NotificationDetailPage open(long id) {
		clickAndAwaitNewPage(By.cssSelector("#notification-" + id + " a"));
		return new NotificationDetailPage(driver, port).assertAt();
	}
}
