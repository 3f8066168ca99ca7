package com.payrecon.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import com.payrecon.browser.pages.DashboardPage;
import com.payrecon.browser.pages.JobsPage;
import com.payrecon.browser.pages.LoginPage;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.ProviderPayment;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An admin in real headless Chromium: lands on the dashboard, opens the jobs, runs one now and sees it in the
 * history (key replacement: KeyApprovalBrowserIT). Screenshots: target/screenshots/dashboard.png, jobs.png,
 * job-history.png (docs/screenshots/dashboard.png and jobs.png are copies of dashboard.png and job-history.png).
 */
@PayReconIT
class AdminBrowserIT extends ConsoleInBrowser {

	static final String JOB = "stale-pending-report";
	static final String ACCOUNT = "keys-browser";
	static final String ORIGINAL_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	OrderService orders;

	@Autowired
	MutableClock clock;

	@Test
	void anAdminWatchesTheDashboardAndRunsAJob() {
		plantTwoWeeks();
		String paid = TestData.outTradeNo();
		orders.create(new CreateOrder(ACCOUNT, paid, Fen.of(8800), "CNY", "browser test", null), Cause.api("test", "set-up"));
		orders.applyPayment(ACCOUNT, new ProviderPayment(paid, TestData.transactionId(), Fen.of(8800), "CNY", Instant.now()),
				Cause.query("stale-pending-sweep", "provider says SUCCESS"));
		orders.create(new CreateOrder(ACCOUNT, TestData.outTradeNo(), Fen.of(1200), "CNY", "browser test", null),
				Cause.api("test", "set-up"));
		TestUser admin = users.create(Role.ADMIN);

		DashboardPage dashboard = LoginPage.to(browser, port).signIn(admin);
		assertThat(dashboard.figure(ACCOUNT, "today-orders")).isEqualTo("2");
		assertThat(dashboard.figure(ACCOUNT, "today-paid-amount")).isEqualTo("88.00");
		assertThat(dashboard.figure(ACCOUNT, "today-repaired")).isEqualTo("1");
		assertThat(dashboard.hasChart(ACCOUNT)).isTrue();
		dashboard = dashboard.show(ACCOUNT, LocalDate.now(SHANGHAI).minusDays(1).toString());
		assertThat(dashboard.figure(ACCOUNT, "day-orders")).isEqualTo(Integer.toString(ordersOn(1)));
		Browsers.screenshot(browser, "dashboard");

		JobsPage jobs = dashboard.openJobs();
		assertThat(jobs.nextFireTime(JOB)).as("the IT catalogue has no triggers").isEqualTo("—");
		JobsPage history = jobs.runNow(JOB);
		assertThat(history.flashMessage()).startsWith("Run of " + JOB + " requested");
		assertThat(history.awaitLatestRunEnded()).isEqualTo("COMPLETED");
		assertThat(history.runIds()).isNotEmpty();
		Browsers.screenshot(browser, "job-history");
		JobsPage.to(browser, port);
		Browsers.screenshot(browser, "jobs");

	}

	/** Orders created on each of the last 13 days, a third of them repaired by query, notifications for the rest. */
	private void plantTwoWeeks() {
		Http http = new Http(port);
		try {
			for (int daysAgo = 13; daysAgo >= 1; daysAgo--) {
				Instant noon = LocalDate.now(SHANGHAI).minusDays(daysAgo).atTime(12, 0).atZone(SHANGHAI).toInstant();
				for (int i = 0; i < ordersOn(daysAgo); i++) {
					clock.set(noon.plusSeconds(60L * i));
					String no = TestData.outTradeNo();
					long fen = 1000 + 150L * i;
					orders.create(new CreateOrder(ACCOUNT, no, Fen.of(fen), "CNY", "browser test", null), Cause.api("test", "set-up"));
					if (i % 3 == 0) {
						orders.applyPayment(ACCOUNT, new ProviderPayment(no, TestData.transactionId(), Fen.of(fen), "CNY", clock.instant()),
								Cause.query("stale-pending-sweep", "provider says SUCCESS"));
					}
					else if (i % 5 != 4) {
						Map<String, String> fields = Notifications.v2Fields(no, fen, TestData.transactionId());
						fields.put("mch_id", "10000192");
						String key = i % 4 == 2 ? "0".repeat(32) : ORIGINAL_KEY; // now and then a forged one
						http.post("/notify/wechatpay-v2/" + ACCOUNT, "text/xml", Notifications.v2Xml(fields, key, WechatSignType.MD5));
					}
				}
			}
		}
		finally {
			clock.reset();
		}
	}

	/** 4 to 12 orders a day, varying. */
	private static int ordersOn(int daysAgo) {
		return 4 + (daysAgo * 5) % 9;
	}
}
