package com.payrecon.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobParameterValues;

import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * The parameters of {@code data-retention}: how long each kind of row is kept (ISO-8601 periods), and how gently it
 * is removed. Evidence a finance audit asks for has a floor: raw notifications (hot and archived together) and
 * archived bills are kept at least five years ({@link #EVIDENCE_FLOOR}); a shorter setting stops start-up.
 *
 * @param batchHistory Spring Batch job instances (default P90D)
 * @param indefiniteQueries provider questions whose answer was indefinite: error, still paying, not paid (P90D)
 * @param queries every provider question, the signed answers that repaired orders included (P5Y)
 * @param hotNotifications raw notifications stay in their table this long, then move to compressed archives (P400D)
 * @param notifications how long a raw notification is kept in all, hot and archived (P10Y, at least P5Y)
 * @param bills archived bills (P10Y, at least P5Y)
 * @param chunkSize rows per statement (1–5000, default 500)
 * @param pause the wait between chunks (default PT0.02S)
 * @param budget how long each step may run before it stops for the night (default PT1H)
 */
record DataRetentionParameters(Period batchHistory, Period indefiniteQueries, Period queries, Period hotNotifications,
		Period notifications, Period bills, int chunkSize, Duration pause, Duration budget) {

	static final Period EVIDENCE_FLOOR = Period.ofYears(5);
	private static final Set<String> ACCEPTED = JobParameterNames.accepted("batchHistory", "indefiniteQueries",
			"queries", "hotNotifications", "notifications", "bills", "chunkSize", "pause", "budget");

	static DataRetentionParameters of(JobParameters parameters) {
		for (JobParameter<?> p : parameters) {
			if (!ACCEPTED.contains(p.name())) {
				throw new IllegalArgumentException(p.name() + ": not a parameter of data-retention (accepted: " + ACCEPTED + ")");
			}
		}
		var result = new DataRetentionParameters(period(parameters, "batchHistory", "P90D"),
				period(parameters, "indefiniteQueries", "P90D"), period(parameters, "queries", "P5Y"),
				period(parameters, "hotNotifications", "P400D"), period(parameters, "notifications", "P10Y"),
				period(parameters, "bills", "P10Y"), JobParameterValues.wholeNumber(parameters, "chunkSize", 500, 1, 5000),
				duration(parameters, "pause", "PT0.02S"), duration(parameters, "budget", "PT1H"));
		atLeast("queries", result.queries, EVIDENCE_FLOOR);
		atLeast("notifications", result.notifications, EVIDENCE_FLOOR);
		atLeast("notifications", result.notifications, result.hotNotifications);
		atLeast("bills", result.bills, EVIDENCE_FLOOR);
		return result;
	}

	/** The instant {@code period} before {@code now} (periods count calendar days in UTC). */
	static Instant before(Instant now, Period period) {
		return now.atOffset(ZoneOffset.UTC).minus(period).toInstant();
	}

	private static void atLeast(String name, Period period, Period floor) {
		LocalDate base = LocalDate.of(2000, 1, 1);
		if (base.plus(period).isBefore(base.plus(floor))) {
			throw new IllegalArgumentException(name + ": evidence is kept at least " + floor + " (finance audit), not " + period);
		}
	}

	private static Period period(JobParameters parameters, String name, String fallback) {
		String text = parameters.getString(name, fallback);
		try {
			Period period = Period.parse(text);
			if (period.isNegative() || period.isZero()) {
				throw new IllegalArgumentException(name + ": a positive period");
			}
			return period;
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(name + ": not an ISO-8601 period (e.g. " + fallback + "): " + text);
		}
	}

	private static Duration duration(JobParameters parameters, String name, String fallback) {
		Duration duration = JobParameterValues.duration(parameters, name, fallback);
		if (duration.isNegative()) {
			throw new IllegalArgumentException(name + ": not negative");
		}
		return duration;
	}

	static JobParametersValidator validator() {
		return JobParameterValues.validator(DataRetentionParameters::of);
	}
}
