package com.payrecon.scheduling;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The operator's view of batch jobs (for the console): the catalogue with next fire times, the runs from the Spring
 * Batch repository, and the actions run now, restart and recover. Access control belongs to the caller (console:
 * ADMIN only).
 */
@Service
public class JobOperations {

	private final Scheduler scheduler;
	private final JobCatalogue catalogue;
	private final JobRepository repository;
	private final JobOperator operator;
	private final TransactionTemplate transactions;

	JobOperations(Scheduler scheduler, JobCatalogue catalogue, JobRepository repository, JobOperator operator,
			PlatformTransactionManager transactionManager) {
		this.scheduler = scheduler;
		this.catalogue = catalogue;
		this.repository = repository;
		this.operator = operator;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	public List<ScheduledJob> schedules() {
		List<ScheduledJob> result = new ArrayList<>();
		for (CatalogueEntry entry : catalogue.entries()) {
			Trigger trigger;
			try {
				trigger = scheduler.getTrigger(JobSchedules.triggerKey(entry.name()));
			}
			catch (SchedulerException ex) {
				throw new IllegalStateException("Quartz: " + ex.getMessage(), ex);
			}
			result.add(new ScheduledJob(entry.name(), entry.cron(), entry.zone(), entry.enabled(), entry.parameters(),
					entry.source(), trigger == null ? null : instant(trigger.getNextFireTime()),
					trigger == null ? null : instant(trigger.getPreviousFireTime())));
		}
		return result;
	}

	/** The most recent runs of a job, newest first (at most {@code limit} job instances, all their executions). */
	public List<JobRun> runs(String jobName, int limit) {
		List<JobRun> runs = new ArrayList<>();
		for (JobInstance instance : repository.getJobInstances(jobName, 0, limit)) {
			for (JobExecution execution : repository.getJobExecutions(instance)) {
				runs.add(toRun(execution));
			}
		}
		runs.sort(Comparator.comparingLong(JobRun::executionId).reversed());
		return runs;
	}

	/** The latest execution of the run an operator requested ({@link #runNow}), once it has started. */
	public Optional<JobRun> runOfRequest(String jobName, String request) {
		return runs(jobName, 50).stream()
			.filter(r -> ("operator:" + request).equals(r.parameter(JobParameterNames.FIRED_BY))
					|| request.equals(r.parameter(JobParameterNames.RUN_REQUEST)))
			.findFirst();
	}

	public Optional<JobRun> run(long executionId) {
		return execution(executionId).map(JobOperations::toRun);
	}

	/** The JDBC repository throws for an unknown id instead of returning null. */
	private Optional<JobExecution> execution(long executionId) {
		try {
			return Optional.ofNullable(repository.getJobExecution(executionId));
		}
		catch (EmptyResultDataAccessException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Asks the cluster to run the job now, as its own slot ({@code fireTime} = the moment it fires). Goes through Quartz,
	 * so it never overlaps a scheduled run of the same job on any node. Returns the request id, which the run carries as
	 * {@code firedBy=operator:<id>}.
	 */
	public String runNow(String jobName) {
		return runNow(jobName, Map.of());
	}

	/**
	 * Same, with parameters of this run that replace the catalogue's (e.g. {@code accounts}, {@code day},
	 * {@code dryRun} of daily-reconciliation); they are checked by the job's validator when the run starts. The run
	 * is its own job instance (identified by the request id).
	 */
	public String runNow(String jobName, Map<String, String> parameters) {
		catalogue.find(jobName).orElseThrow(() -> new IllegalArgumentException("no job '" + jobName + "' in the catalogue"));
		String request = UUID.randomUUID().toString();
		Map<String, String> data = new LinkedHashMap<>();
		data.put(QuartzBatchBridge.RUN_REQUEST, request);
		parameters.forEach((name, value) -> data.put(QuartzBatchBridge.PARAMETER_PREFIX + name, value));
		transactions.executeWithoutResult(status -> {
			try {
				scheduler.triggerJob(JobSchedules.jobKey(jobName), new JobDataMap(data));
			}
			catch (SchedulerException ex) {
				throw new IllegalStateException("Quartz: " + ex.getMessage(), ex);
			}
		});
		return request;
	}

	/**
	 * The parameters a run now of the job firing at {@code fireTime} starts with (the catalogue's, replaced by
	 * {@code overrides}): what a page that says what Run now will do reads, so that it reads what the job will.
	 */
	public JobParameters runNowParameters(String jobName, Instant fireTime, Map<String, String> overrides) {
		CatalogueEntry entry = catalogue.find(jobName)
			.orElseThrow(() -> new IllegalArgumentException("no job '" + jobName + "' in the catalogue"));
		return BatchRuns.parameters(entry, fireTime, "operator:preview", null, overrides);
	}

	/**
	 * Asks the cluster to restart the job instance of {@code executionId} {@code delay} from now (a one-shot Quartz
	 * trigger, so it never overlaps another run of the job): for a run that failed on something that passes by itself,
	 * such as a provider's bill that is not ready yet. Nothing happens then if the instance completed meanwhile. Returns
	 * when (by the scheduler's clock, the wall clock).
	 */
	public Instant retryLater(long executionId, java.time.Duration delay) {
		Instant at = Instant.now().plus(delay);
		JobExecution execution = existing(executionId);
		String jobName = execution.getJobInstance().getJobName();
		org.quartz.Trigger trigger = org.quartz.TriggerBuilder.newTrigger()
			.withIdentity("retry-" + executionId + "-" + UUID.randomUUID(), JobSchedules.GROUP)
			.forJob(JobSchedules.jobKey(jobName))
			.usingJobData(QuartzBatchBridge.RETRY_EXECUTION, Long.toString(executionId))
			.startAt(java.util.Date.from(at))
			.withSchedule(org.quartz.SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
			.build();
		transactions.executeWithoutResult(status -> {
			try {
				scheduler.scheduleJob(trigger);
			}
			catch (SchedulerException ex) {
				throw new IllegalStateException("Quartz: " + ex.getMessage(), ex);
			}
		});
		return at;
	}

	/** The retries a job has asked for and that have not fired yet: when they fire. */
	public List<Instant> pendingRetries(String jobName) {
		try {
			return scheduler.getTriggersOfJob(JobSchedules.jobKey(jobName)).stream()
				.filter(t -> t.getJobDataMap().containsKey(QuartzBatchBridge.RETRY_EXECUTION))
				.map(t -> t.getNextFireTime() == null ? null : t.getNextFireTime().toInstant())
				.filter(java.util.Objects::nonNull)
				.sorted()
				.toList();
		}
		catch (SchedulerException ex) {
			throw new IllegalStateException("Quartz: " + ex.getMessage(), ex);
		}
	}

	/** Restarts a FAILED or STOPPED run in the calling thread; it resumes after its last committed chunk. */
	public JobRun restart(long executionId) {
		JobExecution execution = existing(executionId);
		try {
			return toRun(operator.restart(execution));
		}
		catch (JobRestartException ex) {
			throw new IllegalStateException("run " + executionId + " cannot be restarted: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Marks a run that is recorded as STARTED but whose process is gone (killed, crashed, lost its database) as FAILED,
	 * so that it can be restarted. Refused while this node is running that job; the operator must know that no other
	 * node is (Quartz's cluster view, the logs) before recovering.
	 */
	public JobRun recover(long executionId) {
		JobExecution execution = existing(executionId);
		if (!execution.isRunning()) {
			throw new IllegalStateException("run " + executionId + " is " + execution.getStatus() + ", not STARTED: nothing to recover");
		}
		if (runningHere(execution.getJobInstance().getJobName())) {
			throw new IllegalStateException("run " + executionId + ": job " + execution.getJobInstance().getJobName()
					+ " is running on this node right now; stop it instead");
		}
		return toRun(operator.recover(execution));
	}

	private boolean runningHere(String jobName) {
		try {
			for (JobExecutionContext context : scheduler.getCurrentlyExecutingJobs()) {
				if (context.getJobDetail().getKey().equals(JobSchedules.jobKey(jobName))) {
					return true;
				}
			}
			return false;
		}
		catch (SchedulerException ex) {
			throw new IllegalStateException("Quartz: " + ex.getMessage(), ex);
		}
	}

	private JobExecution existing(long executionId) {
		return execution(executionId).orElseThrow(() -> new IllegalArgumentException("no job execution " + executionId));
	}

	static JobRun toRun(JobExecution execution) {
		Map<String, String> parameters = new LinkedHashMap<>();
		Set<String> identifying = new TreeSet<>();
		execution.getJobParameters().parameters().stream().sorted(Comparator.comparing(JobParameter::name)).forEach(p -> {
			parameters.put(p.name(), String.valueOf(p.value()));
			if (p.identifying()) {
				identifying.add(p.name());
			}
		});
		List<JobRun.StepRun> steps = execution.getStepExecutions()
			.stream()
			.sorted(Comparator.comparingLong(StepExecution::getId))
			.map(s -> new JobRun.StepRun(s.getStepName(), s.getStatus().name(), s.getReadCount(), s.getWriteCount(),
					s.getFilterCount(), s.getCommitCount(), s.getRollbackCount(), s.getSkipCount()))
			.toList();
		return new JobRun(execution.getId(), execution.getJobInstance().getInstanceId(),
				execution.getJobInstance().getJobName(), execution.getStatus().name(),
				execution.getExitStatus().getExitCode(), exitMessage(execution.getExitStatus().getExitDescription()),
				parameters, identifying, instant(execution.getStartTime()), instant(execution.getEndTime()), steps);
	}

	private static String exitMessage(String description) {
		return description.length() > 500 ? description.substring(0, 500) + "…" : description;
	}

	/** Spring Batch records local date-times of the JVM's default zone. */
	private static @Nullable Instant instant(@Nullable LocalDateTime time) {
		return time == null ? null : time.atZone(ZoneId.systemDefault()).toInstant();
	}

	private static @Nullable Instant instant(java.util.@Nullable Date date) {
		return date == null ? null : date.toInstant();
	}
}
