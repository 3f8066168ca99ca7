package com.payrecon.reconcile;

/** A change of an order's state or money that a discrepancy calls for; applied only by maker-checker. */
public enum AdjustmentKind {
	/** LATE_PAYMENT: the provider was paid for an order CLOSED here → apply the payment, CLOSED → PAID */
	REOPEN_LATE_PAYMENT,
	/** STATUS_MISMATCH: the provider refunded the whole amount of an order PAID here → PAID → REFUNDED */
	MARK_REFUNDED
}
