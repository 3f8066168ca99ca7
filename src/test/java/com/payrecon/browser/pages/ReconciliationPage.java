package com.payrecon.browser.pages;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The reconciliation list: one row per account and day ({@code day-<run id>}). */
public class ReconciliationPage extends ConsolePage {

	ReconciliationPage(WebDriver driver, int port) {
		super(driver, port);
	}

	/** Opens the list with a query string, e.g. {@code ?account=shop&from=2026-11-01}. */
	public static ReconciliationPage to(WebDriver driver, int port, String query) {
		driver.get(url(port, "/reconciliation" + query));
		return new ReconciliationPage(driver, port).assertAt();
	}

	public ReconciliationPage assertAt() {
		waitFor(By.id("reconciliation-page"));
		return this;
	}

	public List<String> rowIds() {
		return driver.findElements(By.cssSelector("#days tbody tr[id^='day-']")).stream().map(r -> r.getAttribute("id")).toList();
	}

	public String row(long runId) {
		return driver.findElement(By.id("day-" + runId)).getText();
	}

	public ReconciliationDayPage openDay(long runId) {
		clickAndAwaitNewPage(By.id("day-link-" + runId));
		return new ReconciliationDayPage(driver, port).assertAt();
	}
}
