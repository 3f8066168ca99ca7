package com.payrecon.console.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobRun;
import com.payrecon.scheduling.ScheduledJob;
import com.payrecon.support.i18n.Refusal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * The Jobs page over {@link JobOperations}: the catalogue with Quartz's next fire times, the runs from Spring Batch's
 * tables, a run's progress; ADMIN and FINANCE look, only ADMIN acts. Run now goes through Quartz (so it never overlaps
 * a scheduled run on any node); a restart resumes a FAILED or STOPPED run in the background, so the page answers at
 * once and shows it running. Both are audited (JOB_RUN_NOW, JOB_RESTARTED) in the operator's name.
 */
@Service
public class ConsoleJobs implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ConsoleJobs.class);
	static final int RUNS_ON_LIST = 5;

	private final JobOperations operations;
	private final AuditLog audit;
	private final ExecutorService restarts = Executors.newSingleThreadExecutor(Thread.ofPlatform()
		.name("console-job-restart")
		.daemon(true)
		.factory());

	ConsoleJobs(JobOperations operations, AuditLog audit) {
		this.operations = operations;
		this.audit = audit;
	}

	/** A catalogue entry with its latest runs, newest first. */
	public record JobSummary(ScheduledJob job, List<JobRun> runs) {
	}

	/**
	 * How far a run is. {@code expected} is the read count of the job's last completed run (null when there is none):
	 * the best guess of the total, so {@code percent} is capped at 99 until the run ends.
	 */
	public record Progress(long executionId, String status, boolean running, long read, long written, long skipped,
			@Nullable Long expected, @Nullable Integer percent, @Nullable String step, @Nullable Instant startTime,
			@Nullable Instant endTime) {
	}

	@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
	public List<JobSummary> catalogue() {
		return operations.schedules().stream().map(j -> new JobSummary(j, operations.runs(j.name(), RUNS_ON_LIST))).toList();
	}

	@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
	public Optional<JobSummary> job(String name, int limit) {
		return operations.schedules()
			.stream()
			.filter(j -> j.name().equals(name))
			.findFirst()
			.map(j -> new JobSummary(j, operations.runs(name, limit)));
	}

	@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
	public Optional<JobRun> run(long executionId) {
		return operations.run(executionId);
	}

	@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
	public Optional<Progress> progress(long executionId) {
		return operations.run(executionId).map(this::progressOf);
	}

	/** Asks Quartz to run the job now; returns the request id the run carries as {@code firedBy=operator:<id>}. */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	public String runNow(String jobName, String operator) {
		try {
			String request = operations.runNow(jobName);
			audit.record(operator, AuditAction.JOB_RUN_NOW, "job:" + jobName, AuditOutcome.SUCCESS, "request " + request);
			return request;
		}
		catch (RuntimeException ex) {
			audit.record(operator, AuditAction.JOB_RUN_NOW, "job:" + jobName, AuditOutcome.FAILURE, ex.getMessage());
			throw ex;
		}
	}

	/** Restarts a FAILED or STOPPED run in the background; refused (and audited as such) for any other state. */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	public JobRun restart(long executionId, String operator) {
		JobRun run = operations.run(executionId)
			.orElseThrow(() -> new IllegalArgumentException("no job execution " + executionId));
		String target = "job:" + run.jobName() + "/run:" + executionId;
		if (!run.status().equals("FAILED") && !run.status().equals("STOPPED")) {
			String why = "run " + executionId + " is " + run.status() + ": only a FAILED or STOPPED run can be restarted";
			audit.record(operator, AuditAction.JOB_RESTARTED, target, AuditOutcome.FAILURE, why);
			throw new Refusal("jobs.restart.refused", executionId, run.status());
		}
		audit.record(operator, AuditAction.JOB_RESTARTED, target, AuditOutcome.SUCCESS, "restart requested");
		restarts.execute(() -> {
			try {
				JobRun restarted = operations.restart(executionId);
				log.info("Job {} run {} restarted by {} as run {}: {}", run.jobName(), executionId, operator,
						restarted.executionId(), restarted.status());
			}
			catch (RuntimeException ex) {
				log.warn("Job {} run {}: restart by {} failed: {}", run.jobName(), executionId, operator, ex.getMessage());
			}
		});
		return run;
	}

	Progress progressOf(JobRun run) {
		long read = JobsFormat.read(run);
		boolean running = run.endTime() == null && (run.status().equals("STARTED") || run.status().equals("STARTING")
				|| run.status().equals("STOPPING"));
		Long expected = null;
		Integer percent = running ? null : 100;
		if (running) {
			expected = operations.runs(run.jobName(), 20)
				.stream()
				.filter(r -> r.status().equals("COMPLETED"))
				.findFirst()
				.map(JobsFormat::read)
				.filter(total -> total > 0)
				.orElse(null);
			if (expected != null) {
				percent = (int) Math.min(99, read * 100 / expected);
			}
		}
		String step = run.steps().isEmpty() ? null : run.steps().get(run.steps().size() - 1).name();
		return new Progress(run.executionId(), run.status(), running, read, JobsFormat.written(run),
				JobsFormat.skipped(run), expected, percent, step,
				run.startTime(), run.endTime());
	}

	@Override
	public void destroy() {
		restarts.shutdownNow();
	}
}
