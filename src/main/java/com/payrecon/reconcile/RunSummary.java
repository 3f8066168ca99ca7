package com.payrecon.reconcile;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A reconciliation run as stored (or, for a dry run, as it would have been).
 *
 * @param current whether this is the run whose discrepancies count for (account, day)
 * @param supersededBy the run that replaced this one, if any
 * @param summaryOk whether the bill's own summary equals the sum of its lines (null: not checked)
 * @param summaryDifferences what differs, one entry per measure
 * @param billArchiveId the run's bill in the database archive (null: no bill, a dry run, or a run made before the
 * archive moved into the database, whose file is {@code archivePath})
 */
public record RunSummary(long id, String accountId, LocalDate businessDate, RunStatus status, boolean dryRun,
		boolean current, Long supersededBy, String triggeredBy, Instant startedAt, Instant finishedAt,
		String billFormat, String billErrorCode, String archivePath, String archiveSha256, Long archiveBytes,
		long lastCommittedLine, Totals provider, long providerReversedCount, Totals local, Boolean summaryOk,
		List<String> summaryDifferences, long discrepancyCount, String error, Long billArchiveId) {

	/** Whether the run has a bill to read (a NO_BILL run, or one that failed before storing it, has none). */
	public boolean hasBill() {
		return billArchiveId != null || archivePath != null;
	}
}
