package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.ProviderPayment;
import com.payrecon.reconcile.Discrepancy;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.ReconciliationResult;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 4: a sandbox day with planted discrepancies of each kind, reconciled from the sandbox's real-format bill
 * downloaded by PayRecon's client: the run finds exactly those, with the provider-side totals of that day.
 */
@PayReconIT
class SandboxDayReconciliationIT {

	static final String ACCOUNT = "recon-wx2";
	static final LocalDate DAY = LocalDate.of(2026, 11, 10);

	@LocalServerPort
	int port;

	@Autowired
	OrderService orderService;

	@Autowired
	OrderRepository orders;

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	MutableClock clock;

	@AfterEach
	void reset() {
		clock.reset();
		new SandboxWire(port).control("DELETE", "/merchants/" + ACCOUNT + "/faults", null);
	}

	@Test
	void aDayWithOneDiscrepancyOfEachKindFindsExactlyThose() throws Exception {
		SandboxWire wire = new SandboxWire(port);
		clock.set(DAY.atTime(12, 0).atZone(java.time.ZoneId.of("Asia/Shanghai")).toInstant());
		String p = "RC" + TestData.transactionId().substring(4);
		for (int i = 0; i < 5; i++) {
			local(p + "A" + i, 1000);
			sandboxPaid(wire, p + "A" + i, 1000);
		}
		local(p + "E", 2000);
		sandboxPaid(wire, p + "E", 2000);
		awaitPaid(p + "A4");
		awaitPaid(p + "E");
		wire.control("POST", "/orders/" + ACCOUNT + "/" + p + "E/refund", Map.of("amount", 2000, "outRefundNo", p + "R",
				"notify", false)); // made in the merchant platform, its notification lost

		wire.control("PUT", "/merchants/" + ACCOUNT + "/faults", Map.of("dropShare", 1.0)); // every callback lost from here
		local(p + "B", 3000); // pending here, paid there: repaired by the run
		sandboxPaid(wire, p + "B", 3000);
		sandboxPaid(wire, p + "C", 4000); // paid there, unknown here
		local(p + "F", 5000); // closed here, paid there
		orderService.transition(ACCOUNT, p + "F", OrderStatus.CLOSED, new Cause(EventSource.JOB, "test", null, "expired"));
		sandboxPaid(wire, p + "F", 5000);
		local(p + "D", 6000); // paid here, never at the provider
		orderService.applyPayment(ACCOUNT, new ProviderPayment(p + "D", "4200" + p + "D", Fen.of(6000), "CNY", clock.instant()),
				new Cause(EventSource.QUERY, "test", null, "planted"));

		clock.set(clock.instant().plus(Duration.ofDays(1))); // the bill for DAY exists from the next day on
		ReconciliationResult result = reconciliation.reconcile(ACCOUNT, DAY, reconciliation.options("test", false));

		Map<String, Discrepancy> byOrder = new HashMap<>();
		result.discrepancies().stream().filter(d -> d.outTradeNo() != null && d.outTradeNo().startsWith(p))
			.forEach(d -> byOrder.put(d.outTradeNo(), d));
		assertThat(byOrder).containsOnlyKeys(p + "B", p + "C", p + "D", p + "E", p + "F");
		assertThat(byOrder.get(p + "B").type()).isEqualTo(DiscrepancyType.MISSING_LOCALLY);
		assertThat(byOrder.get(p + "B").autoRepaired()).isTrue();
		assertThat(orders.find(ACCOUNT, p + "B").orElseThrow().status()).isEqualTo(OrderStatus.PAID);
		assertThat(byOrder.get(p + "C").type()).isEqualTo(DiscrepancyType.MISSING_LOCALLY);
		assertThat(byOrder.get(p + "C").autoRepaired()).isFalse();
		assertThat(byOrder.get(p + "D").type()).isEqualTo(DiscrepancyType.MISSING_AT_PROVIDER);
		// refunded in the merchant platform, its notification lost: the signed refund query records it (issue 14)
		assertThat(byOrder.get(p + "E").type()).isEqualTo(DiscrepancyType.REFUND_UNKNOWN);
		assertThat(byOrder.get(p + "E").autoRepaired()).isTrue();
		assertThat(orders.find(ACCOUNT, p + "E").orElseThrow().status()).isEqualTo(OrderStatus.REFUNDED);
		assertThat(byOrder.get(p + "F").type()).isEqualTo(DiscrepancyType.LATE_PAYMENT);
		// the provider side of the day: nine payments (5 A, B, C, E, F) and one refund
		assertThat(result.run().provider().count()).isEqualTo(9);
		assertThat(result.run().provider().gross()).isEqualTo(Fen.of(5 * 1000 + 2000 + 3000 + 4000 + 5000));
		assertThat(result.run().provider().refundCount()).isEqualTo(1);
		assertThat(result.run().provider().refunds()).isEqualTo(Fen.of(2000));
		assertThat(result.run().summaryOk()).as(String.valueOf(result.run().summaryDifferences())).isTrue();
	}

	private void local(String no, long amount) {
		orderService.create(new CreateOrder(ACCOUNT, no, Fen.of(amount), "CNY", "recon IT", null), Cause.api("test", "set-up"));
	}

	private static void sandboxPaid(SandboxWire wire, String no, long amount) {
		wire.control("POST", "/orders", Map.of("merchantId", ACCOUNT, "outTradeNo", no, "amount", amount));
		wire.control("POST", "/orders/" + ACCOUNT + "/" + no + "/pay", Map.of());
	}

	private void awaitPaid(String no) throws InterruptedException {
		for (int i = 0; i < 200; i++) {
			if (orders.find(ACCOUNT, no).orElseThrow().status() == OrderStatus.PAID) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError(no + " never became PAID");
	}
}
