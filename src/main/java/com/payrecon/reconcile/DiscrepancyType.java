package com.payrecon.reconcile;

/** What kind of mismatch a bill line or a local order shows. */
public enum DiscrepancyType {
	/** paid (or refunded, reversed) at the provider, unknown here, or pending here (then repaired by a query) */
	MISSING_LOCALLY,
	/** paid here, absent from the provider's bill (and from the neighbouring day's, for orders near midnight) */
	MISSING_AT_PROVIDER,
	/** the bill's amount differs from the order's */
	AMOUNT_MISMATCH,
	/** the provider's state differs from ours (refunded or reversed there, or paid by another transaction) */
	STATUS_MISMATCH,
	/** paid at the provider while the order is closed, failed or reversed here */
	LATE_PAYMENT,
	/** paid here near midnight, absent from this bill: held until the neighbouring day's bill is matched */
	EXPECTED,
	/**
	 * a refund line of an order paid here whose refund is unknown here (made in the provider's platform, its
	 * notification lost): the signed refund query records it (repaired), else it stays open
	 */
	REFUND_UNKNOWN,
	/** a refund SUCCESS here that no refund line of the day (nor of a neighbouring day near midnight) accounts for */
	REFUND_NOT_AT_PROVIDER,
	/** the refund line's amount differs from the refund with that number here */
	REFUND_AMOUNT_MISMATCH,
	/**
	 * the refund line's status differs from the refund's here: refunded there, not SUCCESS here (asked about: a query
	 * that settles it repairs it), or SUCCESS here while the provider's line says it failed
	 */
	REFUND_STATUS_MISMATCH
}
