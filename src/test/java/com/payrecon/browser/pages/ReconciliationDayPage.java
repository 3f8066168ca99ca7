package com.payrecon.browser.pages;

import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One account's day: totals, cases ({@code case-<id>}) with their actions, exports, sign-off. */
public class ReconciliationDayPage extends ConsolePage {

	ReconciliationDayPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public ReconciliationDayPage assertAt() {
		waitFor(By.id("reconciliation-day"));
		return this;
	}

	public List<Long> caseIds() {
		return driver.findElements(By.cssSelector("#cases tbody tr[id^='case-']"))
			.stream()
			.map(r -> Long.parseLong(r.getAttribute("id").substring("case-".length())))
			.toList();
	}

	public String caseRow(long id) {
		return driver.findElement(By.id("case-" + id)).getText();
	}

	public String state(long id) {
		return driver.findElement(By.id("case-state-" + id)).getText();
	}

	public String totalRow(String id) {
		return driver.findElement(By.id(id)).getText();
	}

	/** Types the note and presses Resolve (or Accept, Void: {@code action}). */
	public ReconciliationDayPage settle(long id, String action, String note) {
		driver.findElement(By.id("note-" + id)).sendKeys(note);
		clickAndAwaitNewPage(By.id(action + "-" + id));
		return assertAt();
	}

	public String exportCsvHref() {
		return driver.findElement(By.id("export-csv")).getAttribute("href");
	}

	public boolean canSignOff() {
		return !driver.findElements(By.id("sign-off")).isEmpty();
	}

	/** Presses Sign off and confirms the browser's question. */
	public ReconciliationDayPage signOff() {
		var oldPage = driver.findElement(By.tagName("html"));
		driver.findElement(By.id("sign-off")).click();
		new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent()).accept();
		awaitNewPage(oldPage);
		return assertAt();
	}

	public String signedOff() {
		return driver.findElement(By.id("signed-off")).getText();
	}
}
