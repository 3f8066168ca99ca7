package com.payrecon.reconcile;

import java.time.LocalDate;

/**
 * Which current discrepancies to list; null fields do not filter. Pages by id: {@code afterId} is the last id of the
 * previous page.
 */
public record DiscrepancyFilter(String accountId, LocalDate from, LocalDate to, Resolution resolution, long afterId,
		int limit) {

	public static DiscrepancyFilter account(String accountId) {
		return new DiscrepancyFilter(accountId, null, null, null, 0, 100);
	}

	public DiscrepancyFilter on(LocalDate day) {
		return new DiscrepancyFilter(accountId, day, day, resolution, afterId, limit);
	}

	public DiscrepancyFilter withResolution(Resolution r) {
		return new DiscrepancyFilter(accountId, from, to, r, afterId, limit);
	}
}
