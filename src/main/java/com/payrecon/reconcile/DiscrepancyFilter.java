package com.payrecon.reconcile;

import java.time.LocalDate;

/**
 * Which current discrepancies to list; null fields do not filter. Pages by id: {@code afterId} is the last id of the
 * previous page.
 */
public record DiscrepancyFilter(String accountId, LocalDate from, LocalDate to, DiscrepancyType type,
		Resolution resolution, String outTradeNo, long afterId, int limit) {

	public static DiscrepancyFilter account(String accountId) {
		return new DiscrepancyFilter(accountId, null, null, null, null, null, 0, 100);
	}

	public DiscrepancyFilter on(LocalDate day) {
		return new DiscrepancyFilter(accountId, day, day, type, resolution, outTradeNo, afterId, limit);
	}

	public DiscrepancyFilter withType(DiscrepancyType t) {
		return new DiscrepancyFilter(accountId, from, to, t, resolution, outTradeNo, afterId, limit);
	}

	public DiscrepancyFilter withResolution(Resolution r) {
		return new DiscrepancyFilter(accountId, from, to, type, r, outTradeNo, afterId, limit);
	}

	public DiscrepancyFilter withOutTradeNo(String no) {
		return new DiscrepancyFilter(accountId, from, to, type, resolution, no, afterId, limit);
	}
}
