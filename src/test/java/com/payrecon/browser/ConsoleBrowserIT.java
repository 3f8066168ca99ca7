package com.payrecon.browser;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import com.payrecon.browser.pages.ForbiddenPage;
import com.payrecon.browser.pages.LoginPage;
import com.payrecon.browser.pages.NotificationDetailPage;
import com.payrecon.browser.pages.NotificationsPage;
import com.payrecon.browser.pages.OrderDetailPage;
import com.payrecon.browser.pages.OrdersPage;
import com.payrecon.browser.pages.SimplePage;
import com.payrecon.browser.pages.UsersPage;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.security.ConsoleUserRepository;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The console in real headless Chromium against the running application and the real database. One browser for the
 * class; each test starts signed out. Screenshots of the main pages go to target/screenshots.
 */
@PayReconIT
class ConsoleBrowserIT extends ConsoleInBrowser {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ConsoleUserRepository userRepository;

	@Autowired
	OrderService orderService;

	@Autowired
	DSLContext dsl;

	@Test
	void eachRoleSeesOnlyItsOwnNavigation() {
		TestUser support = users.create(Role.SUPPORT);
		OrdersPage supportOrders = LoginPage.to(browser, port).signInToOrders(support);
		assertThat(supportOrders.navigation()).containsExactly("nav-dashboard", "nav-notifications", "nav-orders");
		assertThat(supportOrders.currentUser()).isEqualTo(support.login());
		supportOrders.logOut();

		TestUser finance = users.create(Role.FINANCE);
		OrdersPage financeOrders = LoginPage.to(browser, port).signInToOrders(finance);
		// refunds (issue 14): finance and admin approve console refunds on /refunds; support sees refunds on the order
		assertThat(financeOrders.navigation()).containsExactly("nav-dashboard", "nav-notifications", "nav-orders",
				"nav-refunds", "nav-reconciliation", "nav-audit", "nav-accounts", "nav-jobs");
		SimplePage accounts = SimplePage.to(browser, port, "/admin/accounts", "accounts-page");
		assertThat(accounts.text()).contains("wx2-md5").contains("configured ••••").doesNotContain(Notifications.V2_MD5_KEY);
		Browsers.screenshot(browser, "accounts");
		financeOrders.logOut();

		TestUser admin = users.create(Role.ADMIN);
		NotificationsPage adminStart = LoginPage.to(browser, port).signInToNotifications(admin);
		assertThat(adminStart.navigation()).containsExactly("nav-dashboard", "nav-notifications", "nav-orders",
				"nav-refunds", "nav-reconciliation", "nav-audit", "nav-accounts", "nav-jobs", "nav-users", "nav-webhooks");
		Browsers.screenshot(browser, "notifications");
		UsersPage usersPage = UsersPage.to(browser, port).createUser("new" + admin.id(), "SUPPORT");
		assertThat(usersPage.oneTimePassword()).hasSize(20);
		Browsers.screenshot(browser, "users");
		assertThat(UsersPage.to(browser, port).assertAt().navigation()).contains("nav-users");
		assertThat(browser.getPageSource()).as("shown once").doesNotContain("one-time-password-value");
		SimplePage audit = SimplePage.to(browser, port, "/audit?actor=" + admin.login(), "audit-page");
		assertThat(audit.text()).contains("USER_CREATED").contains("LOGIN");
		Browsers.screenshot(browser, "audit");
	}

	@Test
	void aForbiddenPageAnswersWithThe403Page() {
		TestUser support = users.create(Role.SUPPORT);
		LoginPage.to(browser, port).signInToOrders(support);
		ForbiddenPage.at(browser, port, "/admin/users");
		ForbiddenPage.at(browser, port, "/audit");
		Browsers.screenshot(browser, "forbidden");
	}

	@Test
	void anAdminReprocessesAStoredNotificationAndSeesTheNewVerdict() {
		String outTradeNo = TestData.outTradeNo();
		new Http(port).post("/notify/wechatpay-v2/wx2-md5", "text/xml", Notifications.v2Paid(outTradeNo, 880, TestData.transactionId()));
		long id = dsl.select(RAW_NOTIFICATION.ID).from(RAW_NOTIFICATION).where(RAW_NOTIFICATION.OUT_TRADE_NO.eq(outTradeNo)).fetchSingle(RAW_NOTIFICATION.ID);
		orderService.create(new CreateOrder("wx2-md5", outTradeNo, Fen.of(880), "CNY", "browser test", null), Cause.api("checkout-it", "placed late"));

		TestUser admin = users.create(Role.ADMIN);
		NotificationDetailPage detail = LoginPage.to(browser, port)
			.signInToNotifications(admin)
			.filterByOutTradeNo(outTradeNo)
			.open(id);
		assertThat(detail.verdict()).contains("UNKNOWN_ORDER");
		assertThat(detail.body()).contains("<out_trade_no>" + outTradeNo + "</out_trade_no>");
		detail = detail.reprocess();
		assertThat(detail.flashMessage()).startsWith("Reprocessed: verdict APPLIED");
		assertThat(detail.verdict()).contains("APPLIED");
		Browsers.screenshot(browser, "notification-detail");
	}

	@Test
	void supportFindsAnOrderByOutTradeNoAndSeesItsTimeline() {
		String outTradeNo = TestData.outTradeNo();
		orderService.create(new CreateOrder("wx2-md5", outTradeNo, Fen.of(2599), "CNY", "browser test", null), Cause.api("checkout-it", "placed"));
		new Http(port).post("/notify/wechatpay-v2/wx2-md5", "text/xml", Notifications.v2Paid(outTradeNo, 2599, TestData.transactionId()));

		TestUser support = users.create(Role.SUPPORT);
		OrdersPage found = LoginPage.to(browser, port).signInToOrders(support).searchByOutTradeNo(outTradeNo);
		assertThat(found.outTradeNos()).containsExactly(outTradeNo);
		Browsers.screenshot(browser, "orders");
		OrderDetailPage order = found.open(outTradeNo);
		assertThat(order.status()).contains("PAID");
		assertThat(order.amount()).isEqualTo("25.99 CNY");
		assertThat(order.timeline()).hasSize(3);
		assertThat(order.timeline().get(0)).contains("CREATED");
		assertThat(order.timeline().get(1)).contains("wechatpay-v2 notify → APPLIED");
		assertThat(order.timeline().get(2)).contains("PENDING → PAID");
		Browsers.screenshot(browser, "order-detail");
		// a tablet in portrait: nothing wider than the screen
		browser.manage().window().setSize(new Dimension(820, 1180));
		try {
			Object overflow = ((JavascriptExecutor) browser)
				.executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
			assertThat(((Number) overflow).longValue()).as("horizontal overflow at 820 px").isLessThanOrEqualTo(0);
			Browsers.screenshot(browser, "order-detail-tablet");
		}
		finally {
			browser.manage().window().setSize(new Dimension(1280, 900));
		}
		NotificationDetailPage notification = order.openNotification(1);
		assertThat(notification.canReprocess()).as("support has no reprocess button").isFalse();
	}

	@Test
	void aFormPostedWithoutItsCsrfTokenIsRefused() {
		TestUser admin = users.create(Role.ADMIN);
		LoginPage.to(browser, port).signInToNotifications(admin);
		String login = "nocsrf" + admin.id();
		UsersPage.to(browser, port).createUserWithoutCsrfToken(login, "ADMIN");
		assertThat(userRepository.findByLogin(login)).isEmpty();
	}

	@Test
	void fiveWrongPasswordsLockTheUser() {
		TestUser finance = users.create(Role.FINANCE);
		LoginPage login = LoginPage.to(browser, port);
		for (int i = 1; i <= 4; i++) {
			login = login.signInRefused(finance.login(), "wrong-" + i);
			assertThat(login.blocked()).isFalse();
		}
		login = login.signInRefused(finance.login(), "wrong-5");
		assertThat(login.blocked()).isTrue();
		login = login.signInRefused(finance.login(), finance.password());
		assertThat(login.error()).startsWith("Too many failed attempts");
		Browsers.screenshot(browser, "login-locked");
	}
}
