package com.payrecon.reconcile;

import java.util.Objects;

import com.payrecon.order.OrderStatus;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.refund.RefundStatus;

/**
 * Judges one bill line against the local order with its out_trade_no (or none). Pure: the caller does the lookups,
 * the repairs and the writes.
 */
final class LineMatcher {

	private LineMatcher() {
	}

	/** What a line means for us. */
	enum Action {
		/** agrees with the order */
		MATCHED,
		/** a discrepancy, nothing to ask */
		DISCREPANCY,
		/** paid there, pending here: the signed query decides (MISSING_LOCALLY, repaired or open) */
		REPAIR,
		/** paid there, closed/failed/reversed here: LATE_PAYMENT, and the query path flags the order */
		LATE,
		/**
		 * refunded there, unknown here or not SUCCESS yet: the signed refund query decides (REFUND_UNKNOWN or
		 * REFUND_STATUS_MISMATCH, repaired or open)
		 */
		ASK_REFUND
	}

	/**
	 * @param orderId the order this line accounts for (kept as a match so the day's anti-join does not report it)
	 * @param discrepancy the discrepancy to record (for REPAIR, LATE and ASK_REFUND, before the query's outcome)
	 * @param refund the local refund a refund line accounts for (kept as a refund match: the day's anti-join of SUCCESS
	 * refunds does not report it)
	 */
	record Verdict(Action action, Long orderId, NewDiscrepancy discrepancy, LocalRefund refund) {

		Verdict(Action action, Long orderId, NewDiscrepancy discrepancy) {
			this(action, orderId, discrepancy, null);
		}
	}

	/** What a WeChat 退款状态 (Alipay: every 退款 line is a completed refund) says of the money. */
	enum LineRefund {
		/** paid back (SUCCESS; Alipay 退款; a status we do not know, so that a mismatch is raised, not hidden) */
		SUCCEEDED,
		/** not yet */
		PROCESSING,
		/** no money went back (REFUNDCLOSE, CLOSED, FAIL) or the bank refused it (CHANGE, ABNORMAL) */
		FAILED;

		static LineRefund of(String status) {
			if (status == null) {
				return SUCCEEDED;
			}
			return switch (status.trim().toUpperCase(java.util.Locale.ROOT)) {
				case "PROCESSING" -> PROCESSING;
				case "REFUNDCLOSE", "CLOSED", "FAIL", "FAILED", "CHANGE", "ABNORMAL" -> FAILED;
				default -> SUCCEEDED;
			};
		}
	}

	static Verdict judge(BillLine line, LocalOrder order) {
		return judge(line, order, null);
	}

	/** @param refund for a refund line, the local refund with its out_refund_no (else its provider refund id), or null */
	static Verdict judge(BillLine line, LocalOrder order, LocalRefund refund) {
		String key = "line:" + line.lineNumber();
		if (order == null) {
			String what = switch (line.type()) {
				case PAYMENT -> "paid at the provider, unknown here";
				case REFUND -> "refunded at the provider, unknown here";
				case REVERSED -> "reversed at the provider, unknown here";
			};
			if (line.outTradeNo() == null) {
				what += " (the line has no merchant order number)";
			}
			return new Verdict(Action.DISCREPANCY, null, NewDiscrepancy.open(DiscrepancyType.MISSING_LOCALLY, key,
					line.outTradeNo(), line.providerTxnId(), null, line.lineNumber(), null, line.amount(), null,
					line.status(), what));
		}
		OrderStatus status = order.status();
		return switch (line.type()) {
			case PAYMENT -> payment(line, order, key);
			case REFUND -> status.isPaid() ? refund(line, order, refund, key)
					: new Verdict(Action.DISCREPANCY, null, discrepancy(DiscrepancyType.STATUS_MISMATCH, key, line, order,
							"refunded at the provider, " + status + " here"));
			case REVERSED -> status == OrderStatus.REVERSED ? new Verdict(Action.MATCHED, order.id(), null)
					: new Verdict(Action.DISCREPANCY, order.id(), discrepancy(DiscrepancyType.STATUS_MISMATCH, key, line,
							order, "reversed at the provider, " + status + " here"));
		};
	}

	private static Verdict payment(BillLine line, LocalOrder order, String key) {
		if (line.amount() == null || !line.amount().equals(order.amount())) {
			return new Verdict(Action.DISCREPANCY, order.id(), discrepancy(DiscrepancyType.AMOUNT_MISMATCH, key, line,
					order, "the bill says " + (line.amount() == null ? "no amount" : line.amount().value() + " fen")
							+ ", the order " + order.amount().value() + " fen"));
		}
		return switch (order.status()) {
			case PAID, PARTIALLY_REFUNDED, REFUNDED -> order.providerTxnId() != null && line.providerTxnId() != null
					&& !Objects.equals(order.providerTxnId(), line.providerTxnId())
							? new Verdict(Action.DISCREPANCY, order.id(), discrepancy(DiscrepancyType.STATUS_MISMATCH, key,
									line, order, "paid by transaction " + line.providerTxnId() + " at the provider, by "
											+ order.providerTxnId() + " here"))
							: new Verdict(Action.MATCHED, order.id(), null);
			case PENDING -> new Verdict(Action.REPAIR, order.id(), discrepancy(DiscrepancyType.MISSING_LOCALLY, key, line,
					order, "paid at the provider, PENDING here"));
			case CLOSED, FAILED, REVERSED -> new Verdict(Action.LATE, order.id(), discrepancy(DiscrepancyType.LATE_PAYMENT,
					key, line, order, "paid at the provider, " + order.status() + " here"));
		};
	}

	/**
	 * A refund line of an order paid here, by refund (issue 14): the refund's number and amount, then its status. The
	 * order match stays with the payment line (a refund line never hides a missing payment).
	 */
	private static Verdict refund(BillLine line, LocalOrder order, LocalRefund refund, String key) {
		LineRefund there = LineRefund.of(line.status());
		String no = line.outRefundNo() != null ? line.outRefundNo() : line.refundId();
		if (refund == null) {
			NewDiscrepancy d = NewDiscrepancy.open(DiscrepancyType.REFUND_UNKNOWN, key, order.outTradeNo(),
					line.providerTxnId(), order.id(), line.lineNumber(), null, line.amount(), order.status().name(),
					line.status(), "refund " + no + " at the provider (" + line.status() + "), unknown here");
			return new Verdict(line.outRefundNo() != null && there != LineRefund.FAILED ? Action.ASK_REFUND
					: Action.DISCREPANCY, null, d);
		}
		if (refund.orderId() != order.id()) {
			return new Verdict(Action.DISCREPANCY, null, refundDiscrepancy(DiscrepancyType.REFUND_STATUS_MISMATCH, key,
					line, refund, "refund " + refund.outRefundNo() + " is of order " + refund.outTradeNo()
							+ " here, of order " + order.outTradeNo() + " at the provider"), refund);
		}
		if (line.amount() == null || !line.amount().equals(refund.amount())) {
			return new Verdict(Action.DISCREPANCY, null, refundDiscrepancy(DiscrepancyType.REFUND_AMOUNT_MISMATCH, key, line,
					refund, "refund " + refund.outRefundNo() + ": the bill says "
							+ (line.amount() == null ? "no amount" : line.amount().value() + " fen") + ", here "
							+ refund.amount().value() + " fen"), refund);
		}
		RefundStatus here = refund.status();
		return switch (there) {
			case SUCCEEDED -> switch (here) {
				case SUCCESS -> new Verdict(Action.MATCHED, null, null, refund);
				case CLOSED -> new Verdict(Action.DISCREPANCY, null, refundDiscrepancy(DiscrepancyType.REFUND_STATUS_MISMATCH,
						key, line, refund, "refund " + refund.outRefundNo() + " paid back at the provider, CLOSED here"), refund);
				case REQUESTED, PROCESSING, ABNORMAL -> new Verdict(Action.ASK_REFUND, null,
						refundDiscrepancy(DiscrepancyType.REFUND_STATUS_MISMATCH, key, line, refund,
								"refund " + refund.outRefundNo() + " paid back at the provider, " + here + " here"),
						refund);
			};
			case FAILED -> here == RefundStatus.SUCCESS
					? new Verdict(Action.DISCREPANCY, null, refundDiscrepancy(DiscrepancyType.REFUND_STATUS_MISMATCH, key,
							line, refund, "refund " + refund.outRefundNo() + " " + line.status()
									+ " at the provider, SUCCESS here"), refund)
					: new Verdict(Action.MATCHED, null, null, refund);
			case PROCESSING -> new Verdict(Action.MATCHED, null, null, refund);
		};
	}

	private static NewDiscrepancy refundDiscrepancy(DiscrepancyType type, String key, BillLine line, LocalRefund refund,
			String detail) {
		return NewDiscrepancy.open(type, key, refund.outTradeNo(), line.providerTxnId(), refund.orderId(),
				line.lineNumber(), refund.amount(), line.amount(), refund.status().name(), line.status(), detail);
	}

	private static NewDiscrepancy discrepancy(DiscrepancyType type, String key, BillLine line, LocalOrder order,
			String detail) {
		return NewDiscrepancy.open(type, key, order.outTradeNo(), line.providerTxnId(), order.id(), line.lineNumber(),
				order.amount(), line.amount(), order.status().name(), line.status(), detail);
	}
}
