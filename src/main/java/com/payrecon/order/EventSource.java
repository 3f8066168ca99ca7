package com.payrecon.order;

/** What caused an order event. */
public enum EventSource {
	/** the merchant's checkout, through the REST API */
	API,
	/** a provider notification (the event carries the raw notification id) */
	NOTIFY,
	/** a query at the provider (job run or manual re-query) */
	QUERY,
	/** a scheduled job */
	JOB,
	/** a console operator */
	OPERATOR
}
