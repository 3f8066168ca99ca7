package com.payrecon.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.payrecon.browser.pages.LoginPage;
import com.payrecon.browser.pages.ReconciliationDayPage;
import com.payrecon.browser.pages.ReconciliationPage;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.reconciliation.ReconDays;
import com.payrecon.console.reconciliation.ReconDays.Planted;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Finance's day in real headless Chromium: a day reconciled for real from a bill fixture, opened from the list; each
 * discrepancy settled with a note; the CSV exported with the browser's own session; the day signed off. Screenshots
 * of the list and the day go to target/screenshots (copies in docs/screenshots).
 */
@PayReconIT
class ReconciliationBrowserIT extends ConsoleInBrowser {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ReconDays days;

	@Test
	void financeResolvesTheDaysDiscrepanciesExportsTheCsvAndSignsTheDayOff() throws Exception {
		Planted earlier = days.oneMissing();
		Planted p = days.planted();
		TestUser finance = users.create(Role.FINANCE);
		LoginPage.to(browser, port).signInToOrders(finance);
		assertThat(browser.findElement(org.openqa.selenium.By.id("nav-reconciliation")).isDisplayed()).isTrue();

		ReconciliationPage list = ReconciliationPage.to(browser, port,
				"?account=" + ReconDays.ACCOUNT + "&from=" + earlier.day() + "&to=" + p.day());
		long run = p.result().run().id();
		assertThat(list.rowIds()).containsExactly("day-" + run, "day-" + earlier.result().run().id());
		assertThat(list.row(run)).contains("UNBALANCED").contains("18.00 / 12.00");
		Browsers.screenshot(browser, "reconciliation");

		ReconciliationDayPage day = list.openDay(run);
		assertThat(day.caseIds()).hasSize(4);
		long late = p.id(DiscrepancyType.LATE_PAYMENT);
		assertThat(day.caseRow(late)).contains("LATE_PAYMENT").contains(p.late().outTradeNo()).contains("7.00");
		assertThat(day.totalRow("total-gross")).contains("18.00").contains("12.00");
		assertThat(day.canSignOff()).isFalse();
		Browsers.screenshot(browser, "reconciliation-day");

		day = day.settle(p.id(DiscrepancyType.MISSING_AT_PROVIDER), "resolve", "in the next day's bill");
		assertThat(day.flashMessage()).endsWith("is RESOLVED.");
		day = day.settle(p.id(DiscrepancyType.MISSING_LOCALLY), "accept", "a test payment by the shop");
		day = day.settle(p.id(DiscrepancyType.REFUND_UNKNOWN), "accept", "refund booked by hand");
		day = day.settle(late, "resolve", "refunded to the customer by the provider");
		assertThat(day.state(late)).isEqualTo("RESOLVED");
		assertThat(day.caseRow(late)).contains("refunded to the customer by the provider").contains(finance.login());

		String cookie = browser.manage().getCookieNamed("JSESSIONID").getValue();
		HttpResponse<String> csv = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(day.exportCsvHref())).header("Cookie", "JSESSIONID=" + cookie).build(),
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		assertThat(csv.statusCode()).isEqualTo(200);
		assertThat(csv.body()).startsWith("\uFEFFPayRecon reconciliation," + ReconDays.ACCOUNT + "," + p.day() + "\r\n")
			.contains("\r\nGross (yuan),18.00,12.00\r\n")
			.contains("," + p.late().outTradeNo() + "," + p.lateTxn() + "," + p.late().id() + ",7.00,7.00,CLOSED,SUCCESS,")
			.contains(",RESOLVED,,refunded to the customer by the provider," + finance.login() + ",");

		assertThat(day.canSignOff()).isTrue();
		day = day.signOff();
		assertThat(day.flashMessage()).isEqualTo("Day " + p.day() + " of " + ReconDays.ACCOUNT + " signed off by " + finance.login() + ".");
		assertThat(day.signedOff()).startsWith("signed off by " + finance.login());
		Browsers.screenshot(browser, "reconciliation-day-signed-off");
	}
}
