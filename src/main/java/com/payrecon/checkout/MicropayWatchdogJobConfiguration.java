package com.payrecon.checkout;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.checkout.MicropayAttempts.Attempt;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.RootCauseExitMessage;
import com.payrecon.scheduling.StepTransactions;
import com.payrecon.scheduling.WorkProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code micropay-watchdog} (issue 4, job 2): every few seconds, adopts the micropay charges in progress that nobody
 * has polled for two poll intervals (the process that started them died) and polls each once through
 * {@link MicropayCashier#pollOnce}: paid → applied; past the deadline (30 s by default) → reversed. An attempt is
 * claimed with a compare-and-set first, so two nodes never poll the same charge at once.
 */
@Configuration(proxyBeanMethods = false)
class MicropayWatchdogJobConfiguration {

	private static final Logger log = LoggerFactory.getLogger(MicropayWatchdogJobConfiguration.class);
	static final String JOB = "micropay-watchdog";
	static final String BATCH = "batch";
	private static final Set<String> ACCEPTED = JobParameterNames.accepted(BATCH);

	@Bean
	Job micropayWatchdogJob(JobRepository jobRepository, Step micropayWatchdogStep) {
		return new JobBuilder(JOB, jobRepository).validator(parameters -> {
			for (JobParameter<?> p : parameters) {
				if (!ACCEPTED.contains(p.name())) {
					throw new InvalidJobParametersException(p.name() + ": not a parameter of " + JOB + " (accepted: " + ACCEPTED + ")");
				}
			}
			JobParameter<?> batch = parameters.getParameter(BATCH);
			if (batch != null && !(batch.value() instanceof Long l && l >= 1 && l <= 10_000)) {
				throw new InvalidJobParametersException(BATCH + ": a whole number from 1 to 10000");
			}
		}).listener(new RootCauseExitMessage()).start(micropayWatchdogStep).build();
	}

	/** The watchdog fires every 5 s; it starts a run (and a job instance) only when an attempt is orphaned. */
	@Bean
	WorkProbe micropayWatchdogWork(MicropayAttempts attempts, CheckoutProperties properties, Clock clock) {
		return WorkProbe.of(JOB, parameters -> attempts.anyOrphaned(quietSince(clock, properties)));
	}

	static Instant quietSince(Clock clock, CheckoutProperties properties) {
		return clock.instant().minus(properties.micropay().pollInterval().multipliedBy(2));
	}

	/**
	 * Transaction rule: none around the tasklet ({@link StepTransactions#none()}). Each attempt is claimed (one
	 * compare-and-set, committed), polled at the provider outside any transaction, and settled in its own
	 * transactions; an attempt that fails is counted as a skip and undoes nothing else.
	 */
	@Bean
	Step micropayWatchdogStep(JobRepository jobRepository, MicropayAttempts attempts, MicropayCashier cashier, AccountRegistry accounts, CheckoutProperties properties,
			Clock clock) {
		return new StepBuilder(JOB + ".adopt", jobRepository).tasklet((contribution, chunkContext) -> {
			JobParameter<?> batch = contribution.getStepExecution().getJobParameters().getParameter(BATCH);
			int limit = batch == null ? 500 : ((Long) batch.value()).intValue();
			Instant now = clock.instant();
			Instant quietSince = quietSince(clock, properties);
			int settled = 0;
			for (Attempt attempt : attempts.orphaned(quietSince, limit)) {
				contribution.incrementReadCount();
				Account account = accounts.find(attempt.accountId()).orElse(null);
				if (account == null || !attempts.claim(attempt, now)) {
					continue;
				}
				try {
					if (cashier.pollOnce(account, attempt.outTradeNo(), attempt.actor(), attempt.deadlineAt())) {
						settled++;
					}
				}
				catch (RuntimeException ex) {
					contribution.incrementProcessSkipCount();
					log.warn("Watchdog poll of micropay order {}/{} failed: {}", attempt.accountId(), attempt.outTradeNo(), ex.toString());
				}
			}
			contribution.incrementWriteCount(settled);
			return RepeatStatus.FINISHED;
		}, StepTransactions.none()).build();
	}
}
