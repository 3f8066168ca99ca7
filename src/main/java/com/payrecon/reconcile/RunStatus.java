package com.payrecon.reconcile;

/** How a reconciliation run ended (RUNNING until it does). */
public enum RunStatus {
	/** chunks are being matched; a killed run stays here until it is resumed */
	RUNNING,
	/** both sides agree and the bill's summary equals its lines */
	BALANCED,
	/** at least one open discrepancy, or the bill's summary does not add up */
	UNBALANCED,
	/** the provider has no bill for that day (a normal outcome); local paid orders are still checked */
	NO_BILL,
	/** the bill could not be used (download error, empty, oversized, hash mismatch, unreadable): nothing matched */
	FAILED;

	public boolean isConclusive() {
		return this == BALANCED || this == UNBALANCED || this == NO_BILL;
	}
}
