package com.payrecon.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.payrecon.scheduling.JobParameterNames;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * The parameters of {@code daily-reconciliation}. {@code fireTime} comes from the scheduler: each account reconciles
 * the day before the fire time's date in its own zone. From the catalogue: {@code chunkSize} (1–10000, default 1000),
 * {@code expectedWindow} (ISO-8601, default PT15M), {@code dryRun} (default false), {@code accounts} (comma-separated
 * ids, default all), {@code day} (ISO date: reconcile that day instead of the day before the fire time).
 */
record DailyReconciliationParameters(Instant fireTime, int chunkSize, Duration expectedWindow, boolean dryRun,
		Set<String> accounts, @Nullable LocalDate day) {

	static final String CHUNK_SIZE = "chunkSize";
	static final String EXPECTED_WINDOW = "expectedWindow";
	static final String DRY_RUN = "dryRun";
	static final String ACCOUNTS = "accounts";
	static final String DAY = "day";
	private static final Set<String> ACCEPTED = JobParameterNames.accepted(CHUNK_SIZE, EXPECTED_WINDOW, DRY_RUN, ACCOUNTS,
			DAY);

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
		JobParameter<?> chunk = parameters.getParameter(CHUNK_SIZE);
		long chunkSize = chunk == null ? 1000 : chunk.value() instanceof Long l ? l : -1;
		if (chunkSize < 1 || chunkSize > 10_000) {
			throw new IllegalArgumentException(CHUNK_SIZE + ": a whole number from 1 to 10000");
		}
		String windowText = parameters.getString(EXPECTED_WINDOW, "PT15M");
		Duration window;
		try {
			window = Duration.parse(windowText);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(EXPECTED_WINDOW + ": not an ISO-8601 duration (e.g. PT15M): " + windowText);
		}
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
		return new DailyReconciliationParameters(fireTime, (int) chunkSize, window, Boolean.parseBoolean(dryRun), ids, day);
	}

	RunOptions options(String triggeredBy) {
		return new RunOptions(triggeredBy, dryRun, chunkSize, expectedWindow);
	}

	static final class Validator implements JobParametersValidator {
		@Override
		public void validate(JobParameters parameters) throws InvalidJobParametersException {
			try {
				of(parameters);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidJobParametersException(ex.getMessage());
			}
		}
	}
}
