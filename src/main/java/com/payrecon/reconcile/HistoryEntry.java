package com.payrecon.reconcile;

import java.time.Instant;

/** One step of a discrepancy's history (a move of its resolution, or a maker-checker step). */
public record HistoryEntry(long id, long discrepancyId, String action, String fromResolution, String toResolution,
		String actor, String detail, Instant at) {
}
