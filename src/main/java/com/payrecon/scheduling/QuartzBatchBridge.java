package com.payrecon.scheduling;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

import org.springframework.scheduling.quartz.QuartzJobBean;

/**
 * What Quartz runs when a catalogue trigger fires: the Spring Batch job of the same name, for the trigger's scheduled
 * fire time. {@link DisallowConcurrentExecution}: in the clustered store, one run per job at a time across all nodes.
 * The job details request recovery, so a firing whose node died is re-run by another node ({@link BatchRuns#start}
 * then recovers the orphaned execution and restarts it).
 */
@DisallowConcurrentExecution
class QuartzBatchBridge extends QuartzJobBean {

	/** Job data of an operator's "run now": the request id, reported as {@code firedBy=operator:<id>}. */
	static final String RUN_REQUEST = "runRequest";
	/** Job data of an operator's run: a parameter of its own, {@code parameter.<name>} = value (strings only in Quartz). */
	static final String PARAMETER_PREFIX = "parameter.";
	/** Job data of a retry asked for by a run ({@link JobOperations#retryLater}): the execution to restart. */
	static final String RETRY_EXECUTION = "retryExecution";

	private final BatchRuns runs;

	QuartzBatchBridge(BatchRuns runs) {
		this.runs = runs;
	}

	@Override
	protected void executeInternal(JobExecutionContext context) {
		String jobName = context.getJobDetail().getKey().getName();
		JobDataMap data = context.getMergedJobDataMap();
		String retry = data.getString(RETRY_EXECUTION);
		if (retry != null) {
			runs.retry(jobName, Long.parseLong(retry));
			return;
		}
		String request = data.getString(RUN_REQUEST);
		String firedBy;
		try {
			firedBy = request != null ? "operator:" + request : "quartz:" + context.getScheduler().getSchedulerInstanceId();
		}
		catch (SchedulerException ex) {
			firedBy = "quartz";
		}
		Map<String, String> overrides = new TreeMap<>();
		for (String key : data.getKeys()) {
			if (key.startsWith(PARAMETER_PREFIX)) {
				overrides.put(key.substring(PARAMETER_PREFIX.length()), data.getString(key));
			}
		}
		runs.start(jobName, scheduledFireTime(context), firedBy, request, overrides, context.isRecovering());
	}

	/** The slot: for a recovery firing, the slot of the firing that was lost, not the recovery's own time. */
	static Instant scheduledFireTime(JobExecutionContext context) {
		if (context.isRecovering()) {
			String original = context.getMergedJobDataMap()
				.getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS);
			if (original != null) {
				return Instant.ofEpochMilli(Long.parseLong(original));
			}
		}
		return context.getScheduledFireTime().toInstant();
	}
}
