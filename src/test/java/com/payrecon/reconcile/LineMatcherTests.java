package com.payrecon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import com.payrecon.order.OrderStatus;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.provider.bill.BillLine.Type;
import com.payrecon.reconcile.LineMatcher.Action;
import com.payrecon.reconcile.LineMatcher.Verdict;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

class LineMatcherTests {

	static BillLine line(Type type, String no, long fen, String txn) {
		return new BillLine(7, Instant.parse("2026-11-21T02:00:00Z"), txn, no, type, null, null, Fen.of(fen), Fen.of(1),
				new BigDecimal("0.01"), type == Type.REFUND ? "SUCCESS" : "SUCCESS", Map.of());
	}

	static LocalOrder order(OrderStatus status, long fen, String txn) {
		return new LocalOrder(42, "A1", Fen.of(fen), status, txn, Instant.parse("2026-11-21T02:00:00Z"));
	}

	@Test
	void aPaymentOfAPaidOrderWithTheSameAmountAndTransactionMatches() {
		Verdict v = LineMatcher.judge(line(Type.PAYMENT, "A1", 100, "T1"), order(OrderStatus.PAID, 100, "T1"));
		assertThat(v.action()).isEqualTo(Action.MATCHED);
		assertThat(v.orderId()).isEqualTo(42);
		assertThat(v.discrepancy()).isNull();
	}

	@Test
	void anotherAmountIsAnAmountMismatchThatStillAccountsForTheOrder() {
		Verdict v = LineMatcher.judge(line(Type.PAYMENT, "A1", 101, "T1"), order(OrderStatus.PAID, 100, "T1"));
		assertThat(v.discrepancy().type()).isEqualTo(DiscrepancyType.AMOUNT_MISMATCH);
		assertThat(v.orderId()).isEqualTo(42); // not also MISSING_AT_PROVIDER
		assertThat(v.discrepancy().sourceKey()).isEqualTo("line:7");
	}

	@Test
	void anotherTransactionForAPaidOrderIsAStatusMismatch() {
		Verdict v = LineMatcher.judge(line(Type.PAYMENT, "A1", 100, "T2"), order(OrderStatus.PAID, 100, "T1"));
		assertThat(v.discrepancy().type()).isEqualTo(DiscrepancyType.STATUS_MISMATCH);
	}

	@Test
	void pendingHereIsRepairedClosedHereIsLate() {
		assertThat(LineMatcher.judge(line(Type.PAYMENT, "A1", 100, "T1"), order(OrderStatus.PENDING, 100, null)).action())
			.isEqualTo(Action.REPAIR);
		for (OrderStatus s : new OrderStatus[] { OrderStatus.CLOSED, OrderStatus.FAILED, OrderStatus.REVERSED }) {
			Verdict v = LineMatcher.judge(line(Type.PAYMENT, "A1", 100, "T1"), order(s, 100, null));
			assertThat(v.action()).isEqualTo(Action.LATE);
			assertThat(v.discrepancy().type()).isEqualTo(DiscrepancyType.LATE_PAYMENT);
		}
	}

	@Test
	void unknownOrdersAreMissingLocallyWhateverTheLine() {
		for (Type t : Type.values()) {
			Verdict v = LineMatcher.judge(line(t, "ZZ", 100, "T9"), null);
			assertThat(v.discrepancy().type()).isEqualTo(DiscrepancyType.MISSING_LOCALLY);
			assertThat(v.orderId()).isNull();
		}
	}

	@Test
	void refundLinesNeedARefundedOrderAndReversalsAReversedOne() {
		assertThat(LineMatcher.judge(line(Type.REFUND, "A1", 100, "T1"), order(OrderStatus.REFUNDED, 100, "T1")).action())
			.isEqualTo(Action.MATCHED);
		assertThat(LineMatcher.judge(line(Type.REFUND, "A1", 100, "T1"), order(OrderStatus.PAID, 100, "T1")).discrepancy().type())
			.isEqualTo(DiscrepancyType.STATUS_MISMATCH);
		assertThat(LineMatcher.judge(line(Type.REVERSED, "A1", 100, "T1"), order(OrderStatus.REVERSED, 100, "T1")).action())
			.isEqualTo(Action.MATCHED);
		Verdict paidHere = LineMatcher.judge(line(Type.REVERSED, "A1", 100, "T1"), order(OrderStatus.PAID, 100, "T1"));
		assertThat(paidHere.discrepancy().type()).isEqualTo(DiscrepancyType.STATUS_MISMATCH);
		assertThat(paidHere.orderId()).isEqualTo(42);
	}
}
