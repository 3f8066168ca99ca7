package com.payrecon.scheduling;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.payrecon.scheduling.CatalogueEntry.RunKey;
import com.payrecon.scheduling.JobCatalogueLoader.InvalidJobCatalogue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Starts Spring Batch runs for catalogue entries: builds the job parameters (the catalogue's, plus the identifying
 * {@code fireTime} or {@code businessDate}), so that starting the same slot twice never runs it twice: a completed
 * slot is a no-op, a failed one is restarted from where it stopped.
 */
@Component
class BatchRuns {

	private static final Logger log = LoggerFactory.getLogger(BatchRuns.class);

	/** What happened to a start request. */
	enum Outcome {
		/** A run took place (its status is in the repository: COMPLETED or FAILED). */
		RAN,
		/** The slot had completed already: nothing done. */
		ALREADY_COMPLETE,
		/** The slot is being run (here or on another node): nothing done. */
		ALREADY_RUNNING,
		/** A scheduled firing whose job had nothing to do ({@link WorkProbe}): no run, no job instance. */
		NO_WORK
	}

	private final JobOperator operator;
	private final JobRepository repository;
	private final JobCatalogue catalogue;
	private final Map<String, Job> jobs;
	private final Map<String, WorkProbe> probes;

	BatchRuns(JobOperator operator, JobRepository repository, JobCatalogue catalogue, List<Job> jobs,
			List<WorkProbe> probes) {
		this.operator = operator;
		this.repository = repository;
		this.catalogue = catalogue;
		this.jobs = jobs.stream().collect(Collectors.toMap(Job::getName, Function.identity()));
		this.probes = probes.stream().collect(Collectors.toMap(WorkProbe::jobName, Function.identity()));
		checkCatalogueParameters();
	}

	/**
	 * Runs the entry's job for the slot {@code fireTime}, in the calling thread. {@code recovering}: Quartz re-fires a
	 * slot whose node died (the cluster noticed it stopped checking in), so an execution of this slot still marked
	 * STARTED is an orphan: it is marked FAILED ({@link JobOperator#recover}) and the slot restarted.
	 */
	Outcome start(String jobName, Instant fireTime, String firedBy, boolean recovering) {
		return start(jobName, fireTime, firedBy, null, Map.of(), recovering);
	}

	/**
	 * Same, for an operator's request ({@code request} not null: its own job instance, identified by the request id)
	 * with parameters that replace the catalogue's for this run.
	 */
	Outcome start(String jobName, Instant fireTime, String firedBy, @Nullable String request,
			Map<String, String> overrides, boolean recovering) {
		CatalogueEntry entry = catalogue.find(jobName)
			.orElseThrow(() -> new IllegalArgumentException("no job '" + jobName + "' in the catalogue"));
		Job job = jobs.get(jobName);
		JobParameters parameters = parameters(entry, fireTime, firedBy, request, overrides);
		if (recovering) {
			recoverOrphan(job, parameters);
		}
		else if (request == null && !hasWork(jobName, parameters, fireTime)) {
			log.debug("Job {} for {} ({}): nothing to do, no run", jobName, fireTime, firedBy);
			return Outcome.NO_WORK;
		}
		try {
			JobExecution execution = operator.start(job, parameters);
			log.info("Job {} for {} ({}): {} {}", jobName, fireTime, firedBy, execution.getStatus(),
					execution.getExitStatus().getExitCode());
			return Outcome.RAN;
		}
		catch (JobInstanceAlreadyCompleteException ex) {
			log.info("Job {} for {} ({}): already completed, nothing to do", jobName, fireTime, firedBy);
			return Outcome.ALREADY_COMPLETE;
		}
		catch (JobExecutionAlreadyRunningException ex) {
			log.warn("Job {} for {} ({}): already running, nothing started", jobName, fireTime, firedBy);
			return Outcome.ALREADY_RUNNING;
		}
		catch (InvalidJobParametersException | JobRestartException ex) {
			throw new IllegalStateException("job " + jobName + " for " + fireTime + " could not start: " + ex.getMessage(), ex);
		}
	}

	private boolean hasWork(String jobName, JobParameters parameters, Instant fireTime) {
		WorkProbe probe = probes.get(jobName);
		if (probe == null) {
			return true;
		}
		try {
			return probe.hasWork(parameters, fireTime);
		}
		catch (RuntimeException ex) {
			log.warn("Job {}: could not tell whether there is work ({}); running it", jobName, ex.toString());
			return true;
		}
	}

	/**
	 * A retry a run asked for ({@link JobOperations#retryLater}): restarts its job instance if its last execution
	 * FAILED; nothing when it completed meanwhile (an operator restarted it) or is running.
	 */
	Outcome retry(String jobName, long executionId) {
		JobExecution asked = repository.getJobExecution(executionId);
		if (asked == null) {
			log.warn("Job {}: retry of execution {}: no such execution", jobName, executionId);
			return Outcome.ALREADY_COMPLETE;
		}
		JobExecution last = repository.getLastJobExecution(asked.getJobInstance());
		if (last == null || last.getStatus() != BatchStatus.FAILED) {
			log.info("Job {}: retry of execution {}: instance is {}, nothing to do", jobName, executionId,
					last == null ? "gone" : last.getStatus());
			return last != null && last.isRunning() ? Outcome.ALREADY_RUNNING : Outcome.ALREADY_COMPLETE;
		}
		try {
			JobExecution restarted = operator.restart(last);
			log.info("Job {}: retry of execution {} as {}: {} {}", jobName, executionId, restarted.getId(),
					restarted.getStatus(), restarted.getExitStatus().getExitCode());
			return Outcome.RAN;
		}
		catch (JobRestartException ex) {
			throw new IllegalStateException("job " + jobName + ": retry of execution " + executionId + ": " + ex.getMessage(), ex);
		}
	}

	private void recoverOrphan(Job job, JobParameters parameters) {
		JobInstance instance = repository.getJobInstance(job.getName(), parameters);
		if (instance == null) {
			return;
		}
		JobExecution last = repository.getLastJobExecution(instance);
		if (last != null && (last.getStatus() == BatchStatus.STARTED || last.getStatus() == BatchStatus.STARTING
				|| last.getStatus() == BatchStatus.STOPPING)) {
			log.warn("Job {} execution {} was left {} by a node that died; marking it FAILED to restart it",
					job.getName(), last.getId(), last.getStatus());
			operator.recover(last);
		}
	}

	JobParameters parameters(CatalogueEntry entry, Instant fireTime, String firedBy) {
		return parameters(entry, fireTime, firedBy, null, Map.of());
	}

	static JobParameters parameters(CatalogueEntry entry, Instant fireTime, String firedBy, @Nullable String request,
			Map<String, String> overrides) {
		boolean perFireTime = entry.runKey() == RunKey.FIRE_TIME;
		var builder = new JobParametersBuilder()
			.addString(JobParameterNames.FIRE_TIME, fireTime.toString(), perFireTime)
			.addLocalDate(JobParameterNames.BUSINESS_DATE, LocalDate.ofInstant(fireTime, entry.zone()), !perFireTime)
			.addString(JobParameterNames.ZONE, entry.zone().getId(), false)
			.addString(JobParameterNames.FIRED_BY, firedBy, false);
		if (request != null) {
			builder.addString(JobParameterNames.RUN_REQUEST, request, true);
		}
		Map<String, Object> values = new LinkedHashMap<>(entry.parameters());
		overrides.forEach((name, text) -> values.put(name, typed(text)));
		values.forEach((name, value) -> {
			switch (value) {
				case Long l -> builder.addLong(name, l, false);
				case Double d -> builder.addDouble(name, d, false);
				default -> builder.addString(name, value.toString(), false);
			}
		});
		return builder.toJobParameters();
	}

	/** An operator's parameter as the catalogue's YAML would have typed it: a whole number is a number. */
	static Object typed(String text) {
		return text.matches("-?\\d{1,18}") ? (Object) Long.valueOf(text) : text;
	}

	/** Start-up: every entry's parameters pass its job's validator, so a typo fails now and not at 3 a.m. */
	private void checkCatalogueParameters() {
		for (CatalogueEntry entry : catalogue.entries()) {
			Job job = jobs.get(entry.name());
			try {
				job.getJobParametersValidator().validate(parameters(entry, Instant.now(), "start-up check"));
			}
			catch (InvalidJobParametersException ex) {
				throw new InvalidJobCatalogue(entry.source() + ": parameters: " + ex.getMessage());
			}
		}
	}
}
