package com.payrecon.outbox;

import java.util.Locale;

/** Why the change happened, as an event tells it: never who (no console logins, no API client names). */
public enum EventCause {
	/** a provider's notification */
	NOTIFICATION,
	/** a provider's answer to a query (the sweep, reconciliation, a re-query, micropay polling) */
	QUERY,
	/** a console operator (for a discrepancy: maker-checker) */
	OPERATOR,
	/** the merchant's checkout through the REST API */
	API,
	/** a scheduled job */
	JOB;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}
}
