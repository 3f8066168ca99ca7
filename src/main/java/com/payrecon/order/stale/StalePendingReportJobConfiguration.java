package com.payrecon.order.stale;

import java.time.Clock;

import com.payrecon.account.AccountRegistry;
import com.payrecon.scheduling.RootCauseExitMessage;
import org.jooq.DSLContext;

import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code stale-pending-report}: per business day, account and currency, how many orders (and how much money) are
 * still PENDING although created more than {@code staleAfter} before the run's fire time; these are the orders no
 * notification, sweep or close has settled. Two steps: {@code reset} clears the day's lines, {@code count} reads the
 * stale orders by keyset in chunks and adds each chunk to the lines. Restartable: a failed run resumes after the last
 * committed chunk ({@code reset} is not repeated, the reader's position is committed with the counts).
 */
@Configuration(proxyBeanMethods = false)
class StalePendingReportJobConfiguration {

	static final String JOB = "stale-pending-report";

	@Bean
	Job stalePendingReportJob(JobRepository jobRepository, Step stalePendingReportReset, Step stalePendingReportCount) {
		return new JobBuilder(JOB, jobRepository).validator(StalePendingReportParameters.validator())
			.listener(new RootCauseExitMessage())
			.start(stalePendingReportReset)
			.next(stalePendingReportCount)
			.build();
	}

	/** Transaction rule: the application's transaction manager; the delete is one transaction. */
	@Bean
	@JobScope
	Step stalePendingReportReset(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			PendingSnapshotRepository snapshots, @Value("#{jobExecution}") JobExecution execution) {
		var parameters = StalePendingReportParameters.of(execution.getJobParameters());
		return new StepBuilder(JOB + ".reset", jobRepository).tasklet((contribution, chunkContext) -> {
			snapshots.deleteDay(parameters.businessDate());
			return RepeatStatus.FINISHED;
		}, transactionManager).build();
	}

	/**
	 * Transaction rule: the application's transaction manager, one database transaction per chunk with the reader's
	 * restart point (database work only, no provider calls).
	 */
	@Bean
	@JobScope
	Step stalePendingReportCount(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			StalePendingOrderReader stalePendingOrderReader, PendingSnapshotWriter pendingSnapshotWriter,
			AccountRegistry accounts, @Value("#{jobExecution}") JobExecution execution) {
		var parameters = StalePendingReportParameters.of(execution.getJobParameters());
		return new StepBuilder(JOB + ".count", jobRepository)
			.<StaleOrder, StaleOrder>chunk(parameters.chunkSize())
			.transactionManager(transactionManager)
			.reader(stalePendingOrderReader)
			.processor(new StaleOrderProcessor(accounts))
			.writer(pendingSnapshotWriter)
			.build();
	}

	@Bean
	@StepScope
	StalePendingOrderReader stalePendingOrderReader(DSLContext dsl, @Value("#{stepExecution}") StepExecution step) {
		var parameters = StalePendingReportParameters.of(step.getJobParameters());
		return new StalePendingOrderReader(dsl, parameters.cutoff(), parameters.chunkSize());
	}

	@Bean
	@StepScope
	PendingSnapshotWriter pendingSnapshotWriter(PendingSnapshotRepository snapshots, Clock clock,
			@Value("#{stepExecution}") StepExecution step) {
		return new PendingSnapshotWriter(snapshots, StalePendingReportParameters.of(step.getJobParameters()),
				step.getJobExecutionId(), clock);
	}
}
