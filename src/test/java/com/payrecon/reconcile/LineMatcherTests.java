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
import com.payrecon.refund.RefundSource;
import com.payrecon.refund.RefundStatus;
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

	static BillLine refundLine(String outRefundNo, long fen, String status) {
		return new BillLine(8, Instant.parse("2026-11-21T03:00:00Z"), "T1", "A1", Type.REFUND, "5030" + outRefundNo,
				outRefundNo, Fen.of(fen), Fen.of(0), BigDecimal.ZERO, status, Map.of());
	}

	static LocalRefund refund(String outRefundNo, long fen, RefundStatus status) {
		return new LocalRefund(9, 42, "A1", outRefundNo, "5030" + outRefundNo, Fen.of(fen), status, RefundSource.API,
				Instant.parse("2026-11-21T03:00:00Z"));
	}

	@Test
	void aRefundLineMatchesTheRefundWithItsNumberAndAmountNotTheOrder() {
		for (OrderStatus paid : new OrderStatus[] { OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED }) {
			Verdict v = LineMatcher.judge(refundLine("R1", 30, "SUCCESS"), order(paid, 100, "T1"),
					refund("R1", 30, RefundStatus.SUCCESS));
			assertThat(v.action()).isEqualTo(Action.MATCHED);
			assertThat(v.refund().id()).isEqualTo(9);
			assertThat(v.orderId()).as("a refund line never accounts for the payment").isNull();
		}
		// Alipay: every 退款 line is a completed refund
		assertThat(LineMatcher.judge(refundLine("R1", 30, "退款"), order(OrderStatus.PAID, 100, "T1"),
				refund("R1", 30, RefundStatus.SUCCESS)).action()).isEqualTo(Action.MATCHED);
	}

	/**
	 * Issue 14's named bug: a refund line was compared with the order's status only, so 31 fen refunded at the provider
	 * matched an order partially refunded here by 30 (failed on the old code: expected not MATCHED).
	 */
	@Test
	void aRefundLineIsNotMatchedByTheOrdersStatusAlone() {
		BillLine line = refundLine("R1", 31, "SUCCESS");
		LocalOrder order = order(OrderStatus.PARTIALLY_REFUNDED, 100, "T1");
		assertThat(LineMatcher.judge(line, order).action()).isNotEqualTo(Action.MATCHED);
		assertThat(LineMatcher.judge(line, order, refund("R1", 30, RefundStatus.SUCCESS)).discrepancy().type())
			.isEqualTo(DiscrepancyType.REFUND_AMOUNT_MISMATCH);
	}

	@Test
	void aRefundUnknownHereIsAskedAboutWhenTheLineHasItsNumber() {
		Verdict asked = LineMatcher.judge(refundLine("R1", 30, "SUCCESS"), order(OrderStatus.PAID, 100, "T1"), null);
		assertThat(asked.action()).isEqualTo(Action.ASK_REFUND);
		assertThat(asked.discrepancy().type()).isEqualTo(DiscrepancyType.REFUND_UNKNOWN);
		assertThat(asked.discrepancy().orderId()).isEqualTo(42);
		assertThat(asked.discrepancy().providerAmount()).isEqualTo(Fen.of(30));
		BillLine noNumber = new BillLine(8, Instant.parse("2026-11-21T03:00:00Z"), "T1", "A1", Type.REFUND, "5030X", null,
				Fen.of(30), Fen.of(0), BigDecimal.ZERO, "SUCCESS", Map.of());
		Verdict open = LineMatcher.judge(noNumber, order(OrderStatus.PAID, 100, "T1"), null);
		assertThat(open.action()).isEqualTo(Action.DISCREPANCY);
		assertThat(open.discrepancy().type()).isEqualTo(DiscrepancyType.REFUND_UNKNOWN);
		// a refund line of an order not paid here stays a status mismatch of the order
		assertThat(LineMatcher.judge(refundLine("R1", 30, "SUCCESS"), order(OrderStatus.PENDING, 100, null), null)
			.discrepancy().type()).isEqualTo(DiscrepancyType.STATUS_MISMATCH);
	}

	@Test
	void anotherRefundAmountIsARefundAmountMismatchThatStillAccountsForTheRefund() {
		Verdict v = LineMatcher.judge(refundLine("R1", 31, "SUCCESS"), order(OrderStatus.PARTIALLY_REFUNDED, 100, "T1"),
				refund("R1", 30, RefundStatus.SUCCESS));
		assertThat(v.discrepancy().type()).isEqualTo(DiscrepancyType.REFUND_AMOUNT_MISMATCH);
		assertThat(v.discrepancy().localAmount()).isEqualTo(Fen.of(30));
		assertThat(v.discrepancy().providerAmount()).isEqualTo(Fen.of(31));
		assertThat(v.refund().id()).as("not also REFUND_NOT_AT_PROVIDER").isEqualTo(9);
	}

	@Test
	void refundStatusesAreCompared() {
		LocalOrder order = order(OrderStatus.PAID, 100, "T1");
		for (RefundStatus waiting : new RefundStatus[] { RefundStatus.REQUESTED, RefundStatus.PROCESSING, RefundStatus.ABNORMAL }) {
			Verdict v = LineMatcher.judge(refundLine("R1", 30, "SUCCESS"), order, refund("R1", 30, waiting));
			assertThat(v.action()).isEqualTo(Action.ASK_REFUND);
			assertThat(v.discrepancy().type()).isEqualTo(DiscrepancyType.REFUND_STATUS_MISMATCH);
		}
		Verdict closedHere = LineMatcher.judge(refundLine("R1", 30, "SUCCESS"), order, refund("R1", 30, RefundStatus.CLOSED));
		assertThat(closedHere.action()).isEqualTo(Action.DISCREPANCY);
		assertThat(closedHere.discrepancy().type()).isEqualTo(DiscrepancyType.REFUND_STATUS_MISMATCH);
		for (String failed : new String[] { "REFUNDCLOSE", "CHANGE" }) {
			Verdict v = LineMatcher.judge(refundLine("R1", 30, failed), order, refund("R1", 30, RefundStatus.SUCCESS));
			assertThat(v.discrepancy().type()).isEqualTo(DiscrepancyType.REFUND_STATUS_MISMATCH);
			assertThat(LineMatcher.judge(refundLine("R1", 30, failed), order, refund("R1", 30, RefundStatus.CLOSED)).action())
				.isEqualTo(Action.MATCHED);
		}
		assertThat(LineMatcher.judge(refundLine("R1", 30, "PROCESSING"), order, refund("R1", 30, RefundStatus.SUCCESS))
			.action()).as("the bill was made before it succeeded").isEqualTo(Action.MATCHED);
		Verdict otherOrder = LineMatcher.judge(refundLine("R1", 30, "SUCCESS"), order,
				new LocalRefund(9, 43, "A2", "R1", null, Fen.of(30), RefundStatus.SUCCESS, RefundSource.API, null));
		assertThat(otherOrder.discrepancy().type()).isEqualTo(DiscrepancyType.REFUND_STATUS_MISMATCH);
	}

	@Test
	void reversalsNeedAReversedOrder() {
		assertThat(LineMatcher.judge(line(Type.REVERSED, "A1", 100, "T1"), order(OrderStatus.REVERSED, 100, "T1")).action())
			.isEqualTo(Action.MATCHED);
		Verdict paidHere = LineMatcher.judge(line(Type.REVERSED, "A1", 100, "T1"), order(OrderStatus.PAID, 100, "T1"));
		assertThat(paidHere.discrepancy().type()).isEqualTo(DiscrepancyType.STATUS_MISMATCH);
		assertThat(paidHere.orderId()).isEqualTo(42);
	}
}
