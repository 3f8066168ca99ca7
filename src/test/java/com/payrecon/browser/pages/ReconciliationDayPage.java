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

	/** The open cases, in the order shown. */
	public List<Long> caseIds() {
		return driver.findElements(By.cssSelector("#cases tbody tr[id^='case-']"))
			.stream()
			.map(r -> Long.parseLong(r.getAttribute("id").substring("case-".length())))
			.toList();
	}

	/** The row's text, also for a settled case whose row is folded away. */
	public String caseRow(long id) {
		return text(driver.findElement(By.id("case-" + id)));
	}

	public String state(long id) {
		return text(driver.findElement(By.id("case-state-" + id)));
	}

	/** What the page reads for the day: a run status, or EXPLAINED (in the page's language). */
	public String status() {
		return text(driver.findElement(By.id("day-status")));
	}

	public String explained(String measure, String part) {
		return text(driver.findElement(By.id("explain-" + measure + "-" + part)));
	}

	/** Proposes the order change the case calls for, with a note. */
	public ReconciliationDayPage propose(long id, String note) {
		driver.findElement(By.id("proposal-note-" + id)).sendKeys(note);
		clickAndAwaitNewPage(By.id("propose-" + id));
		return assertAt();
	}

	/** The waiting proposal's id, from its Approve or Reject button on the case. */
	public long pendingProposal(long caseId) {
		String id = driver.findElement(By.cssSelector("#case-" + caseId + " [id^='reject-note-']")).getAttribute("id");
		return Long.parseLong(id.substring("reject-note-".length()));
	}

	/** Approves with a note and confirms the browser's question. */
	public ReconciliationDayPage approve(long proposalId, String note) {
		driver.findElement(By.id("approve-note-" + proposalId)).sendKeys(note);
		var oldPage = driver.findElement(By.tagName("html"));
		driver.findElement(By.id("approve-" + proposalId)).click();
		new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent()).accept();
		awaitNewPage(oldPage);
		return assertAt();
	}

	private static String text(org.openqa.selenium.WebElement e) {
		return e.getAttribute("textContent").replaceAll("\\s+", " ").strip();
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

	public ReconciliationDayPage reload() {
		driver.navigate().refresh();
		return assertAt();
	}
}
