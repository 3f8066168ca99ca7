package com.payrecon.reconcile;

import java.time.LocalDate;

/** A (non-dry) run ended: the console refreshes, an alert fires on FAILED or UNBALANCED. */
public record ReconciliationFinished(long runId, String accountId, LocalDate businessDate, RunStatus status,
		long discrepancyCount) {
}
