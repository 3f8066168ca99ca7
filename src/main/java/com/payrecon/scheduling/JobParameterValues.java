package com.payrecon.scheduling;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;

import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * Reading a job's parameters the way every job of the catalogue does: a value out of range or of the wrong form is an
 * {@link IllegalArgumentException} whose message names the parameter (it stops start-up for a catalogue value).
 */
public final class JobParameterValues {

	private JobParameterValues() {
	}

	/** A whole number (the catalogue's YAML gives numbers as Long) from {@code min} to {@code max}. */
	public static int wholeNumber(JobParameters parameters, String name, int fallback, int min, int max) {
		JobParameter<?> p = parameters.getParameter(name);
		long value = p == null ? fallback : p.value() instanceof Long l ? l : Long.MIN_VALUE;
		if (value < min || value > max) {
			throw new IllegalArgumentException(name + ": a whole number from " + min + " to " + max);
		}
		return (int) value;
	}

	/** An ISO-8601 duration ({@code PT2M}). */
	public static Duration duration(JobParameters parameters, String name, String fallback) {
		String text = parameters.getString(name, fallback);
		try {
			return Duration.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(name + ": not an ISO-8601 duration (e.g. " + fallback + "): " + text);
		}
	}

	/** A validator that runs the job's parameter parser and reports its refusal. */
	public static JobParametersValidator validator(Consumer<JobParameters> parse) {
		return parameters -> {
			try {
				parse.accept(parameters);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidJobParametersException(ex.getMessage());
			}
		};
	}
}
