package com.payrecon.support;

import java.time.Duration;
import java.util.Map;

import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobRun;

/** Starts a job the way an operator does (through Quartz) and waits for that very run to end. */
public final class JobRuns {

	private JobRuns() {
	}

	public static JobRun runNowAndWait(JobOperations jobs, String job) {
		return runNowAndWait(jobs, job, Map.of());
	}

	public static JobRun runNowAndWait(JobOperations jobs, String job, Map<String, String> parameters) {
		return awaitRequest(jobs, job, jobs.runNow(job, parameters), Duration.ofSeconds(60));
	}

	/** The run of the operator's request {@code request}, once it is no longer STARTING or STARTED. */
	public static JobRun awaitRequest(JobOperations jobs, String job, String request, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			var run = jobs.runs(job, 50).stream()
				.filter(r -> ("operator:" + request).equals(r.parameter(JobParameterNames.FIRED_BY)))
				.filter(r -> !r.status().equals("STARTING") && !r.status().equals("STARTED"))
				.findFirst();
			if (run.isPresent()) {
				return run.get();
			}
			sleep(100);
		}
		throw new AssertionError("run " + request + " of " + job + " did not finish within " + timeout);
	}

	public static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}
}
