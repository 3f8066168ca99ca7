package com.payrecon.browser.pages;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

public class OrderDetailPage extends ConsolePage {

	OrderDetailPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static OrderDetailPage to(WebDriver driver, int port, long orderId) {
		driver.get(url(port, "/orders/" + orderId));
		return new OrderDetailPage(driver, port).assertAt();
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

	public boolean canProposeRefund() {
		return !driver.findElements(By.id("refund-form")).isEmpty();
	}

	/** Fills in and sends the refund proposal (accepting the confirmation); back on this page. */
	public OrderDetailPage proposeRefund(String yuan, String reason, String password) {
		driver.findElement(By.id("refund-amount")).sendKeys(yuan);
		driver.findElement(By.id("refund-reason")).sendKeys(reason);
		driver.findElement(By.id("refund-password")).sendKeys(password);
		org.openqa.selenium.WebElement oldPage = driver.findElement(By.tagName("html"));
		driver.findElement(By.id("propose-refund")).click();
		driver.switchTo().alert().accept();
		awaitNewPage(oldPage);
		return new OrderDetailPage(driver, port).assertAt();
	}

	/** The order's refunds table row of refund {@code outRefundNo}, as shown. */
	public String refundRow(String outRefundNo) {
		return driver.findElement(By.id("refund-" + outRefundNo)).getText();
	}

	/** The refund numbers in the refunds table, oldest first. */
	public List<String> refundNumbers() {
		return driver.findElements(By.cssSelector("#refund-table tbody tr td:first-child")).stream().map(td -> td.getText()).toList();
	}

	public String refunded() {
		return driver.findElement(By.id("order-refunded")).getText();
	}

	public RefundsPage openRefunds() {
		clickAndAwaitNewPage(By.id("nav-refunds"));
		return new RefundsPage(driver, port).assertAt();
	}
}
