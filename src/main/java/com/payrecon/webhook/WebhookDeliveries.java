package com.payrecon.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.outbox.OutboxEvent;
import com.payrecon.outbox.OutboxRepository;
import com.payrecon.security.Refused;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The use cases of deliveries: fan events out to endpoints, claim due attempts, record their outcomes (with the
 * retry schedule, and an endpoint's health), and an admin's redelivery of one event or of a time range (audited).
 * Each method is one transaction; the deliverer calls them and sends in between, outside any transaction.
 */
@Service
public class WebhookDeliveries {

	/** Metric: attempts by endpoint and outcome (DELIVERED, HTTP_ERROR, TIMEOUT, ...). */
	public static final String ATTEMPTS_METRIC = "payrecon.webhook.deliveries";
	/** At most this many events are queued again by one range redelivery. */
	public static final int MAX_RANGE = 10_000;

	/** An attempt this node claimed: the delivery, its event and endpoint, and the attempt's number. */
	record Claimed(Delivery delivery, OutboxEvent event, WebhookEndpoint endpoint, int attempt) {
	}

	/** A delivery and its event, for the console. */
	public record DeliveryLine(Delivery delivery, OutboxEvent event) {
	}

	/** One event's delivery to one endpoint with every attempt; no delivery when the endpoint never got the event. */
	public record EventLog(WebhookEndpoint endpoint, OutboxEvent event, @Nullable Delivery delivery,
			List<Attempt> attempts) {
	}

	private final DeliveryRepository deliveries;
	private final EndpointRepository endpoints;
	private final OutboxRepository events;
	private final WebhookEndpoints endpointService;
	private final DeliveryProperties properties;
	private final AuditLog audit;
	private final MeterRegistry meters;
	private final Clock clock;

	WebhookDeliveries(DeliveryRepository deliveries, EndpointRepository endpoints, OutboxRepository events,
			WebhookEndpoints endpointService, DeliveryProperties properties, AuditLog audit, MeterRegistry meters,
			Clock clock) {
		this.deliveries = deliveries;
		this.endpoints = endpoints;
		this.events = events;
		this.endpointService = endpointService;
		this.properties = properties;
		this.audit = audit;
		this.meters = meters;
		this.clock = clock;
	}

	// ---- fan-out -----------------------------------------------------------------------------------------------------

	/**
	 * One account's new events become PENDING deliveries to the endpoints that want them, in sequence order (so the
	 * events of one order get their deliveries in order); the account's position moves in the same transaction.
	 * Another node holding the account is skipped, not waited for. Returns the events fanned out.
	 */
	@Transactional
	public int fanOut(String accountId, int limit) {
		Long position = deliveries.lockFanout(accountId).orElse(null);
		if (position == null) {
			return 0;
		}
		List<OutboxEvent> batch = events.after(accountId, position, limit);
		if (batch.isEmpty()) {
			return 0;
		}
		List<WebhookEndpoint> enabled = endpoints.enabled();
		Instant now = clock.instant();
		for (OutboxEvent e : batch) {
			deliveries.insertPending(enabled.stream().filter(ep -> ep.wants(e)).map(WebhookEndpoint::id).toList(), e, now);
		}
		deliveries.moveFanout(accountId, batch.getLast().seq());
		return batch.size();
	}

	// ---- claiming and settling ---------------------------------------------------------------------------------------

	/** Claims up to {@code limit} due attempts for {@code node}: each is this node's until its lease ends. */
	@Transactional
	public List<Claimed> claim(String node, int limit) {
		Map<Long, WebhookEndpoint> enabled = endpoints.enabled().stream()
			.collect(Collectors.toMap(WebhookEndpoint::id, Function.identity()));
		Instant now = clock.instant();
		List<Claimed> claimed = new ArrayList<>();
		for (Delivery d : deliveries.lockDue(enabled.keySet(), now, limit)) {
			if (deliveries.claim(d, node, now, now.plus(properties.lease()))) {
				claimed.add(new Claimed(d, events.find(d.eventId()).orElseThrow(), enabled.get(d.endpointId()),
						d.attempts() + 1));
			}
		}
		return claimed;
	}

	/** The HMAC keys the claimed attempt is signed with. */
	List<byte[]> keys(Claimed c) {
		return endpointService.keys(c.endpoint(), clock.instant());
	}

	/**
	 * Records how attempt n went: DELIVERED on 2xx; otherwise the next retry per the schedule (a 429 or 503 with
	 * Retry-After waits at least that long), or FAILED when this round's schedule is used up. The endpoint's
	 * failing streak starts or ends here; a 410 Gone, or failing for {@code disable-after}, disables it.
	 */
	@Transactional
	public void record(Claimed c, String node, Instant startedAt, WebhookSender.Result result) {
		Instant now = clock.instant();
		Delivery d = c.delivery();
		deliveries.insertAttempt(d.id(), c.attempt(), node, d.manual(), startedAt, result);
		Counter.builder(ATTEMPTS_METRIC)
			.description("webhook delivery attempts, by endpoint and outcome")
			.tag("endpoint", c.endpoint().name())
			.tag("outcome", result.outcome().name())
			.register(meters)
			.increment();
		boolean delivered = result.outcome().delivered();
		int retry = c.attempt() - d.roundStart(); // retries used in this round, 1 after the first attempt
		List<Duration> schedule = properties.retrySchedule();
		DeliveryStatus to = delivered ? DeliveryStatus.DELIVERED
				: retry > schedule.size() || result.outcome() == AttemptOutcome.GONE ? DeliveryStatus.FAILED
				: DeliveryStatus.PENDING;
		Instant next = to == DeliveryStatus.PENDING ? now.plus(wait(schedule.get(retry - 1), result.retryAfter())) : now;
		deliveries.settle(d.id(), c.attempt(), to, next, result.status(), result.outcome(), now);
		// the endpoint's health: written only when it changes (no write per attempt on a busy endpoint)
		WebhookEndpoint e = endpoints.find(c.endpoint().id()).orElseThrow();
		if (delivered) {
			if (e.failingSince() != null || e.lastSuccessAt() == null || e.lastSuccessAt().isBefore(now.minusSeconds(60))) {
				endpoints.markHealthy(e.id(), now);
			}
		}
		else {
			if (e.failingSince() == null) {
				endpoints.markFailing(e.id(), startedAt);
			}
			if (result.outcome() == AttemptOutcome.GONE) {
				endpointService.disableFailing(e, "the receiver answered 410 Gone");
			}
			else if (e.failingSince() != null && !e.failingSince().plus(properties.disableAfter()).isAfter(now)) {
				endpointService.disableFailing(e, "failing since " + e.failingSince() + " without a success (disable-after "
						+ properties.disableAfter() + ")");
			}
		}
	}

	private Duration wait(Duration scheduled, Duration retryAfter) {
		double factor = 1 + properties.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
		Duration jittered = Duration.ofMillis(Math.max(0, Math.round(scheduled.toMillis() * factor)));
		return retryAfter != null && retryAfter.compareTo(jittered) > 0 ? retryAfter : jittered;
	}

	// ---- the delivery log -------------------------------------------------------------------------------------------

	/** The endpoint's latest deliveries (newest event first) with their events. */
	@Transactional(readOnly = true)
	@PreAuthorize("hasRole('ADMIN')")
	public List<DeliveryLine> recent(long endpointId, int limit) {
		List<Delivery> recent = deliveries.recent(endpointId, limit);
		Map<Long, OutboxEvent> byId = events.findAll(recent.stream().map(Delivery::eventId).toList())
			.stream()
			.collect(Collectors.toMap(OutboxEvent::id, Function.identity()));
		return recent.stream().map(d -> new DeliveryLine(d, byId.get(d.eventId()))).toList();
	}

	/** The delivery log of one event ({@code evt_…}) at one endpoint; empty when either is unknown. */
	@Transactional(readOnly = true)
	@PreAuthorize("hasRole('ADMIN')")
	public Optional<EventLog> log(long endpointId, String eventId) {
		Optional<WebhookEndpoint> endpoint = endpoints.find(endpointId);
		Optional<OutboxEvent> event = events.findByEventId(eventId);
		if (endpoint.isEmpty() || event.isEmpty()) {
			return Optional.empty();
		}
		Delivery d = deliveries.find(endpointId, event.get().id()).orElse(null);
		return Optional.of(new EventLog(endpoint.get(), event.get(), d, d == null ? List.of() : deliveries.attempts(d.id())));
	}

	/** Per endpoint id: when the oldest event it still has to get (a PENDING delivery) happened. */
	@Transactional(readOnly = true)
	@PreAuthorize("hasRole('ADMIN')")
	public Map<Long, Instant> oldestUndelivered() {
		Map<Long, Long> oldest = deliveries.oldestPending();
		Map<Long, Instant> occurred = events.findAll(oldest.values())
			.stream()
			.collect(Collectors.toMap(OutboxEvent::id, OutboxEvent::occurredAt));
		Map<Long, Instant> result = new java.util.LinkedHashMap<>();
		oldest.forEach((endpoint, event) -> {
			if (occurred.containsKey(event)) {
				result.put(endpoint, occurred.get(event));
			}
		});
		return result;
	}

	// ---- redelivery ---------------------------------------------------------------------------------------------------

	/**
	 * Sends one event to one endpoint again, now, with the same {@code webhook-id} and a fresh timestamp and signature;
	 * a new round of the retry schedule if it fails. Refused when the endpoint's filters do not take the event.
	 */
	@Transactional
	@PreAuthorize("hasRole('ADMIN') and #actor == authentication.name")
	public void redeliver(long endpointId, String eventId, String actor) {
		WebhookEndpoint e = endpoints.find(endpointId).orElseThrow(() -> new Refused("webhooks.refused.unknown", endpointId));
		OutboxEvent event = events.findByEventId(eventId).orElseThrow(() -> new Refused("webhooks.refused.noEvent", eventId));
		if (!e.subscribes(event)) {
			throw new Refused("webhooks.refused.notSubscribed", e.name(), eventId);
		}
		queueAgain(e, event);
		audit.record(actor, AuditAction.WEBHOOK_REDELIVERY, WebhookEndpoints.target(e), AuditOutcome.SUCCESS,
				"event " + eventId + " (" + event.type() + ", " + event.accountId() + " #" + event.seq() + ")");
	}

	/**
	 * Sends again every event that occurred in [from, to) and that the endpoint's filters take (at most
	 * {@link #MAX_RANGE}). Returns how many were queued.
	 */
	@Transactional
	@PreAuthorize("hasRole('ADMIN') and #actor == authentication.name")
	public int redeliverRange(long endpointId, Instant from, Instant to, String actor) {
		WebhookEndpoint e = endpoints.find(endpointId).orElseThrow(() -> new Refused("webhooks.refused.unknown", endpointId));
		if (!from.isBefore(to)) {
			throw new Refused("webhooks.refused.range");
		}
		List<OutboxEvent> range = events.between(e.accounts(), from, to, MAX_RANGE + 1);
		if (range.size() > MAX_RANGE) {
			throw new Refused("webhooks.refused.rangeTooLarge", MAX_RANGE);
		}
		int queued = 0;
		for (OutboxEvent event : range) {
			if (e.subscribes(event)) {
				queueAgain(e, event);
				queued++;
			}
		}
		audit.record(actor, AuditAction.WEBHOOK_REDELIVERY, WebhookEndpoints.target(e), AuditOutcome.SUCCESS,
				queued + " events that occurred from " + from + " to " + to);
		return queued;
	}

	private void queueAgain(WebhookEndpoint e, OutboxEvent event) {
		Instant now = clock.instant();
		if (deliveries.insertManual(e.id(), event, now)) {
			return;
		}
		Delivery d = deliveries.find(e.id(), event.id()).orElseThrow();
		Delivery locked = deliveries.lock(d.id()).orElseThrow();
		if (locked.status() != DeliveryStatus.PENDING && !locked.status().canMoveTo(DeliveryStatus.PENDING)) {
			throw new IllegalStateException("delivery " + d.id() + " cannot be sent again from " + locked.status());
		}
		if (!deliveries.redeliver(locked, now)) {
			throw new Refused("webhooks.refused.concurrent", e.name());
		}
	}
}
