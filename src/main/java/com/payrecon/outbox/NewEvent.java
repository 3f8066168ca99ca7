package com.payrecon.outbox;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An event as its writer hands it to the {@link Outbox}: the sequence number and the id are added when it is
 * written. {@code data} becomes the JSON {@code data} object (values: strings, numbers, booleans, nested maps, in
 * the map's order); never put a secret in it.
 *
 * @param trigger what asked, coarsely ({@code stale-pending-sweep}, {@code reconciliation}, ...), or null
 * @param orderEventId the order history line of the same change, when there is one
 */
public record NewEvent(EventType type, String accountId, @Nullable Long orderId, @Nullable Long orderEventId,
		@Nullable String outTradeNo, @Nullable Long refundId, EventCause cause, @Nullable String trigger,
		Instant occurredAt, Map<String, Object> data) {
}
