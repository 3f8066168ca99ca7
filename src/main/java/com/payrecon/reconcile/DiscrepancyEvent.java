package com.payrecon.reconcile;

import java.time.Instant;

/**
 * An operator moved a discrepancy's resolution. Published inside the changing transaction, so a plain
 * {@code @EventListener} (the audit log) commits or rolls back with it.
 */
public sealed interface DiscrepancyEvent {

	long discrepancyId();

	Resolution from();

	Resolution to();

	String operator();

	Instant at();

	record DiscrepancyAssigned(long discrepancyId, Resolution from, Resolution to, String assignee, String operator,
			Instant at) implements DiscrepancyEvent {
	}

	record DiscrepancyResolved(long discrepancyId, Resolution from, Resolution to, String note, String operator,
			Instant at) implements DiscrepancyEvent {
	}

	record DiscrepancyAccepted(long discrepancyId, Resolution from, Resolution to, String note, String operator,
			Instant at) implements DiscrepancyEvent {
	}

	record DiscrepancyVoided(long discrepancyId, Resolution from, Resolution to, String note, String operator,
			Instant at) implements DiscrepancyEvent {
	}
}
