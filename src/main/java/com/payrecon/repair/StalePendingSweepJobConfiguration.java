package com.payrecon.repair;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.payrecon.notify.StrandedNotifications;
import com.payrecon.order.OrderRepository;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobParameterValues;
import com.payrecon.scheduling.RootCauseExitMessage;
import com.payrecon.scheduling.StepTransactions;
import com.payrecon.scheduling.WorkProbe;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code stale-pending-sweep}: two steps. {@code stranded} decides on stored notifications left undecided for longer
 * than {@code staleAfter} ({@link StrandedNotifications}; read = notifications run again, write = decided, skip =
 * ERROR again), so that an order whose notification is in the database is applied from it rather than asked about.
 * {@code sweep} runs {@link StalePendingSweep} and records its counts (read = orders asked, write = orders settled:
 * paid, closed or failed; skip = questions without a definite answer). Safe to run twice and to restart: every change
 * goes through OrderService's (or RefundService's) compare-and-set, applying a notification is exactly-once, and an
 * order's backoff decides whether it is asked again.
 */
@Configuration(proxyBeanMethods = false)
class StalePendingSweepJobConfiguration {

	static final String JOB = "stale-pending-sweep";
	static final String STALE_AFTER = "staleAfter";
	static final String CONCURRENCY = "concurrency";
	static final String MAX_PER_ACCOUNT = "maxPerAccount";
	static final String ACCOUNTS = "accounts";
	private static final Set<String> ACCEPTED = JobParameterNames.accepted(STALE_AFTER, CONCURRENCY, MAX_PER_ACCOUNT, ACCOUNTS);

	@Bean
	Job stalePendingSweepJob(JobRepository jobRepository, Step strandedNotificationsStep, Step stalePendingSweepStep) {
		return new JobBuilder(JOB, jobRepository).validator(JobParameterValues.validator(StalePendingSweepJobConfiguration::parameters))
			.listener(new RootCauseExitMessage())
			.start(strandedNotificationsStep)
			.next(stalePendingSweepStep)
			.build();
	}

	/**
	 * The sweep fires every minute; it starts a run (and a job instance) only when an order is due for a check or a
	 * stored notification is stranded.
	 */
	@Bean
	WorkProbe stalePendingSweepWork(OrderRepository orders, StrandedNotifications stranded, Clock clock) {
		return WorkProbe.of(JOB, parameters -> {
			StalePendingSweep.Parameters p = parameters(parameters);
			Instant now = clock.instant();
			return orders.anyDueForCheck(p.accountIds(), now.minus(p.staleAfter()), now)
					|| stranded.any(p.staleAfter(), p.accountIds());
		});
	}

	/**
	 * Transaction rule: none around the tasklet ({@link StepTransactions#none()}): each notification is decided in its
	 * own transactions by NotificationProcessor, and a v2 or Alipay refund notice may ask the provider. At most
	 * {@code maxPerAccount} notifications per run (oldest first); the rest wait for the next run.
	 */
	@Bean
	Step strandedNotificationsStep(JobRepository jobRepository, StrandedNotifications stranded) {
		return new StepBuilder(JOB + ".stranded", jobRepository).tasklet((contribution, chunkContext) -> {
			var execution = contribution.getStepExecution();
			StalePendingSweep.Parameters parameters = parameters(execution.getJobParameters());
			StrandedNotifications.Summary summary = stranded.rerun(parameters.staleAfter(), parameters.accountIds(),
					parameters.maxPerAccount(), JOB + "#" + execution.getJobExecutionId());
			for (int i = 0; i < summary.rerun(); i++) {
				contribution.incrementReadCount();
			}
			contribution.incrementWriteCount(summary.decided());
			contribution.incrementProcessSkipCount(summary.failedAgain());
			return RepeatStatus.FINISHED;
		}, StepTransactions.none()).build();
	}

	/**
	 * Transaction rule: none around the tasklet ({@link StepTransactions#none()}): the sweep asks providers, and each
	 * order's change is its own transaction in {@link OrderRequery}.
	 */
	@Bean
	Step stalePendingSweepStep(JobRepository jobRepository, StalePendingSweep sweep) {
		return new StepBuilder(JOB + ".sweep", jobRepository).tasklet((contribution, chunkContext) -> {
			var execution = contribution.getStepExecution();
			StalePendingSweep.Parameters parameters = parameters(execution.getJobParameters());
			StalePendingSweep.Summary summary = sweep.sweep(parameters, JOB + "#" + execution.getJobExecutionId());
			for (int i = 0; i < summary.asked(); i++) {
				contribution.incrementReadCount(); // (no bulk variant in Spring Batch 6)
			}
			contribution.incrementWriteCount(summary.paid() + summary.closed() + summary.failed());
			contribution.incrementProcessSkipCount(summary.errors());
			return RepeatStatus.FINISHED;
		}, StepTransactions.none()).build();
	}

	static StalePendingSweep.Parameters parameters(JobParameters parameters) {
		for (JobParameter<?> p : parameters) {
			if (!ACCEPTED.contains(p.name())) {
				throw new IllegalArgumentException(p.name() + ": not a parameter of " + JOB + " (accepted: " + ACCEPTED + ")");
			}
		}
		Duration staleAfter;
		String text = parameters.getString(STALE_AFTER, "PT2M");
		try {
			staleAfter = Duration.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(STALE_AFTER + ": not an ISO-8601 duration (e.g. PT2M): " + text);
		}
		int concurrency = JobParameterValues.wholeNumber(parameters, CONCURRENCY, 4, 1, 64);
		int maxPerAccount = JobParameterValues.wholeNumber(parameters, MAX_PER_ACCOUNT, 5000, 1, 1_000_000);
		String accounts = parameters.getString(ACCOUNTS, "");
		Set<String> ids = Arrays.stream(accounts.split(",")).map(String::strip).filter(s -> !s.isEmpty())
			.collect(Collectors.toUnmodifiableSet());
		try {
			return new StalePendingSweep.Parameters(staleAfter, concurrency, maxPerAccount, ids);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(STALE_AFTER + ": must not be negative");
		}
	}

}
