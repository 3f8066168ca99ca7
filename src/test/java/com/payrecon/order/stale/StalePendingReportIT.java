package com.payrecon.order.stale;

import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobRun;
import com.payrecon.support.JobRuns;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * stale-pending-report through the real machinery: started by Quartz ({@link JobOperations#runNow}), recorded in the
 * Spring Batch tables, failed, restarted and recovered. The IT catalogue runs it with chunkSize 2.
 */
@PayReconIT
class StalePendingReportIT {

	static final String JOB = "stale-pending-report";
	static final String COUNT_STEP = JOB + ".count";

	@Autowired JobOperations operations;
	@Autowired OrderService orders;
	@Autowired PendingSnapshotRepository snapshots;
	@Autowired JobRepository jobRepository;
	@Autowired DSLContext dsl;
	@Autowired MutableClock clock;

	private final List<String> ghosts = new ArrayList<>();

	@AfterEach
	void closeLeftovers() {
		clock.reset();
		// an order of an unknown account fails every later run of the report: never leave one PENDING
		ghosts.forEach(no -> orders.transition("jobs-ghost", no, OrderStatus.CLOSED, cause()));
		ghosts.clear();
	}

	@Test
	void aFailedRunIsRestartedAfterItsLastCommittedChunkAndCountsEveryOrderOnce() {
		createStaleOrders("jobs-a", 5);
		String ghost = createStaleOrders("jobs-ghost", 1).getFirst();
		createStaleOrders("jobs-a", 4);

		JobRun failed = runNowAndWait();

		assertThat(failed.status()).isEqualTo("FAILED");
		assertThat(failed.exitMessage()).contains("jobs-ghost").contains("not configured");
		JobRun.StepRun failedStep = failed.step(COUNT_STEP);
		assertThat(failedStep.status()).isEqualTo("FAILED");
		assertThat(failedStep.commitCount()).as("chunks committed before the bad order").isPositive();
		LocalDate day = businessDate(failed);
		// what the failed run committed is in the report, and nothing else
		assertThat(totalCount(day)).isEqualTo(failedStep.writeCount());
		assertThat(countOf(day, "jobs-a")).as("the orders after the bad one are not counted yet")
			.isLessThan(staleOrdersNow(failed, "jobs-a"));

		orders.transition("jobs-ghost", ghost, OrderStatus.CLOSED, cause());
		ghosts.remove(ghost);
		JobRun restarted = operations.restart(failed.executionId());

		assertThat(restarted.status()).isEqualTo("COMPLETED");
		assertThat(restarted.instanceId()).isEqualTo(failed.instanceId());
		assertThat(restarted.steps()).extracting(JobRun.StepRun::name)
			.as("reset completed in the first run and is not repeated")
			.containsExactly(COUNT_STEP);
		JobRun.StepRun resumed = restarted.step(COUNT_STEP);
		long stale = staleOrdersNow(failed);
		assertThat(resumed.readCount()).as("the restart reads only what the failed run had not committed")
			.isEqualTo(stale - failedStep.writeCount());
		assertThat(totalCount(day)).isEqualTo(stale).isEqualTo(failedStep.writeCount() + resumed.writeCount());
		assertThat(countOf(day, "jobs-a")).isEqualTo(staleOrdersNow(failed, "jobs-a")).isGreaterThanOrEqualTo(9);
		assertThat(snapshots.forDay(day)).allSatisfy(s -> assertThat(s.jobExecutionId())
			.isIn(failed.executionId(), restarted.executionId()));
	}

	@Test
	void aRunLeftStartedByAKilledProcessIsRecoveredAndThenRestarted() {
		createStaleOrders("jobs-a", 3);
		String ghost = createStaleOrders("jobs-ghost", 1).getFirst();
		createStaleOrders("jobs-a", 3);
		JobRun failed = runNowAndWait();
		assertThat(failed.status()).isEqualTo("FAILED");
		long committed = failed.step(COUNT_STEP).writeCount();
		leaveAsAKilledProcessWould(failed.executionId());

		assertThat(operations.run(failed.executionId()).orElseThrow().status()).isEqualTo("STARTED");
		assertThatThrownBy(() -> operations.restart(failed.executionId())).as("a STARTED run cannot be restarted")
			.isInstanceOf(IllegalStateException.class);

		JobRun recovered = operations.recover(failed.executionId());
		assertThat(recovered.status()).isEqualTo("FAILED");
		assertThatThrownBy(() -> operations.recover(failed.executionId())).isInstanceOf(IllegalStateException.class);

		orders.transition("jobs-ghost", ghost, OrderStatus.CLOSED, cause());
		ghosts.remove(ghost);
		JobRun restarted = operations.restart(failed.executionId());

		assertThat(restarted.status()).isEqualTo("COMPLETED");
		LocalDate day = businessDate(failed);
		long stale = staleOrdersNow(failed);
		assertThat(restarted.step(COUNT_STEP).readCount()).isEqualTo(stale - committed);
		assertThat(totalCount(day)).isEqualTo(stale);
		assertThat(countOf(day, "jobs-a")).isEqualTo(staleOrdersNow(failed, "jobs-a"));
	}

	@Test
	void runsCarryTheCatalogueParametersAndTheirSlot() {
		Instant before = Instant.now();
		JobRun run = runNowAndWait();

		assertThat(run.status()).isEqualTo("COMPLETED");
		assertThat(run.parameters()).containsEntry("staleAfter", "PT2H")
			.containsEntry("chunkSize", "2")
			.containsEntry("zone", "Asia/Shanghai");
		assertThat(run.identifyingParameters()).as("an operator's run is its own instance")
			.containsExactly(JobParameterNames.FIRE_TIME, JobParameterNames.RUN_REQUEST);
		Instant fireTime = Instant.parse(run.parameter(JobParameterNames.FIRE_TIME));
		assertThat(fireTime).isBetween(before.minusSeconds(1), Instant.now());
		assertThat(businessDate(run)).isEqualTo(LocalDate.ofInstant(fireTime, ZoneId.of("Asia/Shanghai")));
		assertThat(operations.runs(JOB, 50)).extracting(JobRun::executionId).contains(run.executionId());
		assertThat(operations.schedules()).anySatisfy(s -> {
			assertThat(s.name()).isEqualTo(JOB);
			assertThat(s.enabled()).isFalse();
			assertThat(s.nextFireTime()).isNull();
		});
	}

	/** What {@code kill -9} mid-chunk leaves: job and step STARTED, no end time, the committed chunks' context. */
	private void leaveAsAKilledProcessWould(long executionId) {
		JobExecution execution = jobRepository.getJobExecution(executionId);
		for (StepExecution step : execution.getStepExecutions()) {
			if (step.getStatus() == BatchStatus.FAILED) {
				step.setStatus(BatchStatus.STARTED);
				step.setExitStatus(ExitStatus.EXECUTING);
				step.setEndTime(null);
				jobRepository.update(step);
			}
		}
		execution.setStatus(BatchStatus.STARTED);
		execution.setExitStatus(ExitStatus.UNKNOWN);
		execution.setEndTime(null);
		jobRepository.update(execution);
	}

	private JobRun runNowAndWait() {
		return JobRuns.runNowAndWait(operations, JOB);
	}

	/** PENDING orders created three hours ago (stale for staleAfter=PT2H). */
	private List<String> createStaleOrders(String accountId, int count) {
		clock.set(Instant.now().minus(Duration.ofHours(3)));
		List<String> numbers = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String no = TestData.outTradeNo();
			orders.create(new CreateOrder(accountId, no, Fen.of(100 + i), "CNY", "stale report test", null), cause());
			numbers.add(no);
		}
		clock.reset();
		if (accountId.equals("jobs-ghost")) {
			ghosts.addAll(numbers);
		}
		return numbers;
	}

	private long staleOrdersNow(JobRun run) {
		Instant cutoff = Instant.parse(run.parameter(JobParameterNames.FIRE_TIME)).minus(Duration.ofHours(2));
		return dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.STATUS.eq("PENDING"), PAYMENT_ORDER.CREATED_AT.lt(cutoff));
	}

	private long staleOrdersNow(JobRun run, String accountId) {
		Instant cutoff = Instant.parse(run.parameter(JobParameterNames.FIRE_TIME)).minus(Duration.ofHours(2));
		return dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.STATUS.eq("PENDING"), PAYMENT_ORDER.CREATED_AT.lt(cutoff),
				PAYMENT_ORDER.ACCOUNT_ID.eq(accountId));
	}

	private static LocalDate businessDate(JobRun run) {
		return LocalDate.parse(run.parameter(JobParameterNames.BUSINESS_DATE));
	}

	private long totalCount(LocalDate day) {
		return snapshots.forDay(day).stream().mapToLong(PendingSnapshot::count).sum();
	}

	private long countOf(LocalDate day, String accountId) {
		return snapshots.forDay(day).stream().filter(s -> s.accountId().equals(accountId)).mapToLong(PendingSnapshot::count).sum();
	}

	private static Cause cause() {
		return new Cause(EventSource.JOB, "stale-pending-report-it", null, "test data");
	}
}
