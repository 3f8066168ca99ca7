package com.payrecon.reconcile;

import java.time.LocalDate;

/**
 * Whether a provider's refusal means "the bill of that day is not made yet" (protocols.md A.8, B.7): WeChat Pay v2
 * {@code Bill Creating}, v3 {@code STATEMENT_CREATING}, and a 404 for the newest bill (the day before today in the
 * account's zone), which a provider answers before it has published the file. Such a bill is asked for again later
 * that day; any other error fails the run at once.
 */
final class BillReadiness {

	static final String NOT_READY = "bill not ready yet";

	private BillReadiness() {
	}

	static boolean notReady(String errorCode, LocalDate day, LocalDate today) {
		if (errorCode == null) {
			return false;
		}
		if (errorCode.equalsIgnoreCase("Bill Creating") || errorCode.equals("STATEMENT_CREATING")) {
			return true;
		}
		boolean notFound = errorCode.equals("HTTP_404") || errorCode.equals("NOT_FOUND");
		return notFound && !day.isBefore(today.minusDays(1));
	}
}
