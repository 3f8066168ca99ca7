package com.payrecon.reconcile;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.reconcile.BillLinesReader.RunLine;
import com.payrecon.reconcile.ReconciliationSteps.Bill;
import com.payrecon.reconcile.ReconciliationSteps.Unusable;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.RootCauseExitMessage;
import com.payrecon.scheduling.StepTransactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code daily-reconciliation}, the only way PayRecon reconciles (the scheduler, an operator's run and
 * {@link Reconciliation} all start it). For every selected account: the days due (the day before the fire date in the
 * account's zone, and every missed day before it back to {@code backfillDays}), or the one {@code day} asked for.
 * Three steps, none inside a database transaction of its own ({@link StepTransactions#none()}): the engine commits
 * each unit itself, so one account's failure never takes another's work back, and no provider is called inside a
 * transaction.
 * <ol>
 * <li>{@code download}: per account and day, the bill is fetched and kept, then the run is recorded (one transaction
 * per run); on a restart only the days still without a usable run are tried again. With {@code dryRun=true} each day
 * is reconciled here, inside one rolled-back transaction ({@link DryRun}), and the results go to the job execution's
 * context, not to the reconciliation tables.</li>
 * <li>{@code match}: chunk-oriented; reader = the kept bills' lines (parsed by a thread of its own, about a chunk
 * ahead: {@link BillLinesReader}), writer = one order lookup, the repairs (provider
 * queries, each change its own transaction), then one transaction of upserts that also moves the run's last
 * committed line: the restart point lives in the run, committed with the chunk it describes.</li>
 * <li>{@code complete}: per run, missing-at-provider anti-join, near-midnight orders, totals, current run, each in its
 * own transactions. Then the job fails if a run FAILED, so that a restart retries it; a bill that was not ready yet
 * (Bill Creating, STATEMENT_CREATING, a 404 for the newest bill) is asked for again {@code billRetryDelay} later by the
 * scheduler, at most {@code billRetries} times.</li>
 * </ol>
 */
@Configuration(proxyBeanMethods = false)
class DailyReconciliationJobConfiguration {

	private static final Logger log = LoggerFactory.getLogger(DailyReconciliationJobConfiguration.class);

	static final String JOB = "daily-reconciliation";
	/** Job execution context: the runs of this job execution, "id,id,...". */
	static final String RUNS = "daily-reconciliation.runs";
	/** Job execution context: the runs that FAILED because their bill was not ready yet. */
	static final String NOT_READY = "daily-reconciliation.notReady";
	/** Job execution context: how many executions of this instance met a bill that was not ready. */
	static final String BILL_ATTEMPTS = "daily-reconciliation.billAttempts";
	/** Job execution context: the dry runs' results ({@link DryRunReport}). */
	static final String DRY_RUNS = "daily-reconciliation.dryRuns";

	@Bean
	Job dailyReconciliationJob(JobRepository jobRepository, Step dailyReconciliationDownload,
			Step dailyReconciliationMatch, Step dailyReconciliationComplete) {
		return new JobBuilder(JOB, jobRepository).validator(DailyReconciliationParameters.validator())
			.listener(new RootCauseExitMessage())
			.start(dailyReconciliationDownload)
			.next(dailyReconciliationMatch)
			.next(dailyReconciliationComplete)
			.build();
	}

	@Bean
	Step dailyReconciliationDownload(JobRepository jobRepository, AccountRegistry accounts, ProviderRegistry providers,
			ReconciliationSteps steps, ReconciliationRunRepository runs, DryRun dryRun, BillImports imports) {
		return new StepBuilder(JOB + ".download", jobRepository).tasklet((contribution, chunkContext) -> {
			StepExecution execution = contribution.getStepExecution();
			var parameters = DailyReconciliationParameters.of(execution.getJobParameters());
			RunOptions options = parameters.options(execution.getJobExecutionId());
			ExecutionContext jobContext = execution.getJobExecution().getExecutionContext();
			Map<String, Long> kept = new LinkedHashMap<>();
			List<Long> carried = new ArrayList<>(runIds(jobContext.getString(RUNS, "")));
			if (parameters.resume() != null) {
				carried.add(parameters.resume());
			}
			for (long id : carried) {
				runs.find(id).filter(r -> r.status() != RunStatus.FAILED)
					.ifPresent(r -> kept.put(r.accountId() + "/" + r.businessDate(), r.id()));
			}
			Set<Long> notReady = new LinkedHashSet<>();
			List<ReconciliationResult> dryRuns = new ArrayList<>();
			Optional<Supplier<BillDownload>> imported = imports.take(parameters.runRequest());
			for (DayDue due : daysDue(accounts, parameters, runs)) {
				Account account = due.account();
				LocalDate day = due.day();
				if (kept.containsKey(account.id() + "/" + day)) {
					continue;
				}
				Supplier<BillDownload> source = imported
					.orElse(() -> providers.forAccount(account).bill(account, day));
				if (parameters.dryRun()) {
					ReconciliationResult dry = dryRun.run(account, day, options, source);
					log.info("Dry run of {} for {}: {}, {} discrepancies, provider {}, local {}", account.id(), day,
							dry.run().status(), dry.run().discrepancyCount(), dry.run().provider(), dry.run().local());
					dryRuns.add(dry);
					continue;
				}
				Bill bill = steps.obtain(account, day, source, false, options.triggeredBy());
				RunContext ctx = steps.begin(account, day, options);
				steps.record(ctx, bill);
				kept.put(account.id() + "/" + day, ctx.runId);
				if (bill instanceof Unusable unusable && unusable.notReady()) {
					notReady.add(ctx.runId);
				}
				contribution.incrementWriteCount(1);
			}
			jobContext.putString(RUNS, join(kept.values()));
			jobContext.putString(NOT_READY, join(notReady));
			if (parameters.dryRun()) {
				jobContext.putString(DRY_RUNS, DryRunReport.write(dryRuns));
			}
			return RepeatStatus.FINISHED;
		}, StepTransactions.none()).allowStartIfComplete(true).build();
	}

	/** The account-days this run reconciles, account by account in id order (see the per-account rule below). */
	static List<DayDue> daysDue(AccountRegistry accounts, DailyReconciliationParameters parameters,
			ReconciliationRunRepository runs) {
		List<DayDue> due = new ArrayList<>();
		for (Account account : selected(accounts, parameters)) {
			for (LocalDate day : daysDue(account, parameters, runs)) {
				due.add(new DayDue(account, day));
			}
		}
		return due;
	}

	/**
	 * The days an account reconciles in this run: the asked-for {@code day}; else the day before the fire date in its
	 * zone and every earlier day back to {@code backfillDays} that has no conclusive run, never before the account's
	 * first reconciled day (so a new account does not fetch a month of bills at its first run).
	 */
	static List<LocalDate> daysDue(Account account, DailyReconciliationParameters parameters,
			ReconciliationRunRepository runs) {
		if (parameters.resume() != null) {
			return runs.find(parameters.resume()).filter(r -> r.accountId().equals(account.id()))
				.map(r -> List.of(r.businessDate())).orElse(List.of());
		}
		if (parameters.day() != null) {
			return List.of(parameters.day());
		}
		LocalDate target = parameters.fireTime().atZone(account.zone()).toLocalDate().minusDays(1);
		LocalDate from = target.minusDays(parameters.backfillDays() - 1L);
		Optional<LocalDate> first = runs.firstConclusiveDay(account.id());
		if (first.isEmpty() || first.get().isAfter(target)) {
			return runs.conclusiveDays(account.id(), target, target).isEmpty() ? List.of(target) : List.of();
		}
		if (first.get().isAfter(from)) {
			from = first.get();
		}
		Set<LocalDate> done = runs.conclusiveDays(account.id(), from, target);
		return from.datesUntil(target.plusDays(1)).filter(d -> !done.contains(d)).toList();
	}

	/**
	 * Transaction rule: none around a chunk; the writer commits each chunk's upserts with the run's restart point, in a
	 * transaction of its own on a thread of its own while the next chunk is matched (one in flight per run, in order:
	 * {@link ChunkWrites}); the reader waits for them at the step's end.
	 */
	@Bean
	@JobScope
	Step dailyReconciliationMatch(JobRepository jobRepository, ReconciliationSteps steps, ReconciliationRunRepository runs,
			AccountRegistry accounts, ItemWriter<RunLine> dailyReconciliationWriter,
			@Value("#{jobExecution}") JobExecution execution) {
		int chunkSize = DailyReconciliationParameters.of(execution.getJobParameters()).chunkSize();
		BillLinesReader reader = new BillLinesReader(steps, runs, accounts); // unproxied: read() is called per line
		return new StepBuilder(JOB + ".match", jobRepository).<RunLine, RunLine>chunk(chunkSize)
			.transactionManager(StepTransactions.none())
			.reader(reader)
			.listener(new StepExecutionListener() {
				@Override
				public void beforeStep(StepExecution step) { // the download step has named the runs by now
					reader.prepare(runIds(step.getJobExecution().getExecutionContext().getString(RUNS, "")),
							DailyReconciliationParameters.of(step.getJobParameters()).options(step.getJobExecutionId()));
				}
			})
			.writer(dailyReconciliationWriter)
			.allowStartIfComplete(true)
			.build();
	}

	/** Groups the chunk by run and matches each group: one order lookup, the repairs, one set of upserts. */
	@Bean
	@StepScope
	ItemWriter<RunLine> dailyReconciliationWriter(ReconciliationSteps steps, ReconciliationRunRepository runs,
			AccountRegistry accounts, @Value("#{stepExecution}") StepExecution execution) {
		var parameters = DailyReconciliationParameters.of(execution.getJobParameters());
		RunOptions options = parameters.options(execution.getJobExecutionId());
		return chunk -> {
			Map<Long, List<BillLine>> byRun = new LinkedHashMap<>();
			Map<Long, Set<ReconciliationSteps.Found>> foundByRun = new LinkedHashMap<>();
			for (RunLine item : chunk) {
				byRun.computeIfAbsent(item.runId(), k -> new ArrayList<>()).add(item.line());
				foundByRun.computeIfAbsent(item.runId(), k -> Collections.newSetFromMap(new IdentityHashMap<>()))
					.add(item.found());
			}
			byRun.forEach((runId, lines) -> {
				RunSummary run = runs.find(runId).orElseThrow();
				steps.match(steps.resume(accounts.find(run.accountId()).orElseThrow(), run, options), lines,
						foundByRun.get(runId));
			});
		};
	}

	/** Transaction rule: none around the tasklet; each run is completed in its own transactions. */
	@Bean
	Step dailyReconciliationComplete(JobRepository jobRepository, AccountRegistry accounts, ReconciliationSteps steps,
			ReconciliationRunRepository runs, ObjectProvider<JobOperations> jobs) {
		return new StepBuilder(JOB + ".complete", jobRepository).tasklet((contribution, chunkContext) -> {
			StepExecution execution = contribution.getStepExecution();
			var parameters = DailyReconciliationParameters.of(execution.getJobParameters());
			ExecutionContext jobContext = execution.getJobExecution().getExecutionContext();
			List<Long> notReady = runIds(jobContext.getString(NOT_READY, ""));
			List<String> failed = new ArrayList<>();
			List<String> waiting = new ArrayList<>();
			for (long id : runIds(jobContext.getString(RUNS, ""))) {
				RunSummary run = runs.find(id).orElseThrow();
				if (run.status() == RunStatus.RUNNING) {
					RunContext ctx = steps.resume(accounts.find(run.accountId()).orElseThrow(), run,
							parameters.options(execution.getJobExecutionId()));
					steps.complete(ctx, !run.hasBill() ? null
							: Boolean.TRUE.equals(run.summaryOk()) ? List.of() : run.summaryDifferences());
					contribution.incrementWriteCount(1);
				}
				RunSummary after = runs.find(id).orElseThrow();
				if (after.status() == RunStatus.FAILED) {
					(notReady.contains(id) ? waiting : failed)
						.add(after.accountId() + " " + after.businessDate() + ": " + after.error());
				}
			}
			List<String> problems = new ArrayList<>(failed);
			if (!waiting.isEmpty()) {
				long attempt = jobContext.getLong(BILL_ATTEMPTS, 0L) + 1;
				jobContext.putLong(BILL_ATTEMPTS, attempt);
				if (attempt < parameters.billRetries()) {
					Instant at = jobs.getObject().retryLater(execution.getJobExecutionId(), parameters.billRetryDelay());
					problems.add(BillReadiness.NOT_READY + ", asked again at " + at + " (attempt " + attempt + " of "
							+ parameters.billRetries() + "): " + String.join("; ", waiting));
				}
				else {
					problems.add("bill still not ready after " + attempt + " attempts (restart to try again): "
							+ String.join("; ", waiting));
				}
			}
			if (!problems.isEmpty()) {
				throw new IllegalStateException("runs FAILED (restart to retry them): " + String.join("; ", problems));
			}
			return RepeatStatus.FINISHED;
		}, StepTransactions.none()).allowStartIfComplete(true).build();
	}

	private static List<Account> selected(AccountRegistry accounts, DailyReconciliationParameters parameters) {
		return accounts.all().stream()
			.filter(a -> parameters.accounts().isEmpty() || parameters.accounts().contains(a.id()))
			.sorted(Comparator.comparing(Account::id))
			.toList();
	}

	static List<Long> runIds(String text) {
		return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Long::valueOf).toList();
	}

	private static String join(java.util.Collection<Long> ids) {
		return String.join(",", ids.stream().map(String::valueOf).toList());
	}
}
