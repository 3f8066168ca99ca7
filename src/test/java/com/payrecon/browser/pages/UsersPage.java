package com.payrecon.browser.pages;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

public class UsersPage extends ConsolePage {

	UsersPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static UsersPage to(WebDriver driver, int port) {
		driver.get(url(port, "/admin/users"));
		return new UsersPage(driver, port).assertAt();
	}

	public UsersPage assertAt() {
		waitFor(By.id("users-page"));
		return this;
	}

	public UsersPage createUser(String login, String role) {
		driver.findElement(By.id("new-login")).sendKeys(login);
		driver.findElement(By.id("new-role-" + role)).click();
		clickAndAwaitNewPage(By.id("create-user-submit"));
		return new UsersPage(driver, port).assertAt();
	}

	public String oneTimePassword() {
		return waitFor(By.id("one-time-password-value")).getText();
	}

	/** The create form as a cross-site page would post it: without the CSRF token. Lands on the 403 page. */
	public ForbiddenPage createUserWithoutCsrfToken(String login, String role) {
		((JavascriptExecutor) driver).executeScript(
				"document.querySelectorAll('#create-user input[name=_csrf]').forEach(function (e) { e.remove(); });");
		driver.findElement(By.id("new-login")).sendKeys(login);
		driver.findElement(By.id("new-role-" + role)).click();
		clickAndAwaitNewPage(By.id("create-user-submit"));
		return new ForbiddenPage(driver, port).assertAt();
	}
}
