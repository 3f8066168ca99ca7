package com.payrecon.webhook;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One attempt of a delivery, as the delivery log shows it.
 *
 * @param manual whether it belongs to an admin's redelivery
 * @param httpStatus the receiver's status code; null when no answer came
 * @param outcome an {@link AttemptOutcome} name
 * @param responseExcerpt the start of the receiver's answer ({@code payrecon.webhook-delivery.response-excerpt})
 * @param error what went wrong on the way when there was no answer (no secrets: the request's signature is not in it)
 */
public record Attempt(int number, String node, boolean manual, Instant startedAt, long durationMs,
		@Nullable Integer httpStatus, String outcome, @Nullable String responseExcerpt, @Nullable String error) {
}
