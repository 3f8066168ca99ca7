package com.payrecon.browser.pages;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** Admin → Accounts: keys masked, replaceable by admins. */
public class AccountsPage extends ConsolePage {

	AccountsPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static AccountsPage to(WebDriver driver, int port) {
		driver.get(url(port, "/admin/accounts"));
		return new AccountsPage(driver, port).assertAt();
	}

	public AccountsPage assertAt() {
		waitFor(By.id("accounts-page"));
		return this;
	}

	/** Fills in and sends the replace form of an account (accepting the confirmation). */
	public AccountsPage replaceKey(String account, String keyName, String value) {
		new Select(driver.findElement(By.id("replace-" + account + "-key"))).selectByValue(keyName);
		driver.findElement(By.id("replace-" + account + "-value")).sendKeys(value);
		WebElement oldPage = driver.findElement(By.tagName("html"));
		driver.findElement(By.id("replace-" + account + "-submit")).click();
		driver.switchTo().alert().accept();
		awaitNewPage(oldPage);
		return new AccountsPage(driver, port).assertAt();
	}

	public String replaced(String account, String keyName) {
		return driver.findElement(By.id("replaced-" + account + "-" + keyName)).getText();
	}

	public String pageSource() {
		return driver.getPageSource();
	}
}
