package com.payrecon.refund;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The refund amount per day, from the database (so it survives restarts and is the same on every node):
 * {@code payrecon.refunds.today} per account, the fen of its refunds that succeeded since the start of today in the
 * account's zone. One grouped query per zone, at most once per {@code payrecon.operations.gauge-cache} however often
 * Prometheus scrapes; while the database is away the last values stay.
 */
@Component
class RefundGauges implements MeterBinder {

	private static final Logger log = LoggerFactory.getLogger(RefundGauges.class);

	static final String TODAY = "payrecon.refunds.today";

	private final RefundRepository refunds;
	private final AccountRegistry accounts;
	private final Clock clock;
	private final Duration cache;
	private Instant readAt = Instant.MIN;
	private Map<String, Long> today = Map.of();

	RefundGauges(RefundRepository refunds, AccountRegistry accounts, Clock clock,
			@Value("${payrecon.operations.gauge-cache:5s}") Duration cache) {
		this.refunds = refunds;
		this.accounts = accounts;
		this.clock = clock;
		this.cache = cache;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (Account account : accounts.all()) {
			String id = account.id();
			Gauge.builder(TODAY, () -> current().getOrDefault(id, 0L))
				.description("fen refunded today (refunds that succeeded since midnight in the account's zone)")
				.baseUnit("fen")
				.tag("account", id)
				.register(registry);
		}
	}

	private synchronized Map<String, Long> current() {
		Instant now = clock.instant();
		if (readAt.plus(cache).isAfter(now) && !readAt.isAfter(now)) {
			return today;
		}
		try {
			Map<ZoneId, List<String>> byZone = accounts.all().stream()
				.collect(Collectors.groupingBy(Account::zone, Collectors.mapping(Account::id, Collectors.toList())));
			Map<String, Long> sums = new HashMap<>();
			byZone.forEach((zone, ids) -> sums.putAll(
					refunds.succeededSince(ids, LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant())));
			today = sums;
			readAt = now;
		}
		catch (RuntimeException ex) {
			log.debug("Refund gauges not refreshed: {}", ex.toString());
		}
		return today;
	}
}
