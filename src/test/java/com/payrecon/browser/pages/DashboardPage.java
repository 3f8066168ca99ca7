package com.payrecon.browser.pages;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The dashboard: per account today (and a chosen day), with a 14-day chart. */
public class DashboardPage extends ConsolePage {

	DashboardPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static DashboardPage to(WebDriver driver, int port) {
		driver.get(url(port, "/dashboard"));
		return new DashboardPage(driver, port).assertAt();
	}

	public DashboardPage assertAt() {
		waitFor(By.id("dashboard-page"));
		return this;
	}

	/** Shows one account with the figures of a day (yyyy-MM-dd) next to today's, through the form. */
	public DashboardPage show(String account, String day) {
		new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("dashboard-account"))).selectByValue(account);
		((org.openqa.selenium.JavascriptExecutor) driver).executeScript("document.getElementById('day').value = arguments[0];", day);
		clickAndAwaitNewPage(By.id("day-submit"));
		return new DashboardPage(driver, port).assertAt();
	}

	/** A figure by its element id suffix, e.g. ("wx2-md5", "today-orders"). */
	public String figure(String account, String name) {
		return driver.findElement(By.id(account + "-" + name)).getText();
	}

	public boolean hasChart(String account) {
		return !driver.findElements(By.id(account + "-chart")).isEmpty();
	}

	public JobsPage openJobs() {
		clickAndAwaitNewPage(By.id("nav-jobs"));
		return new JobsPage(driver, port).assertAt();
	}
}
