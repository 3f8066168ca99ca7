package com.payrecon.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobParameterValues;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * The parameters of {@code daily-reconciliation}. {@code fireTime} comes from the scheduler: each account reconciles
 * the day before the fire time's date in its own zone. From the catalogue: {@code chunkSize} (1–10000, default 5000),
 * {@code expectedWindow} (ISO-8601, default PT15M), {@code dryRun} (default false), {@code accounts} (comma-separated
 * ids, default all), {@code day} (ISO date: reconcile that day, even if it has a run already, instead of the days
 * due), {@code backfillDays} (1–92, default 31: how far back missed days are caught up), {@code billRetries} (1–48,
 * default 6) and {@code billRetryDelay} (PT1S–PT6H, default PT30M): how often and how far apart a bill that is not
 * ready yet is asked for again; {@code requestedBy} (who asked, for the run's record); {@code resume} (the id of a
 * RUNNING run whose job execution is gone: continue it after its last committed line instead of starting one).
 */
record DailyReconciliationParameters(Instant fireTime, int chunkSize, Duration expectedWindow, boolean dryRun,
		Set<String> accounts, @Nullable LocalDate day, int backfillDays, int billRetries, Duration billRetryDelay,
		@Nullable String requestedBy, @Nullable String runRequest, @Nullable Long resume) {

	static final String CHUNK_SIZE = "chunkSize";
	static final String EXPECTED_WINDOW = "expectedWindow";
	static final String DRY_RUN = "dryRun";
	static final String ACCOUNTS = "accounts";
	static final String DAY = "day";
	static final String BACKFILL_DAYS = "backfillDays";
	static final String BILL_RETRIES = "billRetries";
	static final String BILL_RETRY_DELAY = "billRetryDelay";
	static final String REQUESTED_BY = "requestedBy";
	static final String RESUME = "resume";
	private static final Set<String> ACCEPTED = JobParameterNames.accepted(CHUNK_SIZE, EXPECTED_WINDOW, DRY_RUN, ACCOUNTS,
			DAY, BACKFILL_DAYS, BILL_RETRIES, BILL_RETRY_DELAY, REQUESTED_BY, RESUME);

	static DailyReconciliationParameters of(JobParameters parameters) {
		for (JobParameter<?> p : parameters) {
			if (!ACCEPTED.contains(p.name())) {
				throw new IllegalArgumentException(p.name() + ": not a parameter of daily-reconciliation (accepted: " + ACCEPTED + ")");
			}
		}
		String fireTimeText = parameters.getString(JobParameterNames.FIRE_TIME);
		if (fireTimeText == null) {
			throw new IllegalArgumentException("fireTime is required");
		}
		Instant fireTime;
		try {
			fireTime = Instant.parse(fireTimeText);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("fireTime: not an ISO-8601 instant: " + fireTimeText);
		}
		int chunkSize = JobParameterValues.wholeNumber(parameters, CHUNK_SIZE, 5000, 1, 10_000);
		Duration window = JobParameterValues.duration(parameters, EXPECTED_WINDOW, "PT15M");
		if (window.isNegative() || window.compareTo(Duration.ofHours(12)) > 0) {
			throw new IllegalArgumentException(EXPECTED_WINDOW + ": between PT0S and PT12H");
		}
		String dryRun = parameters.getString(DRY_RUN, "false");
		if (!dryRun.equals("true") && !dryRun.equals("false")) {
			throw new IllegalArgumentException(DRY_RUN + ": true or false");
		}
		Set<String> ids = Arrays.stream(parameters.getString(ACCOUNTS, "").split(",")).map(String::strip)
			.filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
		String dayText = parameters.getString(DAY);
		LocalDate day;
		try {
			day = dayText == null || dayText.isBlank() ? null : LocalDate.parse(dayText);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(DAY + ": not an ISO-8601 date (e.g. 2026-05-12): " + dayText);
		}
		int backfillDays = JobParameterValues.wholeNumber(parameters, BACKFILL_DAYS, 31, 1, 92);
		int billRetries = JobParameterValues.wholeNumber(parameters, BILL_RETRIES, 6, 1, 48);
		Duration billRetryDelay = JobParameterValues.duration(parameters, BILL_RETRY_DELAY, "PT30M");
		if (billRetryDelay.compareTo(Duration.ofSeconds(1)) < 0 || billRetryDelay.compareTo(Duration.ofHours(6)) > 0) {
			throw new IllegalArgumentException(BILL_RETRY_DELAY + ": between PT1S and PT6H");
		}
		return new DailyReconciliationParameters(fireTime, chunkSize, window, Boolean.parseBoolean(dryRun), ids, day,
				backfillDays, billRetries, billRetryDelay, parameters.getString(REQUESTED_BY),
				parameters.getString(JobParameterNames.RUN_REQUEST), parameters.getLong(RESUME));
	}

	RunOptions options(long executionId) {
		String by = "job:" + DailyReconciliationJobConfiguration.JOB + "#" + executionId
				+ (requestedBy == null ? "" : " for " + requestedBy);
		return new RunOptions(ReconciliationRunRepository.truncate(by, 128), dryRun, chunkSize, expectedWindow);
	}

	static JobParametersValidator validator() {
		return JobParameterValues.validator(DailyReconciliationParameters::of);
	}
}
