package com.payrecon.outbox;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event as stored: {@code body} is the exact JSON sent to webhook endpoints and served by the feed.
 *
 * @param id the row id (internal; orders deliveries)
 * @param eventId the public id ({@code evt_…}), the same on every delivery: consumers deduplicate on it
 * @param seq its place in the account's gap-free sequence, from 1
 */
public record OutboxEvent(long id, String eventId, String accountId, long seq, String type, @Nullable Long orderId,
		@Nullable String outTradeNo, @Nullable Long refundId, String cause, Instant occurredAt, String body) {
}
