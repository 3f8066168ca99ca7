package com.payrecon.console.dashboard;

import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Benchmark, not a test (skipped unless {@code -Dpayrecon.benchmark=true}): fills payment_order (1,000,000),
 * order_event (one PAID event per paid order, 5 % by QUERY) and raw_notification (5,000,000) for four accounts over
 * 30 days in time order (as rows arrive) with MariaDB's sequence engine, prints EXPLAIN of every dashboard query and p50/p95 of the dashboard (all
 * accounts, over HTTP) and of one account's figures. Run it alone:
 * <pre>
 * ./mvnw -q -B verify -Dit.test=DashboardBenchmarkIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dpayrecon.benchmark=true -Dpayrecon.benchmark.orders=1000000 -Dpayrecon.benchmark.notifications=5000000
 * </pre>
 * Results go to docs/benchmarks.md by hand.
 */
@PayReconIT
@Tag("benchmark")
@EnabledIfSystemProperty(named = "payrecon.benchmark", matches = "true")
class DashboardBenchmarkIT {

	static final String[] ACCOUNTS = { "wx2-md5", "wx2-hmac", "wx3", "ali" };
	static final int DAYS = 30;

	@LocalServerPort
	int port;

	@Autowired
	DSLContext dsl;

	@Autowired
	DashboardQuery query;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	com.payrecon.account.AccountRegistry registry;

	@Test
	void dashboardOverMillionsOfRows() {
		long orders = Long.getLong("payrecon.benchmark.orders", 1_000_000);
		long notifications = Long.getLong("payrecon.benchmark.notifications", 5_000_000);
		fill(orders, notifications);
		System.out.printf("rows: payment_order %d, order_event %d, raw_notification %d%n", dsl.fetchCount(PAYMENT_ORDER),
				dsl.fetchCount(com.payrecon.db.Tables.ORDER_EVENT), dsl.fetchCount(RAW_NOTIFICATION));
		explain();

		var admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin.login(), admin.password());
		String day = LocalDate.now(ZoneId.of("Asia/Shanghai")).minusDays(2).toString();
		measure("GET /dashboard?day=… (all " + registry.all().size() + " accounts, HTTP)", 20, () -> {
			HttpResponse<String> page = session.get("/dashboard?day=" + day);
			if (page.statusCode() != 200) {
				throw new AssertionError(page.statusCode());
			}
			return page;
		});
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("bench", null,
					List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
		try {
			measure("DashboardQuery.figures(day, wx2-md5) (one busy account)", 30,
					() -> query.figures(LocalDate.parse(day), "wx2-md5"));
		}
		finally {
			SecurityContextHolder.clearContext();
		}
	}

	private void fill(long orders, long notifications) {
		long started = System.nanoTime();
		String account = "ELT(1 + seq % " + ACCOUNTS.length + ", '" + String.join("', '", ACCOUNTS) + "')";
		// created over the last 30 days in time order, the accounts interleaved; 90 % PAID, 2 % PENDING, the rest CLOSED
		dsl.execute("INSERT INTO payment_order (account_id, out_trade_no, amount_minor, currency, description, status, "
				+ "provider_txn_id, paid_at, needs_review, created_by, created_at, updated_at) "
				+ "SELECT " + account + ", CONCAT('BENCH', seq), 100 + seq % 50000, 'CNY', 'benchmark', "
				+ "CASE WHEN seq % 50 = 0 THEN 'PENDING' WHEN seq % 10 = 1 THEN 'CLOSED' ELSE 'PAID' END, "
				+ "CONCAT('4200', seq), " + spread("seq", orders, 30) + ", FALSE, 'bench', " + spread("seq", orders, 0)
				+ ", UTC_TIMESTAMP(6) FROM seq_1_to_" + orders);
		System.out.printf("orders: %.1f s%n", (System.nanoTime() - started) / 1e9);
		dsl.execute("INSERT INTO order_event (order_id, event_type, from_status, to_status, source, actor, reason, created_at) "
				+ "SELECT id, 'PAID', 'PENDING', 'PAID', IF(id % 20 = 0, 'QUERY', 'NOTIFY'), 'bench', 'benchmark', paid_at "
				+ "FROM payment_order WHERE status = 'PAID' AND description = 'benchmark' ORDER BY id");
		System.out.printf("order events: %.1f s%n", (System.nanoTime() - started) / 1e9);
		dsl.execute("INSERT INTO raw_notification (received_at, channel, kind, account_id, method, request_uri, remote_addr, "
				+ "headers, body, body_length, body_truncated, body_sha256, verdict, out_trade_no) "
				+ "SELECT " + spread("seq", notifications, 0) + ", 'wechatpay-v2', 'PAYMENT', " + account + ", "
				+ "'POST', '/notify', '127.0.0.1', '{}', '', 0, FALSE, REPEAT('0', 64), "
				+ "ELT(1 + seq % 8, 'APPLIED', 'DUPLICATE', 'APPLIED', 'DUPLICATE', 'APPLIED', 'BAD_SIGNATURE', 'UNKNOWN_ORDER', NULL), "
				+ "CONCAT('BENCH', seq DIV 5) FROM seq_1_to_" + notifications);
		System.out.printf("notifications: %.1f s%n", (System.nanoTime() - started) / 1e9);
		dsl.execute("ANALYZE TABLE payment_order, order_event, raw_notification");
		System.out.printf("filled in %.1f s%n", (System.nanoTime() - started) / 1e9);
	}

	/** Row {@code seq} of {@code n}, evenly over the last 30 days in time order (as rows arrive), plus an offset. */
	private static String spread(String seq, long n, int plusSeconds) {
		// milliseconds first: 5,000,000 × 30 days in microseconds would overflow BIGINT
		return "TIMESTAMPADD(MICROSECOND, ((CAST(" + seq + " AS SIGNED) * " + DAYS + " * 86400000 DIV " + n + ") - " + DAYS
				+ " * 86400000 + " + plusSeconds + " * 1000) * 1000, UTC_TIMESTAMP(6))";
	}

	/** The shapes DashboardQuery sends, for one account and 14 days. */
	private void explain() {
		String from = "TIMESTAMPADD(DAY, -14, UTC_TIMESTAMP(6))";
		String to = "UTC_TIMESTAMP(6)";
		String day = "CASE WHEN %s < TIMESTAMPADD(DAY, -7, UTC_TIMESTAMP(6)) THEN 0 ELSE 1 END";
		for (String sql : List.of(
				"SELECT " + day.formatted("created_at") + " AS d, status, COUNT(*), SUM(amount_minor) FROM payment_order "
						+ "WHERE account_id = 'wx2-md5' AND created_at >= " + from + " AND created_at < " + to + " GROUP BY d, status",
				"SELECT " + day.formatted("received_at") + " AS d, verdict, COUNT(*) FROM raw_notification "
						+ "WHERE account_id = 'wx2-md5' AND received_at >= " + from + " AND received_at < " + to + " GROUP BY d, verdict",
				"SELECT " + day.formatted("e.created_at") + " AS d, COUNT(*) FROM order_event e JOIN payment_order o ON o.id = e.order_id "
						+ "WHERE e.source = 'QUERY' AND e.to_status = 'PAID' AND e.created_at >= " + from + " AND e.created_at < " + to
						+ " AND o.account_id = 'wx2-md5' GROUP BY d",
				"SELECT COUNT(*) FROM payment_order WHERE account_id = 'wx2-md5' AND status = 'PENDING' "
						+ "AND created_at < TIMESTAMPADD(MINUTE, -2, UTC_TIMESTAMP(6))",
				"SELECT COUNT(*) FROM discrepancy d JOIN reconciliation_run r ON r.id = d.run_id WHERE d.account_id = 'wx2-md5' "
						+ "AND d.resolution IN ('OPEN', 'ASSIGNED') AND r.current_run IS NOT NULL")) {
			System.out.println("EXPLAIN " + sql);
			dsl.fetch("EXPLAIN " + sql).forEach(r -> System.out.println("  " + r.formatCSV(false).strip()));
		}
	}

	private static void measure(String what, int runs, Supplier<?> call) {
		for (int i = 0; i < 3; i++) {
			call.get(); // warm-up
		}
		List<Long> millis = new ArrayList<>();
		for (int i = 0; i < runs; i++) {
			long t = System.nanoTime();
			call.get();
			millis.add(Duration.ofNanos(System.nanoTime() - t).toMillis());
		}
		Collections.sort(millis);
		System.out.printf("%s: p50 %d ms, p95 %d ms, max %d ms (%d runs) at %s%n", what, millis.get(runs / 2),
				millis.get((int) Math.ceil(runs * 0.95) - 1), millis.get(runs - 1), runs, Instant.now());
	}
}
