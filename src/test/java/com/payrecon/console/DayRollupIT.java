package com.payrecon.console;

import static com.payrecon.db.Tables.DAY_ROLLUP;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.payrecon.db.tables.records.DayRollupRecord;
import com.payrecon.notify.NotificationReprocessor;
import com.payrecon.notify.Notifications;
import com.payrecon.notify.Verdict;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOutcome;
import com.payrecon.order.ProviderPayment;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.rollup.DayRollup;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.db.TransactionRetry;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard's closed days come from {@link DayRollup} (issue 6), and a late change to a closed day's rows is never
 * lost: a payment, a close or a verdict set again shows on the next request, also when it races requests that are
 * counting the same day. Account rollup-ny2 (America/New_York) is used by no other test.
 */
@PayReconIT
class DayRollupIT {

	static final String ACCOUNT = "rollup-ny2";
	static final String KEY = "6e5d4c3b2a19081f7e6d5c4b3a291807";
	static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
	static final int RACED_ORDERS = 120;

	@LocalServerPort
	int port;

	@Autowired
	OrderService orders;

	@Autowired
	NotificationReprocessor reprocessor;

	@Autowired
	MutableClock clock;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	DSLContext dsl;

	@Autowired
	TransactionRetry retry;

	/** Two pending orders and a payment notification for an order that did not exist yet. */
	static LocalDate lateDay;
	static String first;
	static String second;
	static String unknown;
	static long unknownRawId;
	/** {@link #RACED_ORDERS} pending orders, paid late while the dashboard is being read. */
	static LocalDate racedDay;
	static List<String> raced = new ArrayList<>();

	@BeforeEach
	void plant() {
		if (lateDay != null) {
			return;
		}
		LocalDate today = LocalDate.now(NEW_YORK);
		// Planting moves the clock back into days that other tests' dashboard requests may have closed and stored
		// already. Production never inserts into a closed day (rows are stamped with the time of their insert); the
		// stored days of this account are dropped so the planted rows are counted.
		dsl.deleteFrom(DAY_ROLLUP).where(DAY_ROLLUP.ACCOUNT_ID.eq(ACCOUNT)).execute();

		lateDay = today.minusDays(5);
		at(lateDay, "10:00:00");
		first = create(100);
		second = create(200);
		unknown = TestData.outTradeNo();
		assertThat(notify(unknown, 300).statusCode()).as("unknown order: acknowledged, kept for review").isEqualTo(200);
		unknownRawId = dsl.select(RAW_NOTIFICATION.ID)
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ACCOUNT_ID.eq(ACCOUNT), RAW_NOTIFICATION.OUT_TRADE_NO.eq(unknown))
			.fetchSingle(RAW_NOTIFICATION.ID);

		racedDay = today.minusDays(9);
		at(racedDay, "23:30:00");
		for (int i = 0; i < RACED_ORDERS; i++) {
			raced.add(create(1000 + i));
		}
		clock.reset();
	}

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void aClosedDayIsCountedOnceAndALateChangeOutdatesIt() {
		ConsoleSession finance = session();
		String page = day(finance, lateDay);
		assertThat(text(page, "day-orders")).isEqualTo("2");
		assertThat(text(page, "day-pending")).isEqualTo("2");
		assertThat(text(page, "day-paid")).isEqualTo("0");
		assertThat(text(page, "day-verdict-UNKNOWN_ORDER")).isEqualTo("UNKNOWN_ORDER 1");
		DayRollupRecord stored = stored(lateDay);
		assertThat(stored.getComputedGeneration()).as("stored once counted").isEqualTo(stored.getGeneration());
		assertThat(stored.getZone()).isEqualTo("America/New_York");
		assertThat(stored.getOrders()).isEqualTo(2);

		// served from the stored row: a figure written into it by hand shows
		dsl.update(DAY_ROLLUP).set(DAY_ROLLUP.ORDERS, 42L)
			.where(DAY_ROLLUP.ACCOUNT_ID.eq(ACCOUNT), DAY_ROLLUP.DAY.eq(lateDay)).execute();
		assertThat(text(day(finance, lateDay), "day-orders")).isEqualTo("42");

		// a late payment (found by the sweep today) outdates the stored day: counted again
		PaymentOutcome paid = orders.applyPayment(ACCOUNT,
				new ProviderPayment(first, TestData.transactionId(), Fen.of(100), "CNY", clock.instant()),
				Cause.query("stale-pending-sweep", "provider says SUCCESS"));
		assertThat(paid.kind()).isEqualTo(PaymentOutcome.Kind.APPLIED);
		page = day(finance, lateDay);
		assertThat(text(page, "day-orders")).isEqualTo("2");
		assertThat(text(page, "day-paid")).isEqualTo("1");
		assertThat(text(page, "day-paid-amount")).isEqualTo("1.00");
		assertThat(text(page, "day-pending")).isEqualTo("1");
		assertThat(stored(lateDay).getGeneration()).isGreaterThan(stored.getGeneration());

		// a close today of the other order
		assertThat(orders.transition(ACCOUNT, second, OrderStatus.CLOSED,
				new Cause(EventSource.OPERATOR, "support-1", null, "customer gave up"))).isPresent();
		assertThat(text(day(finance, lateDay), "day-pending")).isEqualTo("0");

		// the notification for the unknown order, re-processed once the order exists, gets its verdict again
		create(unknown, 300);
		assertThat(reprocessor.reprocess(unknownRawId, "admin-1").orElseThrow().verdict()).isEqualTo(Verdict.APPLIED);
		page = day(finance, lateDay);
		assertThat(text(page, "day-verdict-APPLIED")).isEqualTo("APPLIED 1");
		assertThat(page).doesNotContain(ACCOUNT + "-day-verdict-UNKNOWN_ORDER");
		assertThat(stored(lateDay).getComputedGeneration()).isEqualTo(stored(lateDay).getGeneration());
	}

	@Test
	void figuresStoredInAnotherZoneAreCountedAgain() {
		ConsoleSession finance = session();
		LocalDate day = LocalDate.now(NEW_YORK).minusDays(30);
		assertThat(text(day(finance, day), "day-orders")).isEqualTo("0");
		// as if the account's zone had been Shanghai when the day was stored
		dsl.update(DAY_ROLLUP).set(DAY_ROLLUP.ORDERS, 42L).set(DAY_ROLLUP.ZONE, "Asia/Shanghai")
			.where(DAY_ROLLUP.ACCOUNT_ID.eq(ACCOUNT), DAY_ROLLUP.DAY.eq(day)).execute();
		assertThat(text(day(finance, day), "day-orders")).isEqualTo("0");
		assertThat(stored(day).getZone()).isEqualTo("America/New_York");
	}

	@Test
	void aDayIsStoredOnlyOnceItHasSettled() {
		ConsoleSession support = session();
		LocalDate day = LocalDate.now(NEW_YORK).minusDays(20);
		clock.set(day.plusDays(1).atStartOfDay(NEW_YORK).toInstant().plus(DayRollup.SETTLE_TIME).minusSeconds(60));
		day(support, day);
		assertThat(dsl.fetchCount(DAY_ROLLUP, DAY_ROLLUP.ACCOUNT_ID.eq(ACCOUNT), DAY_ROLLUP.DAY.eq(day)))
			.as("four minutes after midnight the day is still counted at each request").isZero();
		clock.advance(Duration.ofSeconds(60));
		day(support, day);
		assertThat(stored(day).getComputedGeneration()).isEqualTo(0L);
	}

	/**
	 * Payers apply late payments to a closed day's orders while readers request that day; before each request a
	 * reader notes how many payments had committed, and the page must show at least that many. A stored day that
	 * missed a payment committed before the request would show fewer.
	 */
	@Test
	void lateChangesRacingReadersAreNeverLost() throws Exception {
		ConcurrentLinkedQueue<String> todo = new ConcurrentLinkedQueue<>(raced);
		ReadersRacingWriters.Result race = ReadersRacingWriters.race(4, () -> {
			String no = todo.poll();
			if (no == null) {
				return false;
			}
			long fen = 1000 + raced.indexOf(no);
			// as the sweep does it: the whole transaction again after a deadlock
			PaymentOutcome outcome = retry.inTransaction(() -> orders.applyPayment(ACCOUNT,
					new ProviderPayment(no, TestData.transactionId(), Fen.of(fen), "CNY", clock.instant()),
					Cause.query("stale-pending-sweep", "provider says SUCCESS")));
			assertThat(outcome.kind()).isEqualTo(PaymentOutcome.Kind.APPLIED);
			return true;
		}, 3, () -> {
			ConsoleSession reader = session();
			return () -> Integer.parseInt(text(day(reader, racedDay), "day-paid"));
		});
		assertThat(race.violations()).isEmpty();
		assertThat(race.reads()).as("the readers overlapped the payments").isGreaterThan(3);
		String page = day(session(), racedDay);
		assertThat(text(page, "day-paid")).isEqualTo(String.valueOf(RACED_ORDERS));
		assertThat(text(page, "day-pending")).isEqualTo("0");
		long minor = 0;
		for (int i = 0; i < RACED_ORDERS; i++) {
			minor += 1000 + i;
		}
		// as the console shows yuan: two decimals and thousands separators (issue 16)
		assertThat(text(page, "day-paid-amount")).isEqualTo(new ConsoleFormat(null, ZoneId.of("Asia/Shanghai"), null)
			.yuan(Fen.of(minor)));
		assertThat(stored(racedDay).getPaid()).isEqualTo(RACED_ORDERS);
	}

	private String day(ConsoleSession session, LocalDate day) {
		HttpResponse<String> page = session.get("/dashboard?account=" + ACCOUNT + "&day=" + day);
		assertThat(page.statusCode()).isEqualTo(200);
		return page.body();
	}

	private DayRollupRecord stored(LocalDate day) {
		return dsl.fetchSingle(DAY_ROLLUP, DAY_ROLLUP.ACCOUNT_ID.eq(ACCOUNT), DAY_ROLLUP.DAY.eq(day));
	}

	private String text(String html, String figure) {
		return ConsolePages.text(html, ACCOUNT + "-" + figure);
	}

	private ConsoleSession session() {
		var user = users.create(Role.FINANCE);
		return new ConsoleSession(port).loggedInAs(user);
	}

	private void at(LocalDate date, String localTime) {
		clock.set(date.atTime(LocalTime.parse(localTime)).atZone(NEW_YORK).toInstant());
	}

	private String create(long fen) {
		return create(TestData.outTradeNo(), fen);
	}

	private String create(String outTradeNo, long fen) {
		orders.create(new CreateOrder(ACCOUNT, outTradeNo, Fen.of(fen), "CNY", "rollup test", null),
				Cause.api("test", "rollup set-up"));
		return outTradeNo;
	}

	private HttpResponse<String> notify(String outTradeNo, long fen) {
		Map<String, String> fields = Notifications.v2Fields(outTradeNo, fen, TestData.transactionId());
		fields.put("mch_id", "10000192");
		return new Http(port).post("/notify/wechatpay-v2/" + ACCOUNT, "text/xml",
				Notifications.v2Xml(fields, KEY, WechatSignType.MD5));
	}
}
