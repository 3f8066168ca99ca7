package com.payrecon.support;

import java.time.Duration;
import java.util.Map;

import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobRun;

/** Starting a catalogue job as an operator would (through Quartz) and waiting for that very run to end. */
public final class JobRuns {

	private JobRuns() {
	}

	/** Runs {@code job} now and returns its run once it has ended (any status but STARTING/STARTED), within 30 s. */
	public static JobRun runNowAndWait(JobOperations operations, String job) {
		return runNowAndWait(operations, job, Duration.ofSeconds(30));
	}

	public static JobRun runNowAndWait(JobOperations operations, String job, Duration within) {
		return awaitRequest(operations, job, operations.runNow(job), within);
	}

	/** Same, with parameters of this run that replace the catalogue's; within 60 s. */
	public static JobRun runNowAndWait(JobOperations operations, String job, Map<String, String> parameters) {
		return awaitRequest(operations, job, operations.runNow(job, parameters), Duration.ofSeconds(60));
	}

	/** The run of the operator's request {@code request}, once it is no longer STARTING or STARTED. */
	public static JobRun awaitRequest(JobOperations operations, String job, String request, Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		while (System.nanoTime() < deadline) {
			var run = operations.runs(job, 50)
				.stream()
				.filter(r -> ("operator:" + request).equals(r.parameter(JobParameterNames.FIRED_BY)))
				.filter(r -> !r.status().equals("STARTING") && !r.status().equals("STARTED"))
				.findFirst();
			if (run.isPresent()) {
				return run.get();
			}
			sleep(100);
		}
		throw new AssertionError("run " + request + " of " + job + " did not finish within " + within);
	}

	public static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
