package com.payrecon.browser.pages;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The refunds page: those waiting for a second person's approval, and the latest ones. */
public class RefundsPage extends ConsolePage {

	RefundsPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static RefundsPage to(WebDriver driver, int port) {
		driver.get(url(port, "/refunds"));
		return new RefundsPage(driver, port).assertAt();
	}

	public RefundsPage assertAt() {
		waitFor(By.id("refunds-page"));
		return this;
	}

	/** Refund numbers waiting for approval. */
	public List<String> awaiting() {
		return driver.findElements(By.cssSelector("#awaiting tbody tr[id^='awaiting-']")).stream()
			.map(tr -> tr.getAttribute("id").substring("awaiting-".length()))
			.toList();
	}

	public String awaitingRow(String outRefundNo) {
		return driver.findElement(By.id("awaiting-" + outRefundNo)).getText();
	}

	/** Confirms with the password and presses Approve and send on a waiting refund; back on this page. */
	public RefundsPage approve(String outRefundNo, String password) {
		driver.findElement(By.id("approve-password-" + outRefundNo)).sendKeys(password);
		clickAndAwaitNewPage(By.id("approve-" + outRefundNo));
		return new RefundsPage(driver, port).assertAt();
	}

	public String errorMessage() {
		return waitFor(By.id("flash-error")).getText();
	}

	public OrderDetailPage openOrder(String outRefundNo) {
		clickAndAwaitNewPage(By.cssSelector("#recent-" + outRefundNo + " td:nth-child(2) a"));
		return new OrderDetailPage(driver, port).assertAt();
	}
}
