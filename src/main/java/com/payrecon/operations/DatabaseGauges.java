package com.payrecon.operations;


import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Gauges per account read from the database: open discrepancies of current reconciliation runs (count and the age
 * of the oldest), stale PENDING orders and micropay charges left to a person. Three grouped queries ({@link OperationsQuery}), run at most once per
 * {@code gauge-cache} however often Prometheus scrapes; if the database is away the last values stay (the health
 * endpoint reports that).
 */
@Component
class DatabaseGauges implements MeterBinder {

	private static final Logger log = LoggerFactory.getLogger(DatabaseGauges.class);

	static final String OPEN_DISCREPANCIES = "payrecon.discrepancies.open";
	static final String OLDEST_OPEN_DISCREPANCY = "payrecon.discrepancies.open.oldest.age";
	static final String STALE_PENDING = "payrecon.orders.stale.pending";
	static final String MICROPAY_NEEDS_PERSON = "payrecon.micropay.needs.person";

	private final OperationsQuery query;
	private final AccountRegistry accounts;
	private final OperationsProperties properties;
	private final Clock clock;

	private Snapshot snapshot = new Snapshot(Instant.MIN, Map.of(), Map.of(), Map.of(), Map.of());

	DatabaseGauges(OperationsQuery query, AccountRegistry accounts, OperationsProperties properties, Clock clock) {
		this.query = query;
		this.accounts = accounts;
		this.properties = properties;
		this.clock = clock;
	}

	private record Snapshot(Instant readAt, Map<String, Long> openDiscrepancies, Map<String, Instant> oldestOpen,
			Map<String, Long> stalePending, Map<String, Long> micropayNeedsPerson) {
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (Account account : accounts.all()) {
			String id = account.id();
			Gauge.builder(OPEN_DISCREPANCIES, () -> current().openDiscrepancies().getOrDefault(id, 0L))
				.description("open or assigned discrepancies of current reconciliation runs")
				.tag("account", id)
				.register(registry);
			Gauge.builder(OLDEST_OPEN_DISCREPANCY, () -> oldestAgeSeconds(id))
				.description("age of the oldest open discrepancy (0 when none)")
				.baseUnit("seconds")
				.tag("account", id)
				.register(registry);
			Gauge.builder(STALE_PENDING, () -> current().stalePending().getOrDefault(id, 0L))
				.description("PENDING orders older than payrecon.operations.stale-after")
				.tag("account", id)
				.register(registry);
			Gauge.builder(MICROPAY_NEEDS_PERSON, () -> current().micropayNeedsPerson().getOrDefault(id, 0L))
				.description("micropay charges whose reverse failed too often, left to a person (NEEDS_PERSON)")
				.tag("account", id)
				.register(registry);
		}
	}

	private double oldestAgeSeconds(String accountId) {
		Snapshot s = current();
		Instant oldest = s.oldestOpen().get(accountId);
		return oldest == null ? 0 : Math.max(0, Duration.between(oldest, s.readAt()).toSeconds());
	}

	private synchronized Snapshot current() {
		Instant now = clock.instant();
		if (snapshot.readAt().plus(properties.gaugeCache()).isAfter(now) && !snapshot.readAt().isAfter(now)) {
			return snapshot;
		}
		try {
			OperationsQuery.Counts counts = query.counts(now.minus(properties.staleAfter()));
			snapshot = new Snapshot(now, counts.openDiscrepancies(), counts.oldestOpen(), counts.stalePending(),
					counts.micropayNeedsPerson());
		}
		catch (RuntimeException ex) {
			log.debug("Gauges not refreshed: {}", ex.toString());
		}
		return snapshot;
	}
}
