package com.payrecon.reconcile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.reconcile.BillLinesReader.RunLine;
import com.payrecon.scheduling.RootCauseExitMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code daily-reconciliation}: for every account, the bill of the day before the fire time's date in the account's
 * zone. Three steps: {@code download} (a run per account, bill downloaded and archived with its hash; on a restart
 * only accounts whose run FAILED are tried again), {@code match} (chunk-oriented: reader = lines of the archived
 * bills, writer = one order lookup, the repairs and the upserts per chunk, moving the run's last committed line in
 * the same transaction), {@code complete} (missing-at-provider anti-join, near-midnight orders, totals, current run).
 * The job fails when a run FAILED (no bill yet, hash mismatch, ...), so a restart retries those accounts. With
 * {@code dryRun=true} the download step reconciles each account in dry-run mode and logs the result; nothing is kept.
 */
@Configuration(proxyBeanMethods = false)
class DailyReconciliationJobConfiguration {

	private static final Logger log = LoggerFactory.getLogger(DailyReconciliationJobConfiguration.class);

	static final String JOB = "daily-reconciliation";
	/** Job execution context: the runs of this job execution, "id,id,...". */
	static final String RUNS = "daily-reconciliation.runs";

	@Bean
	Job dailyReconciliationJob(JobRepository jobRepository, Step dailyReconciliationDownload,
			Step dailyReconciliationMatch, Step dailyReconciliationComplete) {
		return new JobBuilder(JOB, jobRepository).validator(new DailyReconciliationParameters.Validator())
			.listener(new RootCauseExitMessage())
			.start(dailyReconciliationDownload)
			.next(dailyReconciliationMatch)
			.next(dailyReconciliationComplete)
			.build();
	}

	@Bean
	Step dailyReconciliationDownload(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			AccountRegistry accounts, ProviderRegistry providers, ReconciliationSteps steps,
			ReconciliationRunRepository runs, Reconciliation reconciliation) {
		return new StepBuilder(JOB + ".download", jobRepository).tasklet((contribution, chunkContext) -> {
			StepExecution execution = contribution.getStepExecution();
			var parameters = DailyReconciliationParameters.of(execution.getJobParameters());
			String by = triggeredBy(execution);
			var jobContext = execution.getJobExecution().getExecutionContext();
			Map<String, Long> kept = new LinkedHashMap<>();
			for (long id : runIds(jobContext.getString(RUNS, ""))) {
				runs.find(id).filter(r -> r.status() != RunStatus.FAILED).ifPresent(r -> kept.put(r.accountId(), r.id()));
			}
			for (Account account : selected(accounts, parameters)) {
				if (kept.containsKey(account.id())) {
					continue;
				}
				var day = parameters.day() != null ? parameters.day()
						: parameters.fireTime().atZone(account.zone()).toLocalDate().minusDays(1);
				if (parameters.dryRun()) {
					ReconciliationResult dry = reconciliation.reconcile(account.id(), day, parameters.options(by));
					log.info("Dry run of {} for {}: {}, {} discrepancies, provider {}, local {}", account.id(), day,
							dry.run().status(), dry.discrepancies().size(), dry.run().provider(), dry.run().local());
					continue;
				}
				RunContext ctx = steps.start(account, day, parameters.options(by),
						() -> providers.forAccount(account).bill(account, day));
				kept.put(account.id(), ctx.runId);
				contribution.incrementWriteCount(1);
			}
			jobContext.putString(RUNS, String.join(",", kept.values().stream().map(String::valueOf).toList()));
			return RepeatStatus.FINISHED;
		}, transactionManager).allowStartIfComplete(true).build();
	}

	@Bean
	@JobScope
	Step dailyReconciliationMatch(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			BillLinesReader dailyReconciliationReader, ItemWriter<RunLine> dailyReconciliationWriter,
			@Value("#{jobExecution}") JobExecution execution) {
		int chunkSize = DailyReconciliationParameters.of(execution.getJobParameters()).chunkSize();
		return new StepBuilder(JOB + ".match", jobRepository).<RunLine, RunLine>chunk(chunkSize)
			.transactionManager(transactionManager)
			.reader(dailyReconciliationReader)
			.writer(dailyReconciliationWriter)
			.allowStartIfComplete(true)
			.build();
	}

	@Bean
	@StepScope
	BillLinesReader dailyReconciliationReader(ReconciliationSteps steps, ReconciliationRunRepository runs,
			AccountRegistry accounts, @Value("#{stepExecution}") StepExecution execution) {
		var parameters = DailyReconciliationParameters.of(execution.getJobParameters());
		return new BillLinesReader(steps, runs, accounts,
				runIds(execution.getJobExecution().getExecutionContext().getString(RUNS, "")),
				parameters.options(triggeredBy(execution)));
	}

	/** Groups the chunk by run and matches each group: one order lookup, the repairs, one set of upserts. */
	@Bean
	@StepScope
	ItemWriter<RunLine> dailyReconciliationWriter(ReconciliationSteps steps, ReconciliationRunRepository runs,
			AccountRegistry accounts, @Value("#{stepExecution}") StepExecution execution) {
		var parameters = DailyReconciliationParameters.of(execution.getJobParameters());
		RunOptions options = parameters.options(triggeredBy(execution));
		return chunk -> {
			Map<Long, List<BillLine>> byRun = new LinkedHashMap<>();
			for (RunLine item : chunk) {
				byRun.computeIfAbsent(item.runId(), k -> new ArrayList<>()).add(item.line());
			}
			byRun.forEach((runId, lines) -> {
				RunSummary run = runs.find(runId).orElseThrow();
				steps.match(steps.resume(accounts.find(run.accountId()).orElseThrow(), run, options), lines);
			});
		};
	}

	@Bean
	Step dailyReconciliationComplete(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			AccountRegistry accounts, ReconciliationSteps steps, ReconciliationRunRepository runs,
			Reconciliation reconciliation) {
		return new StepBuilder(JOB + ".complete", jobRepository).tasklet((contribution, chunkContext) -> {
			StepExecution execution = contribution.getStepExecution();
			var parameters = DailyReconciliationParameters.of(execution.getJobParameters());
			List<String> failed = new ArrayList<>();
			for (long id : runIds(execution.getJobExecution().getExecutionContext().getString(RUNS, ""))) {
				RunSummary run = runs.find(id).orElseThrow();
				if (run.status() == RunStatus.RUNNING) {
					RunContext ctx = steps.resume(accounts.find(run.accountId()).orElseThrow(), run,
							parameters.options(triggeredBy(execution)));
					steps.complete(ctx, run.archivePath() == null ? null
							: Boolean.TRUE.equals(run.summaryOk()) ? List.of() : run.summaryDifferences());
					reconciliation.announce(id);
					contribution.incrementWriteCount(1);
				}
				RunSummary after = runs.find(id).orElseThrow();
				if (after.status() == RunStatus.FAILED) {
					failed.add(after.accountId() + " " + after.businessDate() + ": " + after.error());
				}
			}
			if (!failed.isEmpty()) {
				throw new IllegalStateException("runs FAILED (restart to retry them): " + String.join("; ", failed));
			}
			return RepeatStatus.FINISHED;
		}, transactionManager).allowStartIfComplete(true).build();
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

	private static String triggeredBy(StepExecution execution) {
		return "job:" + JOB + "#" + execution.getJobExecutionId();
	}
}
