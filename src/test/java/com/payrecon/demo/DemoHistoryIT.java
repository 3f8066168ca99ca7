package com.payrecon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.payrecon.account.AccountRegistry;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.reconcile.Discrepancy;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.Resolution;
import com.payrecon.reconcile.RunStatus;
import com.payrecon.reconcile.RunSummary;
import com.payrecon.sandbox.SandboxLedger;
import com.payrecon.sandbox.SandboxMerchants;
import com.payrecon.sandbox.SandboxTrades;
import com.payrecon.support.PayReconIT;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 5: the demo's yesterday. Prepared for a dedicated account, it is reconciled by the real run with exactly the
 * planted discrepancies (one of each kind) and open cases; preparing again changes nothing.
 */
@PayReconIT
class DemoHistoryIT {

	static final String ACCOUNT = "demo-history-wx2";

	@Autowired
	AccountRegistry accounts;

	@Autowired
	SandboxMerchants merchants;

	@Autowired
	SandboxLedger ledger;

	@Autowired
	SandboxTrades trades;

	@Autowired
	OrderService orderService;

	@Autowired
	OrderRepository orders;

	@Autowired
	com.payrecon.sandbox.SandboxRefunds refunds;

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	com.payrecon.refund.RefundService refundService;

	@Autowired
	com.payrecon.support.db.TransactionRetry retry;

	@Autowired
	Clock clock;

	@Test
	void yesterdayIsReconciledOnceWithExactlyThePlantedDiscrepancies() {
		DemoHistory history = new DemoHistory(List.of(ACCOUNT), accounts, merchants, ledger, trades, refunds, orderService, orders,
				reconciliation, refundService, retry, clock, Duration.ofSeconds(20));
		LocalDate yesterday = LocalDate.ofInstant(clock.instant(), ZoneId.of("Asia/Shanghai")).minusDays(1);

		DemoHistory.Prepared prepared = history.prepare(ACCOUNT).orElseThrow();

		assertThat(prepared.day()).isEqualTo(yesterday);
		List<RunSummary> runs = reconciliation.runs(ACCOUNT, yesterday);
		assertThat(runs).hasSize(1);
		RunSummary run = runs.get(0);
		assertThat(run.status()).isEqualTo(RunStatus.UNBALANCED);
		assertThat(run.triggeredBy()).startsWith("job:daily-reconciliation#").endsWith(" for " + DemoHistory.ACTOR);
		List<Discrepancy> found = reconciliation.discrepanciesOf(run.id());
		Map<String, DiscrepancyType> byOrder = found.stream()
			.collect(Collectors.toMap(Discrepancy::outTradeNo, Discrepancy::type));
		Map<String, DiscrepancyType> planted = prepared.planted()
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
		assertThat(byOrder).isEqualTo(planted);
		assertThat(planted.values()).containsExactlyInAnyOrder(DiscrepancyType.LATE_PAYMENT,
				DiscrepancyType.MISSING_AT_PROVIDER, DiscrepancyType.MISSING_LOCALLY, DiscrepancyType.REFUND_UNKNOWN,
				DiscrepancyType.REFUND_NOT_AT_PROVIDER, DiscrepancyType.REFUND_AMOUNT_MISMATCH,
				DiscrepancyType.REFUND_STATUS_MISMATCH);
		// the refund made in the merchant platform is recorded by the run's signed refund query; the rest wait for a person
		assertThat(found).allSatisfy(d -> {
			boolean repaired = d.type() == DiscrepancyType.REFUND_UNKNOWN;
			assertThat(d.resolution()).as(d.type().name()).isEqualTo(repaired ? Resolution.RESOLVED : Resolution.OPEN);
			assertThat(d.autoRepaired()).as(d.type().name()).isEqualTo(repaired);
		});
		// every ordinary order was paid through its notification; the provider billed them, L and U, and one refund
		String prefix = planted.keySet().iterator().next().substring(0, 10);
		for (int i = 0; i < DemoHistory.PAID_ORDERS; i++) {
			assertThat(orders.find(ACCOUNT, prefix + String.format("%03d", i)).orElseThrow().status().isPaid()).isTrue();
		}
		assertThat(run.provider().count()).isEqualTo(DemoHistory.PAID_ORDERS + 2);
		assertThat(run.provider().refundCount()).as("made in the platform, another amount, closed").isEqualTo(3);
		assertThat(run.local().count()).isEqualTo(DemoHistory.PAID_ORDERS + 1);
		assertThat(run.summaryOk()).as(String.valueOf(run.summaryDifferences())).isTrue();

		// a second start: the day has its run, nothing is planted or reconciled again
		assertThat(history.prepare(ACCOUNT)).isEmpty();
		assertThat(reconciliation.runs(ACCOUNT, yesterday)).extracting(RunSummary::id).containsExactly(run.id());
		assertThat(reconciliation.discrepanciesOf(run.id())).hasSize(found.size());
		assertThat(ledger.paidBetween(ACCOUNT, yesterday.atStartOfDay(ZoneId.of("Asia/Shanghai")).toInstant(),
				yesterday.plusDays(1).atStartOfDay(ZoneId.of("Asia/Shanghai")).toInstant()))
			.hasSize(DemoHistory.PAID_ORDERS + 2);
	}
}
