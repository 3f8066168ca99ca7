package com.payrecon.support;

import java.time.Duration;
import java.util.Optional;

import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobRun;

/** Starting a catalogue job as an operator would (through Quartz) and waiting for the run to end. */
public final class JobRuns {

	private JobRuns() {
	}

	/** Runs {@code job} now and returns its run once it has ended (any status but STARTING/STARTED), within 30 s. */
	public static JobRun runNowAndWait(JobOperations operations, String job) {
		return runNowAndWait(operations, job, Duration.ofSeconds(30));
	}

	public static JobRun runNowAndWait(JobOperations operations, String job, Duration within) {
		String request = operations.runNow(job);
		long deadline = System.nanoTime() + within.toNanos();
		while (System.nanoTime() < deadline) {
			Optional<JobRun> run = operations.runs(job, 20)
				.stream()
				.filter(r -> ("operator:" + request).equals(r.parameter(JobParameterNames.FIRED_BY)))
				.filter(r -> !r.status().equals("STARTING") && !r.status().equals("STARTED"))
				.findFirst();
			if (run.isPresent()) {
				return run.get();
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		throw new AssertionError("run " + request + " of " + job + " did not finish within " + within);
	}
}
