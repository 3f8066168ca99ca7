package com.payrecon.browser.pages;

import static org.assertj.core.api.Assertions.assertThat;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

public class LoginPage extends ConsolePage {

	LoginPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static LoginPage to(WebDriver driver, int port) {
		driver.get(url(port, "/login"));
		return new LoginPage(driver, port).assertAt();
	}

	public LoginPage assertAt() {
		waitFor(By.id("login-form"));
		assertThat(driver.getTitle()).startsWith("Sign in");
		return this;
	}

	private void submit(String login, String password) {
		driver.findElement(By.id("username")).clear();
		driver.findElement(By.id("username")).sendKeys(login);
		driver.findElement(By.id("password")).sendKeys(password);
		clickAndAwaitNewPage(By.id("login-submit"));
	}

	/** Everyone lands on the dashboard. */
	public DashboardPage signIn(String login, String password) {
		submit(login, password);
		return new DashboardPage(driver, port).assertAt();
	}

	/** Signs in (landing on the dashboard) and opens the orders. */
	public OrdersPage signInToOrders(String login, String password) {
		signIn(login, password);
		return OrdersPage.to(driver, port);
	}

	/** Signs in (landing on the dashboard) and opens the notifications. */
	public NotificationsPage signInToNotifications(String login, String password) {
		signIn(login, password);
		return NotificationsPage.to(driver, port);
	}

	public LoginPage signInRefused(String login, String password) {
		submit(login, password);
		return new LoginPage(driver, port).assertAt();
	}

	public String error() {
		return driver.findElements(By.cssSelector("#login-error, #login-blocked")).stream().map(e -> e.getText()).findFirst().orElse("");
	}

	public boolean blocked() {
		return !driver.findElements(By.id("login-blocked")).isEmpty();
	}
}
