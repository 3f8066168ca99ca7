package com.payrecon.reconcile;

import java.util.Objects;

import com.payrecon.order.OrderStatus;
import com.payrecon.provider.bill.BillLine;

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
		LATE
	}

	/**
	 * @param orderId the order this line accounts for (kept as a match so the day's anti-join does not report it)
	 * @param discrepancy the discrepancy to record (for REPAIR and LATE, before the query's outcome)
	 */
	record Verdict(Action action, Long orderId, NewDiscrepancy discrepancy) {
	}

	static Verdict judge(BillLine line, LocalOrder order) {
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
			case REFUND -> status.followsRefunds() ? new Verdict(Action.MATCHED, null, null)
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

	private static NewDiscrepancy discrepancy(DiscrepancyType type, String key, BillLine line, LocalOrder order,
			String detail) {
		return NewDiscrepancy.open(type, key, order.outTradeNo(), line.providerTxnId(), order.id(), line.lineNumber(),
				order.amount(), line.amount(), order.status().name(), line.status(), detail);
	}
}
