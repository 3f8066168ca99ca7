package com.payrecon.webhook;

import java.time.Instant;
import java.util.Set;

import com.payrecon.outbox.OutboxEvent;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint as stored (never its secrets).
 *
 * @param origin {@code CONFIG} (from {@code payrecon.webhooks[]}) or {@code CONSOLE}
 * @param accounts the accounts whose events it gets; empty: all
 * @param eventTypes the event types it gets; empty: all
 * @param firstEventId it gets events from this outbox row id on (those written after it was created)
 * @param failingSince the first failed attempt since the last success; null: healthy
 * @param previousUntil during a rotation's overlap, until when the previous secret still signs
 */
public record WebhookEndpoint(long id, String name, String url, String origin, Set<String> accounts,
		Set<String> eventTypes, EndpointStatus status, @Nullable String statusReason, long firstEventId,
		@Nullable Instant failingSince, @Nullable Instant lastSuccessAt, @Nullable Instant previousUntil,
		boolean rotated, String createdBy, Instant createdAt, Instant updatedAt, int version) {

	public static final String CONFIG = "CONFIG";
	public static final String CONSOLE = "CONSOLE";

	/** Whether its filters take this event (status and creation aside). */
	public boolean subscribes(OutboxEvent event) {
		return (accounts.isEmpty() || accounts.contains(event.accountId()))
				&& (eventTypes.isEmpty() || eventTypes.contains(event.type()));
	}

	/** Whether the fan-out gives it this event: enabled, created before it, and its filters take it. */
	boolean wants(OutboxEvent event) {
		return status == EndpointStatus.ENABLED && event.id() >= firstEventId && subscribes(event);
	}

	public boolean enabled() {
		return status == EndpointStatus.ENABLED;
	}
}
