package com.payrecon.retention;

import java.time.Clock;
import java.time.Instant;
import java.util.function.IntSupplier;

import com.payrecon.notify.RawNotificationArchive;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.repair.ProviderQueryLog;
import com.payrecon.scheduling.BatchHistory;
import com.payrecon.scheduling.RootCauseExitMessage;
import com.payrecon.scheduling.StepTransactions;
import com.payrecon.support.db.ChunkedPurge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code data-retention}: one step per kind of row, each asking the owning module to remove or archive what is past
 * its period, in chunks of {@code chunkSize} rows with a {@code pause} between them and at most {@code budget} per
 * step (what is left waits for the next night). Transaction rule: none around the steps
 * ({@link StepTransactions#none()}); every chunk is one short statement of its own, so the notify path never waits
 * behind a purge. Never touches the audit log.
 * <ol>
 * <li>{@code batch-history}: Spring Batch job instances older than {@code batchHistory} (Quartz keeps no history);</li>
 * <li>{@code provider-queries}: questions with an indefinite answer after {@code indefiniteQueries}, all after
 * {@code queries};</li>
 * <li>{@code raw-notifications}: rows older than {@code hotNotifications} moved into compressed archives with a hash
 * manifest (then deleted from the hot table); archives whose newest notification is older than {@code notifications}
 * deleted;</li>
 * <li>{@code bills}: archived bills older than {@code bills}.</li>
 * </ol>
 */
@Configuration(proxyBeanMethods = false)
class DataRetentionJobConfiguration {

	private static final Logger log = LoggerFactory.getLogger(DataRetentionJobConfiguration.class);
	static final String JOB = "data-retention";

	@Bean
	Job dataRetentionJob(JobRepository jobRepository, Clock clock, BatchHistory history, ProviderQueryLog queries,
			RawNotificationArchive notifications, Reconciliation reconciliation) {
		return new JobBuilder(JOB, jobRepository).validator(DataRetentionParameters.validator())
			.listener(new RootCauseExitMessage())
			.start(step(jobRepository, "batch-history", clock, (p, now) -> () -> history
				.purgeChunk(DataRetentionParameters.before(now, p.batchHistory()), Math.max(1, p.chunkSize() / 50))))
			.next(step(jobRepository, "provider-queries", clock, (p, now) -> () -> queries.purgeChunk(
					DataRetentionParameters.before(now, p.indefiniteQueries()),
					DataRetentionParameters.before(now, p.queries()), p.chunkSize())))
			.next(step(jobRepository, "raw-notifications", clock, (p, now) -> () -> {
				int deleted = notifications.deleteArchived(p.chunkSize());
				if (deleted > 0) {
					return deleted;
				}
				Instant hotBefore = DataRetentionParameters.before(now, p.hotNotifications());
				if (notifications.archiveNext(hotBefore).isPresent()) {
					return notifications.deleteArchived(p.chunkSize());
				}
				return notifications.deleteArchivesBefore(DataRetentionParameters.before(now, p.notifications()), 10);
			}))
			.next(step(jobRepository, "bills", clock,
					(p, now) -> () -> reconciliation.purgeBillArchives(DataRetentionParameters.before(now, p.bills()), 1)))
			.build();
	}

	/** What one chunk of a step does, given the run's parameters and its moment. */
	@FunctionalInterface
	interface Chunk {
		IntSupplier of(DataRetentionParameters parameters, Instant now);
	}

	private static Step step(JobRepository jobRepository, String name, Clock clock, Chunk chunk) {
		return new StepBuilder(JOB + "." + name, jobRepository).tasklet((contribution, context) -> {
			var parameters = DataRetentionParameters.of(contribution.getStepExecution().getJobParameters());
			ChunkedPurge.Done done = ChunkedPurge.run(chunk.of(parameters, clock.instant()), parameters.pause(),
					parameters.budget());
			contribution.incrementWriteCount(done.rows());
			log.info("Retention {}: {} rows in {} chunks{}", name, done.rows(), done.chunks(),
					done.finished() ? "" : " (budget spent; the next run continues)");
			return RepeatStatus.FINISHED;
		}, StepTransactions.none()).build();
	}
}
