package com.payrecon.order.stale;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;

import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobParameterValues;

import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * The parameters of {@code stale-pending-report}, parsed once. {@code fireTime} and {@code businessDate} come from the
 * scheduler; {@code staleAfter} (ISO-8601 duration, default PT2H) and {@code chunkSize} (1–10000, default 500) from
 * the catalogue.
 *
 * @param cutoff orders created before this instant and still PENDING are stale ({@code fireTime - staleAfter}); fixed
 * per run, so a restart counts against the same cutoff
 */
record StalePendingReportParameters(Instant fireTime, LocalDate businessDate, Duration staleAfter, int chunkSize,
		Instant cutoff) {

	static final String STALE_AFTER = "staleAfter";
	static final String CHUNK_SIZE = "chunkSize";
	private static final Set<String> ACCEPTED = JobParameterNames.accepted(STALE_AFTER, CHUNK_SIZE);

	static StalePendingReportParameters of(JobParameters parameters) {
		for (JobParameter<?> p : parameters) {
			if (!ACCEPTED.contains(p.name())) {
				throw new IllegalArgumentException(p.name() + ": not a parameter of stale-pending-report (accepted: " + ACCEPTED + ")");
			}
		}
		String fireTimeText = parameters.getString(JobParameterNames.FIRE_TIME);
		LocalDate businessDate = parameters.getLocalDate(JobParameterNames.BUSINESS_DATE);
		if (fireTimeText == null || businessDate == null) {
			throw new IllegalArgumentException("fireTime and businessDate are required");
		}
		Instant fireTime;
		Duration staleAfter;
		try {
			fireTime = Instant.parse(fireTimeText);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("fireTime: not an ISO-8601 instant: " + fireTimeText);
		}
		String staleAfterText = parameters.getString(STALE_AFTER, "PT2H");
		try {
			staleAfter = Duration.parse(staleAfterText);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(STALE_AFTER + ": not an ISO-8601 duration (e.g. PT2H): " + staleAfterText);
		}
		if (staleAfter.isNegative()) {
			throw new IllegalArgumentException(STALE_AFTER + ": must not be negative");
		}
		JobParameter<?> chunk = parameters.getParameter(CHUNK_SIZE);
		long chunkSize = chunk == null ? 500 : chunk.value() instanceof Long l ? l : -1;
		if (chunkSize < 1 || chunkSize > 10_000) {
			throw new IllegalArgumentException(CHUNK_SIZE + ": a whole number from 1 to 10000");
		}
		return new StalePendingReportParameters(fireTime, businessDate, staleAfter, (int) chunkSize,
				fireTime.minus(staleAfter));
	}

	/** Rejects unknown names and bad values before a run starts, and at start-up for the catalogue's values. */
	static JobParametersValidator validator() {
		return JobParameterValues.validator(StalePendingReportParameters::of);
	}
}
