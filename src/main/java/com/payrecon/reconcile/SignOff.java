package com.payrecon.reconcile;

import java.time.Instant;
import java.time.LocalDate;

/** A day's sign-off: in force while {@code clearedAt} is null. */
public record SignOff(long id, String accountId, LocalDate businessDate, long runId, String signedBy, Instant signedAt,
		Instant clearedAt, String clearedReason) {

	public boolean active() {
		return clearedAt == null;
	}
}
