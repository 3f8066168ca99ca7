package com.payrecon.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

import com.payrecon.browser.pages.LoginPage;
import com.payrecon.browser.pages.OrderDetailPage;
import com.payrecon.browser.pages.OrdersPage;
import com.payrecon.browser.pages.RequeryPage;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.SupportOrders;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.order.OrderRepository;
import com.payrecon.repair.OrderRequery;
import com.payrecon.security.Role;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A support agent repairs an order whose notification the provider dropped, in real headless Chromium against the
 * running application and the built-in sandbox (account support-wx2: every notification dropped).
 */
@PayReconIT
class SupportBrowserIT extends ConsoleInBrowser {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	OrderService orderService;

	@Autowired
	OrderRepository orders;

	@Autowired
	OrderRequery requery;

	@Autowired
	MutableClock clock;

	@BeforeEach
	@AfterEach
	void clockAsItWas() {
		clock.reset();
	}

	@Test
	void aSupportAgentRepairsADroppedOrderWithReQueryNow() {
		SupportOrders sandbox = new SupportOrders(port, orderService);
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 4999);
		sandbox.payAndDropTheNotification(SupportOrders.ACCOUNT, no);
		String txn = sandbox.sandboxTransactionId(SupportOrders.ACCOUNT, no);
		TestUser agent = users.create(Role.SUPPORT);

		OrdersPage found = LoginPage.to(browser, port).signInToOrders(agent).searchByOutTradeNo(no);
		assertThat(found.outTradeNos()).containsExactly(no);
		OrderDetailPage detail = found.open(no);
		assertThat(detail.status()).contains("PENDING");
		assertThat(detail.canClose()).isTrue();

		RequeryPage preview = detail.requeryNow();
		assertThat(preview.row("status")).containsExactly("PENDING", "PAID");
		assertThat(preview.differs("status")).isTrue();
		assertThat(preview.row("amount")).containsExactly("49.99", "49.99");
		assertThat(preview.differs("amount")).isFalse();
		assertThat(preview.row("transaction")).containsExactly("", txn);
		assertThat(preview.differs("transaction")).isTrue();
		Browsers.screenshot(browser, "order-requery");
		assertThat(preview.applyWithoutReasonStaysHere()).as("an empty reason is refused").isTrue();
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);

		OrderDetailPage repaired = preview.apply("customer shows the payment in WeChat; callback never came");

		assertThat(repaired.flashMessage()).contains("paid at the provider: APPLIED");
		assertThat(repaired.status()).contains("PAID");
		assertThat(repaired.timeline()).anySatisfy(line -> assertThat(line).contains("STATUS_CHANGED PENDING → PAID")
			.contains("OPERATOR · " + agent.login())
			.contains("customer shows the payment in WeChat; callback never came"));
		assertThat(repaired.timeline()).anySatisfy(line -> assertThat(line).contains("REQUERY → SUCCESS"));
		assertThat(repaired.canClose()).as("no Close on a paid order").isFalse();
		Browsers.screenshot(browser, "order-requery-applied");
	}

	@Test
	void theStalePendingViewShowsAgeChecksAndTheLastAnswer() {
		SupportOrders sandbox = new SupportOrders(port, orderService);
		clock.set(Instant.now().minus(Duration.ofMinutes(47)));
		PaymentOrder asked = sandbox.placed(TestData.outTradeNo(), 1800);
		clock.set(Instant.now().minus(Duration.ofMinutes(12)));
		PaymentOrder never = sandbox.placed(TestData.outTradeNo(), 650);
		clock.reset();
		requery.requery(SupportOrders.ACCOUNT, asked.outTradeNo(), Cause.query("stale-pending-sweep#demo", "stale"));
		TestUser agent = users.create(Role.SUPPORT);

		LoginPage.to(browser, port).signInToOrders(agent);
		browser.findElement(By.id("subnav-stale")).click();
		await(ExpectedConditions.urlContains("/orders/stale"));
		await(ExpectedConditions.visibilityOfElementLocated(By.id("stale-filter")));
		browser.findElement(By.cssSelector("#stale-account option[value='" + SupportOrders.ACCOUNT + "']")).click();
		browser.findElement(By.id("stale-submit")).click();
		await(ExpectedConditions.urlContains("account=" + SupportOrders.ACCOUNT));
		await(ExpectedConditions.visibilityOfElementLocated(By.id("stale-" + asked.id())));
		String askedRow = browser.findElement(By.id("stale-" + asked.id())).getText();
		assertThat(askedRow).contains("47 min").contains("NOT_PAID").contains("not paid yet; kept");
		assertThat(browser.findElement(By.id("stale-" + never.id())).getText()).contains("12 min").contains("never asked")
			.contains("next sweep");
		Browsers.screenshot(browser, "stale-orders");
		browser.findElement(By.cssSelector("#stale-" + asked.id() + " td:first-child a")).click();
		await(ExpectedConditions.urlMatches("/orders/" + asked.id() + "$"));
		assertThat(new SimplePageAt(browser).text("order-out-trade-no")).isEqualTo(asked.outTradeNo());
	}

	private void await(ExpectedCondition<?> condition) {
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(condition);
	}

	/** Reads an element once it is there. */
	private record SimplePageAt(WebDriver driver) {
		String text(String id) {
			return new WebDriverWait(driver, Duration.ofSeconds(10))
				.until(ExpectedConditions.visibilityOfElementLocated(By.id(id))).getText();
		}
	}

	/** Copies this class's screenshots to docs/screenshots when asked (-Dpayrecon.screenshots.copy=true). */
	@AfterAll
	static void copyScreenshots() throws IOException {
		if (!Boolean.getBoolean("payrecon.screenshots.copy")) {
			return;
		}
		for (String name : new String[] { "order-requery", "stale-orders" }) {
			Path shot = Browsers.SCREENSHOTS.resolve(name + ".png");
			if (Files.exists(shot)) {
				Files.copy(shot, Path.of("docs", "screenshots", name + ".png"), StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}
}
