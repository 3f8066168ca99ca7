package com.payrecon.browser.pages;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** The re-query preview: the provider's answer next to the order, and the apply form. */
public class RequeryPage extends ConsolePage {

	RequeryPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public RequeryPage assertAt() {
		waitFor(By.id("requery-page"));
		return this;
	}

	/** A diff row ({@code status}, {@code amount}, {@code transaction}, {@code paidAt}, ...): here, provider. */
	public List<String> row(String field) {
		WebElement row = driver.findElement(By.id("diff-" + field));
		return List.of(row.findElement(By.cssSelector("td.local")).getText(), row.findElement(By.cssSelector("td.provider")).getText());
	}

	public boolean differs(String field) {
		return driver.findElement(By.id("diff-" + field)).getAttribute("class").contains("differs");
	}

	/** Gives the reason and applies: back on the order. */
	public OrderDetailPage apply(String reason) {
		driver.findElement(By.id("apply-reason")).sendKeys(reason);
		clickAndAwaitNewPage(By.id("apply"));
		return new OrderDetailPage(driver, port).assertAt();
	}

	/** Presses Apply with an empty reason: the browser itself refuses (required field) and stays here. */
	public boolean applyWithoutReasonStaysHere() {
		driver.findElement(By.id("apply")).click();
		return !driver.findElements(By.id("requery-page")).isEmpty()
				&& !(Boolean) ((org.openqa.selenium.JavascriptExecutor) driver)
					.executeScript("return document.getElementById('apply-reason').checkValidity();");
	}
}
