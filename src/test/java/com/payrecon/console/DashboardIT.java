package com.payrecon.console;

import static com.payrecon.db.Tables.DAY_ROLLUP;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.ProviderPayment;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobRun;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.JobRuns;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard against planted data of an account no other test uses (dash-wx2, Asia/Shanghai): an order paid at
 * 23:59 local and the next ones from 00:01 local fall on different days although they are minutes apart in UTC; the
 * numbers link to lists that show the same counts.
 */
@PayReconIT
class DashboardIT {

	static final String ACCOUNT = "dash-wx2";
	static final String KEY = "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c";
	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	@LocalServerPort
	int port;

	@Autowired
	OrderService orders;

	@Autowired
	MutableClock clock;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	DSLContext dsl;

	@Autowired
	JobOperations jobs;

	/** The planted day: three days ago in Shanghai, so it is inside the chart's 14 days. */
	static LocalDate day;

	@BeforeEach
	void plant() {
		if (day != null) {
			return;
		}
		// Planting moves the clock back into days that other tests' dashboard requests may have closed and stored
		// already (DayRollup). Production never inserts into a closed day (rows are stamped with the time of their
		// insert); the stored days of this account are dropped so the planted rows are counted.
		dsl.deleteFrom(DAY_ROLLUP).where(DAY_ROLLUP.ACCOUNT_ID.eq(ACCOUNT)).execute();
		day = LocalDate.now(SHANGHAI).minusDays(3);
		LocalDate next = day.plusDays(1);
		// day: created 23:58, paid by its notification at 23:59 local (15:59 UTC)
		String a = TestData.outTradeNo();
		at(day, "23:58:00");
		create(a, 1234);
		at(day, "23:59:00");
		HttpResponse<String> applied = notify(a, 1234, KEY);
		assertThat(applied.statusCode()).isEqualTo(200);
		// next day: created 00:01 local and repaired by a query at the provider; another one still pending;
		// a forged notification (wrong key) at 00:00:30
		at(next, "00:00:30");
		assertThat(notify(TestData.outTradeNo(), 100, "0".repeat(32)).statusCode()).isEqualTo(401);
		String b = TestData.outTradeNo();
		at(next, "00:01:00");
		create(b, 500);
		at(next, "00:01:30");
		orders.applyPayment(ACCOUNT, new ProviderPayment(b, TestData.transactionId(), Fen.of(500), "CNY", clock.instant()),
				Cause.query("stale-pending-sweep", "provider says SUCCESS"));
		at(next, "00:02:00");
		create(TestData.outTradeNo(), 700);
		clock.reset();
	}

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void countsEachOrderOnItsOwnDayInTheAccountsZone() {
		ConsoleSession support = session(Role.SUPPORT);

		String page = support.get("/dashboard?day=" + day).body();
		assertThat(text(page, "day-date")).isEqualTo(day.toString());
		assertThat(text(page, "day-orders")).isEqualTo("1");
		assertThat(text(page, "day-paid")).isEqualTo("1");
		assertThat(text(page, "day-paid-amount")).isEqualTo("12.34");
		assertThat(text(page, "day-pending")).isEqualTo("0");
		assertThat(text(page, "day-repaired")).isEqualTo("0");
		assertThat(text(page, "day-verdict-APPLIED")).isEqualTo("APPLIED 1");
		assertThat(page).doesNotContain(ACCOUNT + "-day-verdict-BAD_SIGNATURE");

		String next = support.get("/dashboard?day=" + day.plusDays(1)).body();
		assertThat(text(next, "day-orders")).isEqualTo("2");
		assertThat(text(next, "day-paid")).isEqualTo("1");
		assertThat(text(next, "day-paid-amount")).isEqualTo("5.00");
		assertThat(text(next, "day-pending")).isEqualTo("1");
		assertThat(text(next, "day-repaired")).isEqualTo("1");
		assertThat(text(next, "day-verdict-BAD_SIGNATURE")).isEqualTo("BAD_SIGNATURE 1");
		assertThat(next).doesNotContain(ACCOUNT + "-day-verdict-APPLIED");
		assertThat(text(next, "stale")).as("the pending order is days older than the sweep's 2 minutes").isEqualTo("1");
		assertThat(text(next, "discrepancies")).isEqualTo("0");
		assertThat(text(next, "today-orders")).isEqualTo("0");

		// the chart of the last 14 days has both days, with their numbers as tooltips
		assertThat(next).contains("<title>" + day + ": 1 orders</title>")
			.contains("<title>" + day.plusDays(1) + ": 2 orders</title>")
			.contains("<title>" + day.plusDays(1) + ": 1 repaired by query</title>")
			.contains("<title>" + day + ": 1 notifications acknowledged</title>")
			.contains("<title>" + day.plusDays(1) + ": 1 notifications refused or undecided</title>");
	}

	@Test
	void everyNumberLinksToAListWithTheSameCount() {
		ConsoleSession finance = session(Role.FINANCE);
		for (LocalDate d : new LocalDate[] { day, day.plusDays(1) }) {
			String page = finance.get("/dashboard?day=" + d).body();
			for (String figure : new String[] { "day-orders", "day-paid", "day-pending" }) {
				String href = ConsolePages.href(page, ACCOUNT + "-" + figure);
				assertThat(href).startsWith("/orders?account=" + ACCOUNT);
				HttpResponse<String> list = finance.get(href);
				assertThat(list.statusCode()).isEqualTo(200);
				assertThat(ConsolePages.rowIds(list.body(), "order")).as(d + " " + figure + " → " + href)
					.hasSize(Integer.parseInt(text(page, figure)));
			}
			for (String verdict : new String[] { "APPLIED", "BAD_SIGNATURE" }) {
				String href = ConsolePages.href(page, ACCOUNT + "-day-verdict-" + verdict);
				if (href == null) {
					continue;
				}
				assertThat(href).startsWith("/notifications?account=" + ACCOUNT + "&verdict=" + verdict);
				assertThat(ConsolePages.rowIds(finance.get(href).body(), "notification")).as(href).hasSize(1);
			}
		}
		String page = finance.get("/dashboard").body();
		assertThat(ConsolePages.href(page, ACCOUNT + "-stale")).isEqualTo("/orders/stale?account=" + ACCOUNT);
		assertThat(ConsolePages.href(page, ACCOUNT + "-discrepancies"))
			.isEqualTo("/reconciliation?account=" + ACCOUNT + "&status=open");
	}

	@Test
	void theStalePendingReportOfEachDayIsShownAsATrend() {
		JobRun run = JobRuns.runNowAndWait(jobs, "stale-pending-report");
		assertThat(run.status()).isEqualTo("COMPLETED");
		LocalDate reported = LocalDate.parse(run.parameter(JobParameterNames.BUSINESS_DATE));
		Instant cutoff = Instant.parse(run.parameter(JobParameterNames.FIRE_TIME)).minus(Duration.ofHours(2));
		int stale = dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID.eq(ACCOUNT),
				PAYMENT_ORDER.STATUS.eq("PENDING"), PAYMENT_ORDER.CREATED_AT.lt(cutoff));
		assertThat(stale).as("the planted order still PENDING, days old").isEqualTo(1);

		String page = session(Role.SUPPORT).get("/dashboard").body();

		assertThat(text(page, "stale-report-" + reported)).isEqualTo(Integer.toString(stale));
		assertThat(page).as("a day without a report shows nothing")
			.doesNotContain(ACCOUNT + "-stale-report-" + reported.minusDays(7));
	}

	@Test
	void signedInUsersLandOnTheDashboardAndABadDayIsExplained() {
		ConsoleSession admin = session(Role.ADMIN);
		HttpResponse<String> home = admin.get("/");
		assertThat(home.statusCode()).isEqualTo(302);
		assertThat(home.headers().firstValue("Location").orElseThrow()).endsWith("/dashboard");
		HttpResponse<String> bad = admin.get("/dashboard?day=yesterday");
		assertThat(bad.statusCode()).isEqualTo(200);
		assertThat(bad.body()).contains("Day: yyyy-MM-dd");
	}

	@Test
	void staleNowCountsPendingOrdersOlderThanTheChartAndFollowsTheirChanges() {
		ConsoleSession support = session(Role.SUPPORT);
		assertThat(stale(support)).isEqualTo(stalePendingRows());
		// a PENDING order created 20 days ago: older than the chart's 14 days, counted from stored day figures
		String no = TestData.outTradeNo();
		at(LocalDate.now(SHANGHAI).minusDays(20), "12:00:00");
		create(no, 300);
		clock.reset();
		// planted into a day other requests may have stored already (production never inserts into a closed day)
		dsl.deleteFrom(DAY_ROLLUP).where(DAY_ROLLUP.ACCOUNT_ID.eq(ACCOUNT)).execute();
		long withIt = stalePendingRows();
		assertThat(stale(support)).isEqualTo(withIt);
		assertThat(stale(support)).as("again, from the stored day").isEqualTo(withIt);
		// its status changes: the stored day is outdated with it, and the figure follows
		orders.transition(ACCOUNT, no, com.payrecon.order.OrderStatus.CLOSED, Cause.api("test", "expired"));
		assertThat(stale(support)).isEqualTo(withIt - 1).isEqualTo(stalePendingRows());
	}

	private long stale(ConsoleSession session) {
		return Long.parseLong(text(session.get("/dashboard?account=" + ACCOUNT).body(), "stale").replace(",", ""));
	}

	/** The definition itself, counted from the rows: PENDING and created before the sweep's two minutes. */
	private long stalePendingRows() {
		return dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID.eq(ACCOUNT), PAYMENT_ORDER.STATUS.eq("PENDING"),
				PAYMENT_ORDER.CREATED_AT.lt(Instant.now().minus(Duration.ofMinutes(2))));
	}

	private String text(String html, String figure) {
		return ConsolePages.text(html, ACCOUNT + "-" + figure);
	}

	private ConsoleSession session(Role role) {
		var user = users.create(role);
		return new ConsoleSession(port).loggedInAs(user);
	}

	private void at(LocalDate date, String localTime) {
		clock.set(date.atTime(LocalTime.parse(localTime)).atZone(SHANGHAI).toInstant());
	}

	private void create(String outTradeNo, long fen) {
		orders.create(new CreateOrder(ACCOUNT, outTradeNo, Fen.of(fen), "CNY", "dashboard test", null),
				Cause.api("test", "dashboard set-up"));
	}

	private HttpResponse<String> notify(String outTradeNo, long fen, String key) {
		Map<String, String> fields = Notifications.v2Fields(outTradeNo, fen, TestData.transactionId());
		fields.put("mch_id", "10000191");
		return new Http(port).post("/notify/wechatpay-v2/" + ACCOUNT, "text/xml",
				Notifications.v2Xml(fields, key, WechatSignType.MD5));
	}
}
