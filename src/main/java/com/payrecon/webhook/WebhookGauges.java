package com.payrecon.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.payrecon.outbox.OutboxRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Per endpoint: the age of the oldest event it has not got yet (a PENDING delivery, or an event of one of its
 * accounts not fanned out yet), how long it has been failing without a success, and whether it was disabled by
 * failures. Read from the database by the delivering nodes every few seconds ({@link #refresh}); alert rules in
 * docs/webhooks.md.
 */
@Component
class WebhookGauges implements MeterBinder {

	private static final Logger log = LoggerFactory.getLogger(WebhookGauges.class);
	static final String OLDEST_UNDELIVERED = "payrecon.webhook.oldest.undelivered.age";
	static final String FAILING = "payrecon.webhook.endpoint.failing";
	static final String DISABLED = "payrecon.webhook.endpoint.disabled";

	private final EndpointRepository endpoints;
	private final DeliveryRepository deliveries;
	private final OutboxRepository events;
	private final Clock clock;
	private MultiGauge oldest;
	private MultiGauge failing;
	private MultiGauge disabled;

	WebhookGauges(EndpointRepository endpoints, DeliveryRepository deliveries, OutboxRepository events, Clock clock) {
		this.endpoints = endpoints;
		this.deliveries = deliveries;
		this.events = events;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		oldest = MultiGauge.builder(OLDEST_UNDELIVERED)
			.description("age of the oldest event an enabled endpoint has not got yet (0 when none)")
			.baseUnit("seconds")
			.register(registry);
		failing = MultiGauge.builder(FAILING)
			.description("how long an enabled endpoint has failed without a success (0 when healthy)")
			.baseUnit("seconds")
			.register(registry);
		disabled = MultiGauge.builder(DISABLED)
			.description("1 when the endpoint is disabled, by: failure (410 Gone or failing too long), admin, configuration")
			.register(registry);
	}

	/** Reads the figures again (two grouped queries and one per account behind); keeps the last ones on failure. */
	void refresh() {
		if (oldest == null) {
			return;
		}
		try {
			Instant now = clock.instant();
			List<WebhookEndpoint> all = endpoints.all();
			Map<Long, Instant> pending = new java.util.HashMap<>();
			deliveries.oldestPending()
				.forEach((endpoint, eventId) -> events.find(eventId).ifPresent(e -> pending.put(endpoint, e.occurredAt())));
			Map<String, Instant> notFannedOut = new java.util.HashMap<>();
			Map<String, Long> positions = deliveries.fanoutPositions();
			events.lastSeqOfAll().forEach((account, last) -> {
				long position = positions.getOrDefault(account, 0L);
				if (position < last) {
					events.occurredAt(account, position + 1).ifPresent(t -> notFannedOut.put(account, t));
				}
			});
			List<MultiGauge.Row<?>> oldestRows = new ArrayList<>();
			List<MultiGauge.Row<?>> failingRows = new ArrayList<>();
			List<MultiGauge.Row<?>> disabledRows = new ArrayList<>();
			for (WebhookEndpoint e : all) {
				Tags tags = Tags.of("endpoint", e.name());
				if (e.enabled()) {
					Instant first = pending.get(e.id());
					for (var entry : notFannedOut.entrySet()) {
						if ((e.accounts().isEmpty() || e.accounts().contains(entry.getKey()))
								&& (first == null || entry.getValue().isBefore(first))) {
							first = entry.getValue();
						}
					}
					oldestRows.add(MultiGauge.Row.of(tags, first == null ? 0 : seconds(first, now)));
					failingRows.add(MultiGauge.Row.of(tags, e.failingSince() == null ? 0 : seconds(e.failingSince(), now)));
				}
				String by = e.enabled() ? null : by(e.statusReason());
				for (String reason : List.of("failure", "admin", "configuration")) {
					disabledRows.add(MultiGauge.Row.of(tags.and("by", reason), reason.equals(by) ? 1 : 0));
				}
			}
			oldest.register(oldestRows, true);
			failing.register(failingRows, true);
			disabled.register(disabledRows, true);
		}
		catch (RuntimeException ex) {
			log.debug("Webhook gauges not refreshed: {}", ex.toString());
		}
	}

	private static String by(String reason) {
		if (reason == null || reason.startsWith(WebhookEndpoints.BY_ADMIN)) {
			return "admin";
		}
		return reason.startsWith(WebhookEndpoints.BY_FAILURE) ? "failure" : "configuration";
	}

	private static double seconds(Instant from, Instant now) {
		return Math.max(0, Duration.between(from, now).toMillis() / 1000.0);
	}
}
