package com.payrecon.console.jobs;

import java.time.Duration;
import java.util.Locale;

import com.payrecon.scheduling.JobRun;

import org.springframework.stereotype.Component;

/** Run figures for the job templates ({@code @jobsFmt}): totals over the steps and the duration. */
@Component("jobsFmt")
public class JobsFormat {

	public static long read(JobRun run) {
		return run.steps().stream().mapToLong(JobRun.StepRun::readCount).sum();
	}

	public static long written(JobRun run) {
		return run.steps().stream().mapToLong(JobRun.StepRun::writeCount).sum();
	}

	public static long skipped(JobRun run) {
		return run.steps().stream().mapToLong(JobRun.StepRun::skipCount).sum();
	}

	public long readCount(JobRun run) {
		return read(run);
	}

	public long writeCount(JobRun run) {
		return written(run);
	}

	public long skipCount(JobRun run) {
		return skipped(run);
	}

	/** "1 m 05 s", "0.4 s"; empty while the run has not ended. */
	public String duration(JobRun run) {
		if (run.startTime() == null || run.endTime() == null) {
			return "";
		}
		Duration d = Duration.between(run.startTime(), run.endTime());
		if (d.toMinutes() > 0) {
			return d.toMinutes() + " m " + String.format(Locale.ROOT, "%02d", d.toSecondsPart()) + " s";
		}
		return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
	}
}
