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
	EXPECTED
}
