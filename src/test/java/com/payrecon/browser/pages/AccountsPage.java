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

	/** Fills in and sends the propose form of an account with the proposer's password (accepting the confirmation). */
	public AccountsPage proposeKey(String account, String keyName, String value, String note, String password) {
		new Select(driver.findElement(By.id("replace-" + account + "-key"))).selectByValue(keyName);
		driver.findElement(By.id("replace-" + account + "-value")).sendKeys(value);
		driver.findElement(By.id("replace-" + account + "-note")).sendKeys(note);
		driver.findElement(By.id("replace-" + account + "-password")).sendKeys(password);
		return submitConfirmed(By.id("replace-" + account + "-submit"));
	}

	/** Approves a proposal with the approver's password (accepting the confirmation). */
	public AccountsPage approve(long proposal, String password) {
		driver.findElement(By.id("approve-" + proposal + "-password")).sendKeys(password);
		return submitConfirmed(By.id("approve-" + proposal));
	}

	public String proposalState(long proposal) {
		return driver.findElement(By.id("key-proposal-" + proposal + "-state")).getText();
	}

	public boolean canApprove(long proposal) {
		return !driver.findElements(By.id("approve-" + proposal)).isEmpty();
	}

	private AccountsPage submitConfirmed(By button) {
		WebElement oldPage = driver.findElement(By.tagName("html"));
		driver.findElement(button).click();
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
