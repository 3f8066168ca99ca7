package com.payrecon.browser.pages;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** A page known by its main element's id (audit log, accounts, password change). */
public class SimplePage extends ConsolePage {

	private final String mainId;

	SimplePage(WebDriver driver, int port, String mainId) {
		super(driver, port);
		this.mainId = mainId;
	}

	public static SimplePage to(WebDriver driver, int port, String path, String mainId) {
		driver.get(url(port, path));
		return new SimplePage(driver, port, mainId).assertAt();
	}

	public SimplePage assertAt() {
		waitFor(By.id(mainId));
		return this;
	}

	public String text() {
		return driver.findElement(By.id(mainId)).getText();
	}
}
