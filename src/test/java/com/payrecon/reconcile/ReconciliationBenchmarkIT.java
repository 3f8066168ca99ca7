package com.payrecon.reconcile;

import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Benchmark, not a test (skipped unless {@code -Dpayrecon.benchmark=true}): reconciles a generated 1,000,000-line
 * WeChat bill against 1,000,000 paid orders of one day in the real database and prints lines per second and the
 * heap's peak. Run it alone:
 * <pre>
 * ./mvnw -q -B verify -Dit.test=ReconciliationBenchmarkIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dpayrecon.benchmark=true -Dpayrecon.benchmark.lines=1000000
 * </pre>
 * Results go to docs/benchmarks.md by hand.
 */
@PayReconIT
@Tag("benchmark")
@EnabledIfSystemProperty(named = "payrecon.benchmark", matches = "true")
class ReconciliationBenchmarkIT {

	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
	static final String ACCOUNT = "wx2-fake";

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	AccountRegistry accounts;

	@Autowired
	DSLContext dsl;

	@Test
	void reconcileOneMillionLines() throws Exception {
		int lines = Integer.getInteger("payrecon.benchmark.lines", 1_000_000);
		LocalDate day = LocalDate.of(2099, 1, 1).plusDays(System.currentTimeMillis() % 3000);
		String prefix = "BM" + System.currentTimeMillis() % 100_000 + "-";
		Instant start = day.atStartOfDay(SHANGHAI).toInstant();

		long t0 = System.nanoTime();
		insertPaidOrders(lines, prefix, start);
		long t1 = System.nanoTime();
		Path bill = Files.createTempFile("payrecon-benchmark", ".txt");
		writeBill(bill, lines, prefix, day);
		long t2 = System.nanoTime();
		System.out.printf("[benchmark] setup: %d orders inserted in %.1f s, bill of %d MB written in %.1f s%n", lines,
				(t1 - t0) / 1e9, Files.size(bill) >> 20, (t2 - t1) / 1e9);

		System.gc();
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			pool.resetPeakUsage();
		}
		Account account = accounts.find(ACCOUNT).orElseThrow();
		long r0 = System.nanoTime();
		ReconciliationResult result = reconciliation.reconcile(account, day, reconciliation.options("benchmark", false),
				() -> {
					try {
						return new BillDownload(false, null, Files.newInputStream(bill), BillDownload.WECHAT_TEXT);
					}
					catch (java.io.IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
				});
		double seconds = (System.nanoTime() - r0) / 1e9;
		long peak = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP) {
				peak += pool.getPeakUsage().getUsed();
			}
		}
		System.out.printf("[benchmark] %d lines reconciled in %.1f s = %.0f lines/s; heap peak (sum of pool peaks) %d MB, "
				+ "max heap %d MB; run %d %s, %d discrepancies, summary ok %s%n", lines, seconds, lines / seconds, peak >> 20,
				Runtime.getRuntime().maxMemory() >> 20, result.run().id(), result.run().status(),
				result.run().discrepancyCount(), result.run().summaryOk());
		Files.deleteIfExists(bill);

		assertThat(result.run().provider().count()).isEqualTo(lines);
		assertThat(result.run().summaryOk()).isTrue();
		assertThat(result.run().discrepancyCount()).isEqualTo(lines / 100_000); // the planted amount mismatches
	}

	/** Paid orders of the day, amount 1..9999 fen, paid between 00:20 and 23:40 (no EXPECTED near midnight). */
	private void insertPaidOrders(int count, String prefix, Instant dayStart) {
		Instant now = Instant.now();
		int batch = 5000;
		for (int from = 0; from < count; from += batch) {
			var insert = dsl.insertInto(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID, PAYMENT_ORDER.OUT_TRADE_NO,
					PAYMENT_ORDER.AMOUNT_MINOR, PAYMENT_ORDER.CURRENCY, PAYMENT_ORDER.DESCRIPTION, PAYMENT_ORDER.STATUS,
					PAYMENT_ORDER.PROVIDER_TXN_ID, PAYMENT_ORDER.PAID_AT, PAYMENT_ORDER.CREATED_BY, PAYMENT_ORDER.CREATED_AT,
					PAYMENT_ORDER.UPDATED_AT);
			for (int i = from; i < Math.min(count, from + batch); i++) {
				insert = insert.values(ACCOUNT, prefix + i, amount(i), "CNY", "benchmark", "PAID", "4200" + prefix + i,
						paidAt(dayStart, i, count), "benchmark", now, now);
			}
			insert.execute();
		}
	}

	private static void writeBill(Path file, int count, String prefix, LocalDate day) throws Exception {
		DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
		Instant dayStart = day.atStartOfDay(SHANGHAI).toInstant();
		BigDecimal total = BigDecimal.ZERO;
		BigDecimal fees = BigDecimal.ZERO;
		try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			out.write(WechatBill.HEADER + "\r\n");
			for (int i = 0; i < count; i++) {
				long fen = i % 100_000 == 99_999 ? amount(i) + 1 : amount(i); // one mismatch per 100,000 lines
				String yuan = Fen.of(fen).toYuan();
				String at = time.format(LocalDateTime.ofInstant(paidAt(dayStart, i, count), SHANGHAI));
				out.write("`" + at + ",`wx2421b1c4370ec43b,`10000102,`0,`,`4200" + prefix + i + ",`" + prefix + i
						+ ",`oUpF8u,`NATIVE,`SUCCESS,`CMC,`CNY,`" + yuan + ",`0.00,`,`,`0.00,`0.00,`,`,`benchmark,`,`0.01000,`0.60%,`"
						+ yuan + ",`0.00,`\r\n");
				total = total.add(new BigDecimal(yuan));
				fees = fees.add(new BigDecimal("0.01000"));
			}
			out.write(WechatBill.SUMMARY_HEADER + "\r\n");
			out.write("`" + count + ",`" + total.toPlainString() + ",`0.00,`0.00,`" + fees.toPlainString() + ",`"
					+ total.toPlainString() + ",`0.00\r\n");
		}
	}

	private static long amount(int i) {
		return 1 + i % 9999;
	}

	private static Instant paidAt(Instant dayStart, int i, int count) {
		long window = (24 * 60 - 40) * 60L; // seconds from 00:20 to 23:40
		return dayStart.plusSeconds(20 * 60 + (long) i * window / count);
	}
}
