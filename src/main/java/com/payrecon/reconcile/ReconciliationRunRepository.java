package com.payrecon.reconcile;

import static com.payrecon.db.Tables.RECONCILIATION_RUN;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.payrecon.db.tables.records.ReconciliationRunRecord;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import org.springframework.stereotype.Repository;

/** Runs: inserted RUNNING, advanced chunk by chunk (compare-and-set on the last committed line), then finished. */
@Repository
class ReconciliationRunRepository {

	private static final byte CURRENT = 1;

	private final DSLContext dsl;

	ReconciliationRunRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	long start(String accountId, LocalDate day, boolean dryRun, String triggeredBy, Instant now) {
		return dsl.insertInto(RECONCILIATION_RUN)
			.set(RECONCILIATION_RUN.ACCOUNT_ID, accountId)
			.set(RECONCILIATION_RUN.BUSINESS_DATE, day)
			.set(RECONCILIATION_RUN.STATUS, RunStatus.RUNNING.name())
			.set(RECONCILIATION_RUN.DRY_RUN, dryRun)
			.set(RECONCILIATION_RUN.TRIGGERED_BY, triggeredBy)
			.set(RECONCILIATION_RUN.STARTED_AT, now)
			.returningResult(RECONCILIATION_RUN.ID)
			.fetchOne()
			.value1();
	}

	void recordBill(long runId, String format, String errorCode, Long archiveId, String sha256, Long bytes) {
		dsl.update(RECONCILIATION_RUN)
			.set(RECONCILIATION_RUN.BILL_FORMAT, format)
			.set(RECONCILIATION_RUN.BILL_ERROR_CODE, errorCode)
			.set(RECONCILIATION_RUN.BILL_ARCHIVE_ID, archiveId)
			.set(RECONCILIATION_RUN.ARCHIVE_SHA256, sha256)
			.set(RECONCILIATION_RUN.ARCHIVE_BYTES, bytes)
			.set(RECONCILIATION_RUN.VERSION, RECONCILIATION_RUN.VERSION.plus(1))
			.where(RECONCILIATION_RUN.ID.eq(runId))
			.execute();
	}

	/**
	 * Adds one chunk's provider totals and moves the last committed line from {@code fromLine} to {@code toLine}:
	 * false when another writer (or an earlier attempt) already committed past {@code fromLine}.
	 */
	boolean addChunk(long runId, long fromLine, long toLine, ChunkTotals t) {
		return dsl.update(RECONCILIATION_RUN)
			.set(RECONCILIATION_RUN.PROVIDER_COUNT, RECONCILIATION_RUN.PROVIDER_COUNT.plus(t.count))
			.set(RECONCILIATION_RUN.PROVIDER_GROSS_MINOR, RECONCILIATION_RUN.PROVIDER_GROSS_MINOR.plus(t.gross))
			.set(RECONCILIATION_RUN.PROVIDER_FEE_MINOR, RECONCILIATION_RUN.PROVIDER_FEE_MINOR.plus(t.fees))
			.set(RECONCILIATION_RUN.PROVIDER_REFUND_COUNT, RECONCILIATION_RUN.PROVIDER_REFUND_COUNT.plus(t.refundCount))
			.set(RECONCILIATION_RUN.PROVIDER_REFUND_MINOR, RECONCILIATION_RUN.PROVIDER_REFUND_MINOR.plus(t.refunds))
			.set(RECONCILIATION_RUN.PROVIDER_REVERSED_COUNT, RECONCILIATION_RUN.PROVIDER_REVERSED_COUNT.plus(t.reversedCount))
			.set(RECONCILIATION_RUN.PROVIDER_NET_MINOR,
					RECONCILIATION_RUN.PROVIDER_NET_MINOR.plus(t.gross - t.refunds - t.fees))
			.set(RECONCILIATION_RUN.LAST_COMMITTED_LINE, toLine)
			.set(RECONCILIATION_RUN.VERSION, RECONCILIATION_RUN.VERSION.plus(1))
			.where(RECONCILIATION_RUN.ID.eq(runId), RECONCILIATION_RUN.LAST_COMMITTED_LINE.eq(fromLine),
					RECONCILIATION_RUN.STATUS.eq(RunStatus.RUNNING.name()))
			.execute() == 1;
	}

	void finish(long runId, RunStatus status, Totals local, Boolean summaryOk, List<String> summaryDifferences,
			long discrepancies, String error, Instant now) {
		dsl.update(RECONCILIATION_RUN)
			.set(RECONCILIATION_RUN.STATUS, status.name())
			.set(RECONCILIATION_RUN.FINISHED_AT, now)
			.set(RECONCILIATION_RUN.LOCAL_COUNT, local == null ? 0 : local.count())
			.set(RECONCILIATION_RUN.LOCAL_GROSS_MINOR, local == null ? 0 : local.gross().value())
			.set(RECONCILIATION_RUN.LOCAL_REFUND_COUNT, local == null ? 0 : local.refundCount())
			.set(RECONCILIATION_RUN.LOCAL_REFUND_MINOR, local == null ? 0 : local.refunds().value())
			.set(RECONCILIATION_RUN.LOCAL_NET_MINOR, local == null ? 0 : local.net().value())
			.set(RECONCILIATION_RUN.SUMMARY_OK, summaryOk)
			.set(RECONCILIATION_RUN.SUMMARY_DETAIL, summaryDifferences == null || summaryDifferences.isEmpty() ? null
					: truncate(String.join("\n", summaryDifferences), 2048))
			.set(RECONCILIATION_RUN.DISCREPANCY_COUNT, discrepancies)
			.set(RECONCILIATION_RUN.ERROR, truncate(error, 1024))
			.set(RECONCILIATION_RUN.VERSION, RECONCILIATION_RUN.VERSION.plus(1))
			.where(RECONCILIATION_RUN.ID.eq(runId))
			.execute();
	}

	/** The bill's own summary check, recorded when its last line was read (the batch job completes later). */
	void recordSummary(long runId, List<String> differences) {
		dsl.update(RECONCILIATION_RUN)
			.set(RECONCILIATION_RUN.SUMMARY_OK, differences.isEmpty())
			.set(RECONCILIATION_RUN.SUMMARY_DETAIL, differences.isEmpty() ? null : truncate(String.join("\n", differences), 2048))
			.where(RECONCILIATION_RUN.ID.eq(runId))
			.execute();
	}

	/** The current run of (account, day), locked: call inside the transaction that replaces it. */
	Optional<RunSummary> lockCurrent(String accountId, LocalDate day) {
		return dsl.selectFrom(RECONCILIATION_RUN)
			.where(RECONCILIATION_RUN.ACCOUNT_ID.eq(accountId), RECONCILIATION_RUN.BUSINESS_DATE.eq(day),
					RECONCILIATION_RUN.CURRENT_RUN.eq(CURRENT))
			.forUpdate()
			.fetchOptional(ReconciliationRunRepository::toSummary);
	}

	Optional<RunSummary> current(String accountId, LocalDate day) {
		return dsl.selectFrom(RECONCILIATION_RUN)
			.where(RECONCILIATION_RUN.ACCOUNT_ID.eq(accountId), RECONCILIATION_RUN.BUSINESS_DATE.eq(day),
					RECONCILIATION_RUN.CURRENT_RUN.eq(CURRENT))
			.fetchOptional(ReconciliationRunRepository::toSummary);
	}

	/** Makes {@code runId} the current run of its day, superseding {@code previous} (kept as history). */
	void makeCurrent(long runId, Long previous) {
		if (previous != null) {
			dsl.update(RECONCILIATION_RUN)
				.setNull(RECONCILIATION_RUN.CURRENT_RUN)
				.set(RECONCILIATION_RUN.SUPERSEDED_BY, runId)
				.set(RECONCILIATION_RUN.VERSION, RECONCILIATION_RUN.VERSION.plus(1))
				.where(RECONCILIATION_RUN.ID.eq(previous))
				.execute();
		}
		dsl.update(RECONCILIATION_RUN)
			.set(RECONCILIATION_RUN.CURRENT_RUN, CURRENT)
			.set(RECONCILIATION_RUN.VERSION, RECONCILIATION_RUN.VERSION.plus(1))
			.where(RECONCILIATION_RUN.ID.eq(runId))
			.execute();
	}

	/** The first day of the account with a conclusive current run (where catching up missed days starts). */
	Optional<LocalDate> firstConclusiveDay(String accountId) {
		return Optional.ofNullable(dsl.select(DSL.min(RECONCILIATION_RUN.BUSINESS_DATE))
			.from(RECONCILIATION_RUN)
			.where(RECONCILIATION_RUN.ACCOUNT_ID.eq(accountId), RECONCILIATION_RUN.CURRENT_RUN.eq(CURRENT),
					RECONCILIATION_RUN.STATUS.in(CONCLUSIVE))
			.fetchOne(0, LocalDate.class));
	}

	/** The days from {@code from} to {@code to} (inclusive) that have a conclusive current run. */
	Set<LocalDate> conclusiveDays(String accountId, LocalDate from, LocalDate to) {
		return new HashSet<>(dsl.select(RECONCILIATION_RUN.BUSINESS_DATE)
			.from(RECONCILIATION_RUN)
			.where(RECONCILIATION_RUN.ACCOUNT_ID.eq(accountId), RECONCILIATION_RUN.BUSINESS_DATE.between(from, to),
					RECONCILIATION_RUN.CURRENT_RUN.eq(CURRENT), RECONCILIATION_RUN.STATUS.in(CONCLUSIVE))
			.fetch(RECONCILIATION_RUN.BUSINESS_DATE));
	}

	private static final List<String> CONCLUSIVE = Arrays.stream(RunStatus.values()).filter(RunStatus::isConclusive)
		.map(RunStatus::name).toList();

	Optional<RunSummary> find(long runId) {
		return dsl.selectFrom(RECONCILIATION_RUN).where(RECONCILIATION_RUN.ID.eq(runId)).fetchOptional(ReconciliationRunRepository::toSummary);
	}

	/** Runs of an account, newest first; {@code day} null for all days. */
	List<RunSummary> list(String accountId, LocalDate day, int limit) {
		var where = RECONCILIATION_RUN.ACCOUNT_ID.eq(accountId);
		if (day != null) {
			where = where.and(RECONCILIATION_RUN.BUSINESS_DATE.eq(day));
		}
		return dsl.selectFrom(RECONCILIATION_RUN)
			.where(where)
			.orderBy(RECONCILIATION_RUN.BUSINESS_DATE.desc(), RECONCILIATION_RUN.ID.desc())
			.limit(limit)
			.fetch(ReconciliationRunRepository::toSummary);
	}

	private static RunSummary toSummary(ReconciliationRunRecord r) {
		Totals provider = new Totals(r.getProviderCount(), Fen.of(r.getProviderGrossMinor()), Fen.of(r.getProviderFeeMinor()),
				r.getProviderRefundCount(), Fen.of(r.getProviderRefundMinor()), Fen.of(r.getProviderNetMinor()));
		Totals local = new Totals(r.getLocalCount(), Fen.of(r.getLocalGrossMinor()),
				r.getLocalFeeMinor() == null ? null : Fen.of(r.getLocalFeeMinor()), r.getLocalRefundCount(),
				Fen.of(r.getLocalRefundMinor()), Fen.of(r.getLocalNetMinor()));
		return new RunSummary(r.getId(), r.getAccountId(), r.getBusinessDate(), RunStatus.valueOf(r.getStatus()),
				r.getDryRun(), r.getCurrentRun() != null, r.getSupersededBy(), r.getTriggeredBy(), r.getStartedAt(),
				r.getFinishedAt(), r.getBillFormat(), r.getBillErrorCode(), r.getArchivePath(), r.getArchiveSha256(),
				r.getArchiveBytes(), r.getLastCommittedLine(), provider, r.getProviderReversedCount(), local,
				r.getSummaryOk(),
				r.getSummaryDetail() == null ? List.of() : Arrays.asList(r.getSummaryDetail().split("\n")),
				r.getDiscrepancyCount(), r.getError(), r.getBillArchiveId());
	}

	static String truncate(String text, int max) {
		return text == null || text.length() <= max ? text : text.substring(0, max);
	}

	/** One chunk's provider-side sums, in fen. */
	static final class ChunkTotals {
		long count;
		long gross;
		long fees;
		long refundCount;
		long refunds;
		long reversedCount;
	}
}
