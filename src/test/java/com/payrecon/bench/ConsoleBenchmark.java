package com.payrecon.bench;

import static com.payrecon.bench.BenchReport.f;
import static com.payrecon.bench.BenchReport.percentileMillis;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.security.Role;
import com.payrecon.support.db.EmbeddedMariaDb;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Benchmark 4: console pages over a large database (1,000,000 orders, 5,000,000 raw notifications, five per order,
 * over 30 days), 50 sequential requests each through a signed-in session, after 5 warm-up requests.
 */
class ConsoleBenchmark extends BenchSupport {

	static final String[] ACCOUNTS = { "wx2-md5", "wx3", "ali" };
	static final String[] CHANNELS = { "wechatpay-v2", "wechatpay-v3", "alipay" };
	static final int REQUESTS = 50;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	javax.sql.DataSource dataSource;

	@Test
	void consolePagesOverMillionsOfRows() throws Exception {
		int orders = BenchReport.scaled(1_000_000, 2_000);
		int perOrder = 5;
		String prefix = prefix("K");
		long t0 = System.nanoTime();
		long firstOrderId = seed(orders, perOrder, prefix);
		double seeding = (System.nanoTime() - t0) / 1e9;
		long rawTotal = dsl.fetchCount(RAW_NOTIFICATION);
		long orderTotal = dsl.fetchCount(PAYMENT_ORDER);

		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin);
		assertThat(session.get("/notifications?outTradeNo=" + prefix + "7").body())
			.as("the seeded notifications are found by the search").contains("4200" + prefix + "7");
		assertThat(session.get("/orders/" + (firstOrderId + 7)).body()).as("the seeded order's page")
			.contains(prefix + "7");
		StringBuilder md = new StringBuilder(f("""
				## 4. Console

				%,d orders and %,d raw notifications in the database (%,d of them seeded here: %,d orders with %d
				notifications each over 30 days, generated in %.0f s, not measured). Each page requested %d
				times in a row by a signed-in admin over HTTP, after 5 warm-up requests; time to the full HTML (read
				to its end and counted, not kept as a String). "first"
				is the first of the warm-up requests: for the dashboard, the one that counts the closed days of the
				last two weeks from the rows and stores them (DayRollup); later requests count only today.

				| page | URL | first ms | p50 ms | p95 ms | max ms | answer |
				|---|---|---|---|---|---|---|
				""", orderTotal, rawTotal, (long) orders * perOrder, orders, perOrder, seeding, REQUESTS));
		md.append(page(session, "notification log, first page", i -> "/notifications"));
		md.append(page(session, "notifications filtered by out_trade_no",
				i -> "/notifications?outTradeNo=" + prefix + ThreadLocalRandom.current().nextInt(orders)));
		// ids of the seeded orders as stored: server-generated bulk inserts may leave gaps in the auto-increment
		List<Long> orderIds = dsl.select(PAYMENT_ORDER.ID)
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ID.ge(firstOrderId))
			.orderBy(org.jooq.impl.DSL.rand())
			.limit(REQUESTS + 5)
			.fetch(PAYMENT_ORDER.ID);
		md.append(page(session, "order detail (timeline, its notifications)",
				i -> "/orders/" + orderIds.get(i % orderIds.size())));
		md.append(page(session, "dashboard", i -> "/dashboard"));
		if (Boolean.getBoolean("bench.console.profile")) {
			profile(session, "/dashboard");
		}
		String threeWeeksBack = LocalDate.now(ZoneId.of("Asia/Shanghai")).minusDays(21).toString();
		md.append(page(session, "dashboard with a day three weeks back", i -> "/dashboard?day=" + threeWeeksBack));
		BenchReport.section("4-console", md.toString());
	}

	/**
	 * {@code -Dbench.console.profile=true}: 20 more requests of {@code path} with MariaDB's slow query log at 0 s
	 * (table output), then its statements by total server time with rows examined and sent, the round trips
	 * ({@code Questions}) and the server's CPU time per request (from /proc of the embedded server). Printed, not
	 * written to the report: for finding where a page's time goes.
	 */
	private void profile(ConsoleSession session, String path) throws java.io.IOException {
		EmbeddedMariaDb db = embeddedDb.getIfAvailable();
		if (db == null) {
			return;
		}
		int n = 20;
		java.nio.file.Path log = java.nio.file.Path.of("target", "console-bench-slow.log").toAbsolutePath();
		java.nio.file.Files.deleteIfExists(log);
		db.administer("set global log_output = 'FILE'");
		db.administer("set global slow_query_log_file = '" + log + "'");
		db.administer("set global long_query_time = 0");
		db.administer("set global log_slow_verbosity = 'query_plan'");
		db.administer("set global slow_query_log = 1");
		// long_query_time is read when a connection starts: the pool's connections are replaced
		try {
			dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
		}
		catch (java.sql.SQLException ex) {
			System.out.println("PROFILE: not a Hikari pool, the slow log may miss statements: " + ex.getMessage());
		}
		for (int i = 0; i < 3; i++) {
			session.timedGet(path);
		}
		java.nio.file.Files.writeString(log, "", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
		long questions0 = questions();
		double cpu0 = serverCpuSeconds();
		var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
		long jvm0 = os.getProcessCpuTime();
		long t0 = System.nanoTime();
		for (int i = 0; i < n; i++) {
			session.timedGet(path);
		}
		double wall = (System.nanoTime() - t0) / 1e6 / n;
		db.administer("set global slow_query_log = 0");
		double cpu = (serverCpuSeconds() - cpu0) * 1000 / n;
		double jvm = (os.getProcessCpuTime() - jvm0) / 1e6 / n;
		long questions = (questions() - questions0) / n;
		System.out.printf("%nPROFILE %s: %d requests, %.1f ms each (wall), server CPU %.1f ms, JVM CPU %.1f ms (client and"
				+ " server side), %d statements each; load average %s%n", path, n, wall, cpu, jvm, questions,
				java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
		// "# Query_time: 0.012  Lock_time: …  Rows_sent: 3  Rows_examined: 123" then the statement
		java.util.Map<String, double[]> by = new java.util.TreeMap<>();
		java.util.Map<String, String> samples = new java.util.HashMap<>();
		double[] current = null;
		for (String line : java.nio.file.Files.readAllLines(log, StandardCharsets.UTF_8)) {
			java.util.regex.Matcher m = java.util.regex.Pattern
				.compile("# Query_time: ([0-9.]+).*Rows_sent: ([0-9]+).*Rows_examined: ([0-9]+)").matcher(line);
			if (m.find()) {
				current = new double[] { Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
						Double.parseDouble(m.group(3)) };
			}
			else if (current != null && !line.startsWith("#") && !line.startsWith("SET timestamp")
					&& !line.startsWith("use ")) {
				String q = line.replaceAll("'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]+'", "T");
				q = q.substring(0, Math.min(200, q.length()));
				samples.putIfAbsent(q, line);
				double[] a = by.computeIfAbsent(q, k -> new double[4]);
				a[0] += current[0];
				a[1] += current[1];
				a[2] += current[2];
				a[3]++;
				current = null;
			}
		}
		by.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0])).limit(15)
			.forEach(e -> System.out.printf("PROFILE %6.2f ms/req  examined %9.0f/req  sent %6.0f/req  x%.1f  %s%n",
					e.getValue()[0] * 1000 / n, e.getValue()[2] / n, e.getValue()[1] / n, e.getValue()[3] / n, e.getKey()));
		by.entrySet().stream().filter(e -> e.getValue()[2] / n > 1000 && samples.get(e.getKey()).startsWith("select"))
			.forEach(e -> {
				String sql = samples.get(e.getKey()).replaceAll(";$", "");
				System.out.println("PROFILE EXPLAIN " + e.getKey());
				dsl.fetch("explain " + sql).forEach(r -> System.out.println("PROFILE   " + r.formatCSV(false).strip()));
			});
	}

	private long questions() {
		return Long.parseLong(dsl.fetchOne("show global status like 'Questions'").get(1, String.class));
	}

	/** utime + stime of the embedded MariaDB server process (0 when it cannot be found, e.g. an external server). */
	private static double serverCpuSeconds() {
		try {
			return java.nio.file.Files.list(java.nio.file.Path.of("/proc"))
				.filter(p -> p.getFileName().toString().matches("\\d+"))
				.filter(p -> {
					try {
						return java.nio.file.Files.readString(p.resolve("cmdline")).contains("mariadbd")
								&& java.nio.file.Files.readString(p.resolve("cmdline")).contains(System.getProperty("user.dir"));
					}
					catch (java.io.IOException ex) {
						return false;
					}
				})
				.mapToDouble(p -> {
					try {
						String[] f = java.nio.file.Files.readString(p.resolve("stat")).replaceAll(".*\\) ", "").split(" ");
						return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
					}
					catch (java.io.IOException ex) {
						return 0;
					}
				})
				.sum();
		}
		catch (java.io.IOException ex) {
			return 0;
		}
	}

	private String page(ConsoleSession session, String name, IntFunction<String> url) {
		long t0 = System.nanoTime();
		HttpResponse<String> first = session.get(url.apply(0));
		double firstMillis = (System.nanoTime() - t0) / 1e6;
		if (first.statusCode() == 404) {
			return f("| %s | `%s` | – | – | – | – | not available (404 in this build) |%n", name, url.apply(0));
		}
		assertThat(first.statusCode()).as(name).isEqualTo(200);
		for (int i = 0; i < 4; i++) {
			session.get(url.apply(i));
		}
		long[] nanos = new long[REQUESTS];
		int other = 0;
		long bytes = 0;
		String example = url.apply(0);
		for (int i = 0; i < REQUESTS; i++) {
			String path = url.apply(i);
			long t = System.nanoTime();
			ConsoleSession.Read read = session.timedGet(path);
			nanos[i] = System.nanoTime() - t;
			bytes += read.bytes();
			if (read.status() != 200) {
				other++;
			}
		}
		if (Boolean.getBoolean("bench.console.profile")) {
			System.out.printf("PROFILE %s: %,d bytes per page, ms in request order %s%n", name, bytes / REQUESTS,
					Arrays.stream(nanos).mapToObj(n -> String.format("%.0f", n / 1e6)).toList());
		}
		Arrays.sort(nanos);
		return f("| %s | `%s` | %.1f | **%.1f** | **%.1f** | %.1f | %s |%n", name, example, firstMillis,
				percentileMillis(nanos, 50), percentileMillis(nanos, 95), nanos[nanos.length - 1] / 1e6, other == 0 ? "200" : other + " not 200");
	}

	/**
	 * Orders (two in three PAID) and their raw notifications; returns the first order id. On MariaDB the rows are
	 * generated by the server ({@code INSERT … SELECT} from its sequence engine, 100,000 at a time), elsewhere sent as
	 * multi-row inserts by two writers side by side.
	 */
	private long seed(int orders, int perOrder, String prefix) throws Exception {
		Instant now = Instant.now();
		if (dsl.fetchValue("select version()").toString().contains("MariaDB")) {
			seedOnTheServer(orders, perOrder, prefix, now);
		}
		else {
			seedFromHere(orders, perOrder, prefix, now);
		}
		return dsl.select(org.jooq.impl.DSL.min(PAYMENT_ORDER.ID))
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix))
			.fetchOne(0, Long.class);
	}

	/** The same rows as {@link #insertChunk}, generated by MariaDB's sequence engine ({@code seq_0_to_N}). */
	private void seedOnTheServer(int orders, int perOrder, String prefix, Instant now) throws java.sql.SQLException {
		EmbeddedMariaDb db = embeddedDb.getIfAvailable();
		if (db == null) {
			seedOnTheServer(dsl, orders, perOrder, prefix, now);
			return;
		}
		// the sequence engine's tables are not among the application user's grants (issue 11's lockdown): the owner
		try (java.sql.Connection owner = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.ownerUsername(),
				db.ownerPassword())) {
			seedOnTheServer(org.jooq.impl.DSL.using(owner, org.jooq.SQLDialect.MARIADB), orders, perOrder, prefix, now);
		}
	}

	private static void seedOnTheServer(org.jooq.DSLContext dsl, int orders, int perOrder, String prefix, Instant now) {
		long window = Duration.ofDays(30).toSeconds();
		java.sql.Timestamp start = java.sql.Timestamp.valueOf(java.time.LocalDateTime.ofInstant(now.minusSeconds(window),
				java.time.ZoneOffset.UTC));
		// created_at of order n: start + n * window / orders seconds (oldest first)
		String created = "timestamp(?) + interval (o * " + window + " div " + orders + ") second";
		int step = 100_000;
		for (long from = 0; from < orders; from += step) {
			long to = Math.min(orders, from + step) - 1;
			dsl.execute("insert into payment_order (account_id, out_trade_no, amount_minor, currency, description, status, "
					+ "provider_txn_id, paid_at, expires_at, created_by, created_at, updated_at) "
					+ "select elt(o % 3 + 1, 'wx2-md5', 'wx3', 'ali'), concat(?, o), 100 + o % 9999, 'CNY', 'benchmark', "
					+ "if(o % 3 = 0, 'PENDING', 'PAID'), if(o % 3 = 0, null, concat('4200', ?, o)), "
					+ "if(o % 3 = 0, null, " + created + " + interval 20 second), " + created + " + interval 2 hour, "
					+ "'benchmark', " + created + ", " + created + " from (select seq as o from seq_" + from + "_to_" + to
					+ ") s", prefix, prefix, start, start, start, start);
			dsl.execute("insert into raw_notification (received_at, channel, kind, account_id, method, request_uri, "
					+ "remote_addr, content_type, headers, body, body_length, body_truncated, body_sha256, verdict, "
					+ "verdict_reason, processed_at, process_count, response_status, out_trade_no, provider_txn_id) "
					+ "select r, elt(o % 3 + 1, 'wechatpay-v2', 'wechatpay-v3', 'alipay'), 'NOTIFY', "
					+ "elt(o % 3 + 1, 'wx2-md5', 'wx3', 'ali'), 'POST', "
					+ "concat('/notify/', elt(o % 3 + 1, 'wechatpay-v2', 'wechatpay-v3', 'alipay'), '/', elt(o % 3 + 1, 'wx2-md5', 'wx3', 'ali')), "
					+ "'127.0.0.1', 'text/xml', '{\"content-type\":[\"text/xml\"]}', b, length(b), false, "
					+ "sha2(concat(?, n), 256), if(c = 0, 'APPLIED', 'DUPLICATE'), if(c = 0, 'PENDING → PAID', 'already PAID'), "
					+ "r, 1, 200, concat(?, o), concat('4200', ?, o) "
					+ "from (select n, o, c, " + created + " + interval (20 + c * 15) second as r, "
					+ "concat('<xml><appid><![CDATA[wx2421b1c4370ec43b]]></appid><mch_id><![CDATA[10000100]]></mch_id>"
					+ "<nonce_str><![CDATA[5d2b6c2a8db53831f7eda20af46e531c]]></nonce_str><result_code><![CDATA[SUCCESS]]>"
					+ "</result_code><total_fee>', 100 + o % 9999, '</total_fee><transaction_id><![CDATA[4200', ?, o, "
					+ "']]></transaction_id><out_trade_no><![CDATA[', ?, o, ']]></out_trade_no><sign><![CDATA["
					+ "0F4E1C3B2A1908F7E6D5C4B3A2918070]]></sign></xml>') as b "
					+ "from (select seq as n, seq div " + perOrder + " as o, seq % " + perOrder + " as c from seq_"
					+ from * perOrder + "_to_" + ((to + 1) * perOrder - 1) + ") q) s",
					prefix, prefix, prefix, start, prefix, prefix);
		}
	}

	private void seedFromHere(int orders, int perOrder, String prefix, Instant now) throws Exception {
		int chunk = 1000;
		List<Future<?>> work = new ArrayList<>();
		try (ExecutorService writers = Executors.newFixedThreadPool(2)) {
			for (int from = 0; from < orders; from += chunk) {
				int start = from;
				work.add(writers.submit(() -> insertChunk(prefix, start, Math.min(orders, start + chunk), orders, perOrder, now)));
			}
			for (Future<?> f : work) {
				f.get();
			}
		}
	}

	private void insertChunk(String prefix, int from, int to, int total, int perOrder, Instant now) {
		long window = Duration.ofDays(30).toSeconds();
		var orders = dsl.insertInto(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID, PAYMENT_ORDER.OUT_TRADE_NO,
				PAYMENT_ORDER.AMOUNT_MINOR, PAYMENT_ORDER.CURRENCY, PAYMENT_ORDER.DESCRIPTION, PAYMENT_ORDER.STATUS,
				PAYMENT_ORDER.PROVIDER_TXN_ID, PAYMENT_ORDER.PAID_AT, PAYMENT_ORDER.EXPIRES_AT, PAYMENT_ORDER.CREATED_BY,
				PAYMENT_ORDER.CREATED_AT, PAYMENT_ORDER.UPDATED_AT);
		for (int i = from; i < to; i++) {
			Instant created = now.minusSeconds(window - (long) i * window / total); // oldest first, over 30 days
			boolean paid = i % 3 != 0;
			orders = orders.values(ACCOUNTS[i % 3], prefix + i, 100L + i % 9999, "CNY", "benchmark",
					paid ? "PAID" : "PENDING", paid ? "4200" + prefix + i : null, paid ? created.plusSeconds(20) : null,
					created.plusSeconds(7200), "benchmark", created, created);
		}
		orders.execute();
		var raws = dsl.insertInto(RAW_NOTIFICATION, RAW_NOTIFICATION.RECEIVED_AT, RAW_NOTIFICATION.CHANNEL,
				RAW_NOTIFICATION.KIND, RAW_NOTIFICATION.ACCOUNT_ID, RAW_NOTIFICATION.METHOD, RAW_NOTIFICATION.REQUEST_URI,
				RAW_NOTIFICATION.REMOTE_ADDR, RAW_NOTIFICATION.CONTENT_TYPE, RAW_NOTIFICATION.HEADERS, RAW_NOTIFICATION.BODY,
				RAW_NOTIFICATION.BODY_LENGTH, RAW_NOTIFICATION.BODY_TRUNCATED, RAW_NOTIFICATION.BODY_SHA256,
				RAW_NOTIFICATION.VERDICT, RAW_NOTIFICATION.VERDICT_REASON, RAW_NOTIFICATION.PROCESSED_AT,
				RAW_NOTIFICATION.PROCESS_COUNT, RAW_NOTIFICATION.RESPONSE_STATUS, RAW_NOTIFICATION.OUT_TRADE_NO,
				RAW_NOTIFICATION.PROVIDER_TXN_ID);
		for (int i = from; i < to; i++) {
			Instant created = now.minusSeconds(window - (long) i * window / total); // oldest first, over 30 days
			String no = prefix + i;
			byte[] body = ("<xml><appid><![CDATA[wx2421b1c4370ec43b]]></appid><mch_id><![CDATA[10000100]]></mch_id>"
					+ "<nonce_str><![CDATA[5d2b6c2a8db53831f7eda20af46e531c]]></nonce_str><result_code><![CDATA[SUCCESS]]>"
					+ "</result_code><total_fee>" + (100 + i % 9999) + "</total_fee><transaction_id><![CDATA[4200" + no
					+ "]]></transaction_id><out_trade_no><![CDATA[" + no + "]]></out_trade_no><sign><![CDATA["
					+ "0F4E1C3B2A1908F7E6D5C4B3A2918070]]></sign></xml>").getBytes(StandardCharsets.UTF_8);
			for (int n = 0; n < perOrder; n++) {
				boolean first = n == 0;
				raws = raws.values(created.plusSeconds(20 + n * 15L), CHANNELS[i % 3], "NOTIFY", ACCOUNTS[i % 3], "POST",
						"/notify/" + CHANNELS[i % 3] + "/" + ACCOUNTS[i % 3], "127.0.0.1", "text/xml",
						"{\"content-type\":[\"text/xml\"]}", body, (long) body.length, false,
						String.format("%064x", (long) i * perOrder + n), first ? "APPLIED" : "DUPLICATE",
						first ? "PENDING → PAID" : "already PAID", created.plusSeconds(20 + n * 15L), 1, 200, no,
						"4200" + no);
			}
		}
		raws.execute();
	}
}
