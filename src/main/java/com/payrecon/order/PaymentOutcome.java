package com.payrecon.order;

/**
 * What {@link OrderService#applyPayment} did with a payment the provider vouched for.
 *
 * @param order the order as it is after the call (null for {@link Kind#UNKNOWN_ORDER})
 * @param detail expected vs received, for the audit trail
 */
public record PaymentOutcome(Kind kind, PaymentOrder order, String detail) {

	public enum Kind {
		/** PENDING → PAID now */
		APPLIED,
		/** the order is already paid by this very transaction */
		DUPLICATE,
		/** paid at the provider, but closed/failed/reversed here: flagged for review, not applied */
		LATE_PAYMENT,
		/** paid already by a different provider transaction: flagged for review */
		CONFLICTING_PAYMENT,
		AMOUNT_MISMATCH, CURRENCY_MISMATCH, UNKNOWN_ORDER
	}

	public boolean changedStatus() {
		return kind == Kind.APPLIED;
	}
}
