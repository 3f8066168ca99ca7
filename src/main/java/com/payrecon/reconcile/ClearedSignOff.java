package com.payrecon.reconcile;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A sign-off that a re-run cleared and that nobody of finance has acknowledged yet: shown on the dashboard and the
 * day page until someone does.
 */
public record ClearedSignOff(long id, String accountId, LocalDate businessDate, String signedBy, Instant signedAt,
		Instant clearedAt, String clearedReason) {
}
