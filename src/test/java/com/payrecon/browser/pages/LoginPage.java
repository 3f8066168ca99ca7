package com.payrecon.browser.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.payrecon.console.ConsoleTestUsers.TestUser;
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
		assertThat(driver.getTitle()).matches("(Sign in|登录) · PayRecon");
		return this;
	}

	private void submit(String login, String password) {
		driver.findElement(By.id("username")).clear();
		driver.findElement(By.id("username")).sendKeys(login);
		driver.findElement(By.id("password")).sendKeys(password);
		clickAndAwaitNewPage(By.id("login-submit"));
	}

	/**
	 * Everyone lands on the dashboard: after the password, a user with a second factor types the code their
	 * authenticator shows.
	 */
	public DashboardPage signIn(TestUser user) {
		submit(user.login(), user.password());
		if (user.authenticator() != null) {
			new SecondFactorPage(driver, port).assertAt().enter(user.authenticator().nextCode());
		}
		return new DashboardPage(driver, port).assertAt();
	}

	/** The password only: the page that follows is the second factor's. */
	public SecondFactorPage signInToSecondFactor(String login, String password) {
		submit(login, password);
		return new SecondFactorPage(driver, port).assertAt();
	}

	/** Signs in (landing on the dashboard) and opens the orders. */
	public OrdersPage signInToOrders(TestUser user) {
		signIn(user);
		return OrdersPage.to(driver, port);
	}

	/** Signs in (landing on the dashboard) and opens the notifications. */
	public NotificationsPage signInToNotifications(TestUser user) {
		signIn(user);
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
