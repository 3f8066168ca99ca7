package com.payrecon.scheduling;

import java.time.Instant;

import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * For a job that fires often and usually finds nothing to do (the micropay watchdog every 5 s, the sweep every
 * minute): the scheduler asks before it starts a scheduled run, and starts none when there is no work, so that the
 * Spring Batch tables grow with work done, not with time. An operator's "run now" always runs. A probe is one cheap
 * indexed query; when in doubt (it fails) the run starts.
 */
public interface WorkProbe {

	/** The job this probe answers for. */
	String jobName();

	/** Whether a run of the job with these parameters, fired at {@code fireTime}, would find anything to do. */
	boolean hasWork(JobParameters parameters, Instant fireTime);

	/** The probe of {@code jobName}: {@code hasWork} given the run's parameters. */
	static WorkProbe of(String jobName, java.util.function.Predicate<JobParameters> hasWork) {
		return new WorkProbe() {
			@Override
			public String jobName() {
				return jobName;
			}

			@Override
			public boolean hasWork(JobParameters parameters, Instant fireTime) {
				return hasWork.test(parameters);
			}
		};
	}
}
