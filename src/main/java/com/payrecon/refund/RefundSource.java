package com.payrecon.refund;

/** Where a refund came from. */
public enum RefundSource {
	/** the merchant's systems, through the REST API */
	API,
	/** a finance user in the console (maker-checker) */
	CONSOLE,
	/** made outside PayRecon (the provider's merchant platform), learnt from a notification, a query or the bill */
	EXTERNAL,
	/** an order REFUNDED as a whole before refunds had rows (migration V19_2) */
	MIGRATED
}
