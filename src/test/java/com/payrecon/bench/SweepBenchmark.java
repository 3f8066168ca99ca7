package com.payrecon.bench;

import static com.payrecon.bench.BenchReport.f;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.SANDBOX_ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.payrecon.provider.ProviderProperties;
import com.payrecon.repair.StalePendingSweep;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Benchmark 2: the stale-pending sweep over orders whose notifications never came, against the built-in sandbox
 * answering every query 50 ms late, under the provider clients' per-account rate limit.
 */
class SweepBenchmark extends BenchSupport {

	static final String ACCOUNT = "bench-sweep";

	@Autowired
	StalePendingSweep sweep;

	@Autowired
	ProviderProperties providerProperties;

	@Test
	void sweepStaleOrdersAgainstTheSandbox() {
		int count = BenchReport.scaled(100_000, 200);
		int concurrency = Integer.getInteger("bench.sweep.concurrency", 32);
		double rate = providerProperties.rateLimitPerSecond();
		String prefix = prefix("W");
		Instant createdAt = Instant.now().minus(Duration.ofHours(1));
		long t0 = System.nanoTime();
		List<String> numbers = pendingOrders(ACCOUNT, prefix, count, 100, createdAt, Instant.now().plus(Duration.ofHours(6)));
		paidAtTheSandbox(numbers, createdAt);
		double setup = (System.nanoTime() - t0) / 1e9;

		long s0 = System.nanoTime();
		StalePendingSweep.Summary summary = sweep.sweep(
				new StalePendingSweep.Parameters(Duration.ofMinutes(2), concurrency, count, Set.of(ACCOUNT)),
				"bench-sweep#1");
		double seconds = (System.nanoTime() - s0) / 1e9;
		int paid = dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID.eq(ACCOUNT),
				PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix), PAYMENT_ORDER.STATUS.eq("PAID"));
		double resolvedPerSecond = paid / seconds;

		BenchReport.section("2-sweep", f("""
				## 2. Sweep throughput

				%,d PENDING orders of one account, created an hour ago, all paid at the built-in sandbox whose
				notifications never came; the sandbox merchant answers every API call 50 ms late (`query-latency`). One
				`StalePendingSweep` run (the `stale-pending-sweep` job's work: query, verify the signed answer, apply PAID
				through `OrderService`, log the question, schedule the next check) with %d questions in flight, under the
				provider clients' token bucket of **%.0f calls/s per account** (`payrecon.provider.rate-limit-per-second`,
				set by `-Dbench.sweep.rate`).

				| orders | sweep time | resolved (PAID) | resolved/s | rate limit allows | share of the allowance | errors |
				|---|---|---|---|---|---|---|
				| %,d | %.1f s | %,d | **%.0f** | %.0f/s | %.0f %% | %d |

				Setup (not measured): orders and sandbox ledger rows inserted in %.1f s. With 50 ms per answer, %d
				questions in flight could ask up to %.0f/s, so the rate limit (or the machine, below 100 %%) is what
				bounds the sweep.
				""", count, concurrency, rate, count, seconds, paid, resolvedPerSecond, rate, 100 * resolvedPerSecond / rate,
				summary.errors(), setup, concurrency, concurrency / 0.05));
		assertThat(paid).isEqualTo(count);
	}

	/** The sandbox's ledger: each order placed and paid (SUCCESS), with a provider trade number. */
	private void paidAtTheSandbox(List<String> numbers, Instant at) {
		for (int from = 0; from < numbers.size(); from += 2000) {
			var insert = dsl.insertInto(SANDBOX_ORDER, SANDBOX_ORDER.MERCHANT_ID, SANDBOX_ORDER.CHANNEL,
					SANDBOX_ORDER.OUT_TRADE_NO, SANDBOX_ORDER.PROVIDER_TRADE_NO, SANDBOX_ORDER.TRADE_TYPE,
					SANDBOX_ORDER.AMOUNT_MINOR, SANDBOX_ORDER.CURRENCY, SANDBOX_ORDER.DESCRIPTION, SANDBOX_ORDER.STATUS,
					SANDBOX_ORDER.PAYER_ID, SANDBOX_ORDER.BANK_TYPE, SANDBOX_ORDER.SCANNED_AT, SANDBOX_ORDER.PAID_AT,
					SANDBOX_ORDER.CREATED_AT, SANDBOX_ORDER.UPDATED_AT);
			for (int i = from; i < Math.min(numbers.size(), from + 2000); i++) {
				String no = numbers.get(i);
				insert = insert.values(ACCOUNT, "wechatpay-v2", no, "4200" + no.replace("-", ""), "NATIVE", 100L, "CNY",
						"benchmark", "SUCCESS", "oUpF8uMEb4qRXf22hE3X68TekukE", "CMC", at, at.plusSeconds(30), at, at);
			}
			insert.execute();
		}
	}
}
