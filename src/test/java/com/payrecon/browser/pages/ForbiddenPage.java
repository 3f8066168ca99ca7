package com.payrecon.browser.pages;

import static org.assertj.core.api.Assertions.assertThat;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The 403 page: what a role sees at an address it may not use. */
public class ForbiddenPage extends ConsolePage {

	ForbiddenPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static ForbiddenPage at(WebDriver driver, int port, String path) {
		driver.get(url(port, path));
		return new ForbiddenPage(driver, port).assertAt();
	}

	public ForbiddenPage assertAt() {
		waitFor(By.id("error-403"));
		assertThat(driver.getTitle()).startsWith("Not allowed");
		return this;
	}
}
