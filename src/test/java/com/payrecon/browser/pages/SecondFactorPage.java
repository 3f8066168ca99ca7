package com.payrecon.browser.pages;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The code asked for after the password. */
public class SecondFactorPage extends ConsolePage {

	SecondFactorPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public SecondFactorPage assertAt() {
		waitFor(By.id("second-factor-form"));
		return this;
	}

	/** Types a code and sends it; the next page is whatever the code leads to. */
	public void enter(String code) {
		driver.findElement(By.id("code")).sendKeys(code);
		clickAndAwaitNewPage(By.id("second-factor-submit"));
	}

	public String error() {
		return driver.findElements(By.id("second-factor-error")).stream().map(e -> e.getText()).findFirst().orElse("");
	}
}
