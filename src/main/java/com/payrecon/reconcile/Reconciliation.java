package com.payrecon.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.provider.bill.BillParser;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.support.db.DatabaseTransactions;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Daily statement reconciliation of one account and one business day (a day in the account's zone): the provider's
 * bill is downloaded, kept, matched chunk by chunk against our orders, and a run is recorded with both sides' totals
 * and its discrepancies. Re-running a day adds a run that supersedes the previous one (history kept, resolutions
 * carried over). A dry run computes the same result and keeps nothing: no run, no repair, no archived bill.
 *
 * <p>There is one way to reconcile: the {@code daily-reconciliation} Batch job. The scheduler starts it daily (with
 * every missed day), operators through {@code JobOperations.runNow}, and {@link #reconcile} here starts it in the
 * calling thread for one account and day (the demo, tests, benchmarks) and returns what it recorded. It must not be
 * called inside a database transaction.
 */
@Service
public class Reconciliation {

	private final AccountRegistry accounts;
	private final ReconciliationRunRepository runs;
	private final DiscrepancyRepository discrepancies;
	private final ReconcileProperties properties;
	private final BillArchive archive;
	private final BillImports imports;
	private final JobOperator operator;
	private final JobRepository repository;
	private final Job job;
	private final Clock clock;

	Reconciliation(AccountRegistry accounts, ReconciliationRunRepository runs, DiscrepancyRepository discrepancies,
			ReconcileProperties properties, BillArchive archive, BillImports imports, JobOperator operator,
			JobRepository repository, @Qualifier("dailyReconciliationJob") Job job, Clock clock) {
		this.repository = repository;
		this.accounts = accounts;
		this.runs = runs;
		this.discrepancies = discrepancies;
		this.properties = properties;
		this.archive = archive;
		this.imports = imports;
		this.operator = operator;
		this.job = job;
		this.clock = clock;
	}

	/**
	 * The account-days a run of {@code daily-reconciliation} with these parameters reconciles, by the job's own rule
	 * (the day before the fire date in each account's zone and every earlier day back to {@code backfillDays} without a
	 * conclusive run; or the one {@code day} asked for): what a page that announces a run lists.
	 */
	public List<DayDue> daysDue(JobParameters parameters) {
		return DailyReconciliationJobConfiguration.daysDue(accounts, DailyReconciliationParameters.of(parameters), runs);
	}

	/** Options from {@code payrecon.reconcile} for a run asked for by {@code triggeredBy}. */
	public RunOptions options(String triggeredBy, boolean dryRun) {
		return RunOptions.of(properties, triggeredBy, dryRun);
	}

	/** Reconciles the account's bill for {@code day}, downloaded from its provider. */
	public ReconciliationResult reconcile(String accountId, LocalDate day, RunOptions options) {
		Account account = accounts.find(accountId).orElseThrow(() -> new IllegalArgumentException("no account " + accountId));
		return run(account, day, options, null, null);
	}

	/**
	 * Reconciles a bill from {@code source} instead of the provider's download (an imported file; tests and benchmarks
	 * with their own bytes): it is kept and checked exactly like a download.
	 */
	public ReconciliationResult reconcile(Account account, LocalDate day, RunOptions options,
			Supplier<BillDownload> source) {
		return run(account, day, options, source, null);
	}

	private ReconciliationResult run(Account account, LocalDate day, RunOptions options, Supplier<BillDownload> source,
			Long resume) {
		DatabaseTransactions.refuseInside("a reconciliation run");
		String request = UUID.randomUUID().toString();
		var parameters = new JobParametersBuilder()
			.addString(JobParameterNames.RUN_REQUEST, request, true)
			.addString(JobParameterNames.FIRE_TIME, clock.instant().toString(), false)
			.addString(JobParameterNames.FIRED_BY, "direct:" + options.triggeredBy(), false)
			.addString(DailyReconciliationParameters.REQUESTED_BY, options.triggeredBy(), false)
			.addString(DailyReconciliationParameters.ACCOUNTS, account.id(), false)
			.addString(DailyReconciliationParameters.DAY, day.toString(), false)
			.addString(DailyReconciliationParameters.DRY_RUN, Boolean.toString(options.dryRun()), false)
			.addLong(DailyReconciliationParameters.CHUNK_SIZE, (long) options.chunkSize(), false)
			.addString(DailyReconciliationParameters.EXPECTED_WINDOW, options.expectedWindow().toString(), false);
		if (resume != null) {
			parameters.addLong(DailyReconciliationParameters.RESUME, resume, false);
		}
		if (source != null) {
			imports.put(request, source);
		}
		JobExecution execution;
		try {
			execution = operator.start(job, parameters.toJobParameters());
		}
		catch (Exception ex) {
			throw new IllegalStateException("daily-reconciliation for " + account.id() + " " + day + " did not start: "
					+ ex.getMessage(), ex);
		}
		finally {
			imports.forget(request);
		}
		return result(execution).orElseThrow(() -> new IllegalStateException("daily-reconciliation for " + account.id()
				+ " " + day + " recorded no run: " + execution.getExitStatus().getExitDescription()));
	}

	/**
	 * What one execution of the job recorded for its (first) account and day: the run and its discrepancies, or for a
	 * dry run the result kept in the execution's context.
	 */
	public Optional<ReconciliationResult> result(JobExecution execution) {
		var context = execution.getExecutionContext();
		List<ReconciliationResult> dry = DryRunReport.read(context.getString(DailyReconciliationJobConfiguration.DRY_RUNS, ""));
		if (!dry.isEmpty()) {
			return Optional.of(dry.get(0));
		}
		return DailyReconciliationJobConfiguration.runIds(context.getString(DailyReconciliationJobConfiguration.RUNS, ""))
			.stream()
			.findFirst()
			.flatMap(runs::find)
			.map(run -> new ReconciliationResult(run, discrepancies.ofRun(run.id())));
	}

	/** The dry runs an execution of the job made (empty when it was not a dry run, or it is unknown). */
	public List<ReconciliationResult> dryRuns(long executionId) {
		JobExecution execution;
		try {
			execution = repository.getJobExecution(executionId);
		}
		catch (org.springframework.dao.EmptyResultDataAccessException ex) {
			return List.of();
		}
		return execution == null ? List.of()
				: DryRunReport.read(execution.getExecutionContext().getString(DailyReconciliationJobConfiguration.DRY_RUNS, ""));
	}

	/**
	 * Continues a RUNNING run whose job execution is gone (a crash, a lost node): the same archived bill, from its last
	 * committed line, in a job run of its own. A run whose execution still exists is better restarted
	 * ({@code JobOperations.recover} then {@code restart}).
	 */
	public ReconciliationResult resume(long runId, String triggeredBy) {
		RunSummary run = runs.find(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
		return run(accounts.find(run.accountId()).orElseThrow(), run.businessDate(), options(triggeredBy, false), null,
				runId);
	}

	/** Runs of an account, newest first ({@code day} null: every day). */
	public List<RunSummary> runs(String accountId, LocalDate day) {
		return runs.list(accountId, day, 200);
	}

	public Optional<RunSummary> run(long runId) {
		return runs.find(runId);
	}

	public Optional<RunSummary> currentRun(String accountId, LocalDate day) {
		return runs.current(accountId, day);
	}

	/**
	 * The bytes of a run's bill as it was kept (empty: no bill, a dry run, or a file that is gone); bytes that no longer
	 * hash to the run's SHA-256 throw at the end of the stream.
	 */
	public Optional<InputStream> archivedBill(long runId) throws IOException {
		RunSummary run = runs.find(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
		if (run.billArchiveId() != null) {
			return Optional.of(archive.open(run.billArchiveId()));
		}
		return run.archivePath() == null ? Optional.empty() : archive.openLegacy(run.archivePath(), run.archiveSha256());
	}

	/**
	 * One line of a run's archived bill, read again from the archive (the provider's time, transaction and amount of a
	 * discrepancy, for maker-checker). Empty when the run has no archive (no bill, dry run), no such line, or bytes
	 * that no longer match their SHA-256 (the whole bill is read, so that its hash is checked).
	 */
	public Optional<BillLine> billLine(long runId, long lineNumber) {
		RunSummary run = runs.find(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
		Account account = accounts.find(run.accountId()).orElseThrow();
		try {
			Optional<InputStream> bytes = archivedBill(runId);
			if (bytes.isEmpty()) {
				return Optional.empty();
			}
			try (BillParser parser = BillParser.open(new BillDownload(false, null, bytes.get(), run.billFormat()),
					account.zone())) {
				BillLine found = null;
				BillLine line;
				while ((line = parser.next()) != null) { // to the end: the bytes' hash is checked there
					if (line.lineNumber() == lineNumber) {
						found = line;
					}
				}
				return Optional.ofNullable(found);
			}
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Retention: deletes up to {@code limit} archived bills made before {@code before} (their runs keep the bill's
	 * SHA-256 and size); returns how many.
	 */
	public int purgeBillArchives(java.time.Instant before, int limit) {
		return archive.purgeChunk(before, limit);
	}

	/** Every discrepancy of one run (current or superseded). */
	public List<Discrepancy> discrepanciesOf(long runId) {
		return discrepancies.ofRun(runId);
	}
}
