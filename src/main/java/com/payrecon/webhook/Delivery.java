package com.payrecon.webhook;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One event to one endpoint, as stored.
 *
 * @param eventId the outbox row id of the event
 * @param attempts attempts claimed so far (the number of the last one)
 * @param roundStart attempts before the current round of the retry schedule (a redelivery starts a new round)
 */
public record Delivery(long id, long endpointId, long eventId, String accountId, @Nullable Long orderId,
		DeliveryStatus status, int attempts, int roundStart, boolean manual, Instant nextAttemptAt,
		@Nullable Instant lastAttemptAt, @Nullable Integer lastStatus, @Nullable String lastOutcome,
		@Nullable String leasedBy, @Nullable Instant deliveredAt, Instant createdAt, int version) {
}
