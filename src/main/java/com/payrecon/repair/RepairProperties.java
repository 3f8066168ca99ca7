package com.payrecon.repair;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.repair}: how often a still-pending order is asked about again.
 *
 * @param backoff waits between checks of one order, by how many checks it had (default 1, 2, 5, 10, 30 minutes)
 * @param afterBackoff the wait once the list is used up (default hourly)
 */
@ConfigurationProperties("payrecon.repair")
public record RepairProperties(@DefaultValue({ "1m", "2m", "5m", "10m", "30m" }) List<Duration> backoff,
		@DefaultValue("1h") Duration afterBackoff) {

	public RepairProperties {
		backoff = List.copyOf(backoff);
		if (backoff.stream().anyMatch(d -> d.isNegative() || d.isZero()) || afterBackoff.isNegative() || afterBackoff.isZero()) {
			throw new IllegalArgumentException("payrecon.repair.backoff and .after-backoff: positive durations");
		}
	}
}
