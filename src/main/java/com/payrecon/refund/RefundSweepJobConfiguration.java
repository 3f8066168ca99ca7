package com.payrecon.refund;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.RootCauseExitMessage;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code refund-sweep}: one step that runs {@link RefundSweep} and records its counts on the step (read = refunds
 * asked, write = refunds settled or sent: repaired, sent again, given up, sent for the first time; skip = questions
 * without a definite answer). Transactions: the questions run on threads of their own, each refund's change in its
 * own transaction ({@link RefundQueries}, {@link RefundSender}), never inside the step's. Safe to run twice and to
 * restart: every change is a compare-and-set through {@link RefundService}, and each refund's backoff decides whether
 * it is asked again.
 */
@Configuration(proxyBeanMethods = false)
class RefundSweepJobConfiguration {

	static final String JOB = "refund-sweep";
	static final String STALE_AFTER = "staleAfter";
	static final String CONCURRENCY = "concurrency";
	static final String MAX_PER_ACCOUNT = "maxPerAccount";
	static final String ACCOUNTS = "accounts";
	private static final Set<String> ACCEPTED = Set.of(STALE_AFTER, CONCURRENCY, MAX_PER_ACCOUNT, ACCOUNTS,
			JobParameterNames.FIRE_TIME, JobParameterNames.BUSINESS_DATE, JobParameterNames.ZONE, JobParameterNames.FIRED_BY);

	@Bean
	Job refundSweepJob(JobRepository jobRepository, Step refundSweepStep) {
		return new JobBuilder(JOB, jobRepository).validator(RefundSweepJobConfiguration::validate)
			.listener(new RootCauseExitMessage())
			.start(refundSweepStep)
			.build();
	}

	@Bean
	Step refundSweepStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, RefundSweep sweep) {
		return new StepBuilder(JOB + ".sweep", jobRepository).tasklet((contribution, chunkContext) -> {
			var execution = contribution.getStepExecution();
			RefundSweep.Summary summary = sweep.sweep(parameters(execution.getJobParameters()),
					JOB + "#" + execution.getJobExecutionId());
			for (int i = 0; i < summary.asked(); i++) {
				contribution.incrementReadCount(); // (no bulk variant in Spring Batch 6)
			}
			contribution.incrementWriteCount(summary.repaired() + summary.resent() + summary.gaveUp() + summary.sent());
			contribution.incrementProcessSkipCount(summary.errors());
			return RepeatStatus.FINISHED;
		}, transactionManager).build();
	}

	static RefundSweep.Parameters parameters(JobParameters parameters) {
		for (JobParameter<?> p : parameters) {
			if (!ACCEPTED.contains(p.name())) {
				throw new IllegalArgumentException(p.name() + ": not a parameter of " + JOB + " (accepted: " + ACCEPTED + ")");
			}
		}
		Duration staleAfter;
		String text = parameters.getString(STALE_AFTER, "PT1M");
		try {
			staleAfter = Duration.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(STALE_AFTER + ": not an ISO-8601 duration (e.g. PT1M): " + text);
		}
		if (staleAfter.isNegative()) {
			throw new IllegalArgumentException(STALE_AFTER + ": must not be negative");
		}
		int concurrency = wholeNumber(parameters, CONCURRENCY, 4, 1, 64);
		int maxPerAccount = wholeNumber(parameters, MAX_PER_ACCOUNT, 2000, 1, 1_000_000);
		Set<String> ids = Arrays.stream(parameters.getString(ACCOUNTS, "").split(","))
			.map(String::strip)
			.filter(s -> !s.isEmpty())
			.collect(Collectors.toUnmodifiableSet());
		return new RefundSweep.Parameters(staleAfter, concurrency, maxPerAccount, ids);
	}

	private static int wholeNumber(JobParameters parameters, String name, int fallback, int min, int max) {
		JobParameter<?> p = parameters.getParameter(name);
		long value = p == null ? fallback : p.value() instanceof Long l ? l : Long.MIN_VALUE;
		if (value < min || value > max) {
			throw new IllegalArgumentException(name + ": a whole number from " + min + " to " + max);
		}
		return (int) value;
	}

	private static void validate(JobParameters parameters) throws InvalidJobParametersException {
		try {
			parameters(parameters);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidJobParametersException(ex.getMessage());
		}
	}
}
