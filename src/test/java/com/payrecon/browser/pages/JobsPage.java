package com.payrecon.browser.pages;

import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The Jobs page (the catalogue with the latest runs) and a job's history page: same run table, same buttons. */
public class JobsPage extends ConsolePage {

	JobsPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static JobsPage to(WebDriver driver, int port) {
		driver.get(url(port, "/jobs"));
		return new JobsPage(driver, port).assertAt();
	}

	public JobsPage assertAt() {
		waitFor(By.cssSelector("#jobs-page, #job-page"));
		return this;
	}

	public String nextFireTime(String job) {
		return driver.findElement(By.cssSelector("#job-" + job + " .next-fire")).getText();
	}

	/** Presses Run now (accepting the confirmation); lands on the job's history page. */
	public JobsPage runNow(String job) {
		WebElement oldPage = driver.findElement(By.tagName("html"));
		driver.findElement(By.id("run-now-" + job)).click();
		driver.switchTo().alert().accept();
		awaitNewPage(oldPage);
		return new JobsPage(driver, port).assertAt();
	}

	/** The run ids in the job's history table, newest first. */
	public List<String> runIds() {
		return driver.findElements(By.cssSelector("#runs tbody tr[id^=run-]")).stream().map(r -> r.getAttribute("id")).toList();
	}

	/** Reloads the history until a run has ended with a status other than STARTED/STARTING; returns its status. */
	public String awaitLatestRunEnded() {
		return new WebDriverWait(driver, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(500)).until(d -> {
			d.navigate().refresh();
			List<WebElement> statuses = d.findElements(By.cssSelector("#runs tbody tr[id^=run-] .badge"));
			if (statuses.isEmpty()) {
				return null;
			}
			String status = statuses.get(0).getText();
			return status.startsWith("START") ? null : status;
		});
	}
}
