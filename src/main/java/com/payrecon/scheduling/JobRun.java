package com.payrecon.scheduling;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One execution of a job, from the Spring Batch repository: status, parameters (and which of them identify the run),
 * and what each step read, wrote and committed. {@code exitMessage} is cut to 500 characters.
 */
public record JobRun(long executionId, long instanceId, String jobName, String status, String exitCode,
		String exitMessage, Map<String, String> parameters, Set<String> identifyingParameters,
		@Nullable Instant startTime, @Nullable Instant endTime, List<StepRun> steps) {

	/** One step of a run. */
	public record StepRun(String name, String status, long readCount, long writeCount, long filterCount,
			long commitCount, long rollbackCount, long skipCount) {
	}

	public @Nullable String parameter(String name) {
		return parameters.get(name);
	}

	public StepRun step(String name) {
		return steps.stream()
			.filter(s -> s.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("run " + executionId + " has no step " + name));
	}
}
