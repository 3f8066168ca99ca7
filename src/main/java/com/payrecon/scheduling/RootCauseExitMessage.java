package com.payrecon.scheduling;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * Puts the innermost cause of each failure at the start of a failed run's exit message. Spring Batch stores the
 * outermost stack trace, cut to 2500 characters, which usually ends before the cause an operator needs ("order id 42
 * belongs to account 'x', which is not configured"). Add it to every job: {@code new JobBuilder(..).listener(new
 * RootCauseExitMessage())}.
 */
public class RootCauseExitMessage implements JobExecutionListener {

	@Override
	public void afterJob(JobExecution execution) {
		if (execution.getAllFailureExceptions().isEmpty()) {
			return;
		}
		Set<String> causes = new LinkedHashSet<>();
		for (Throwable failure : execution.getAllFailureExceptions()) {
			Throwable root = failure;
			while (root.getCause() != null && root.getCause() != root) {
				root = root.getCause();
			}
			causes.add(root.getClass().getSimpleName() + ": " + root.getMessage());
		}
		ExitStatus status = execution.getExitStatus();
		execution.setExitStatus(new ExitStatus(status.getExitCode(), String.join("; ", causes) + " | " + status.getExitDescription()));
	}
}
