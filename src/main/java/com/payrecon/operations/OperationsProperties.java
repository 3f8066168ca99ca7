package com.payrecon.operations;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.operations}.
 *
 * @param scrapeTokenSha256 hex SHA-256 of the bearer token that may read {@code /actuator/prometheus}; unset: the
 * endpoint answers 401 to everyone
 * @param gaugeCache database gauges are read at most this often, however often they are scraped
 * @param staleAfter a PENDING order older than this counts as stale in {@code payrecon.orders.stale.pending}
 */
@ConfigurationProperties("payrecon.operations")
public record OperationsProperties(String scrapeTokenSha256, @DefaultValue("5s") Duration gaugeCache,
		@DefaultValue("10m") Duration staleAfter) {

	@Override
	public String toString() {
		return "OperationsProperties[scrapeTokenSha256=****, gaugeCache=" + gaugeCache + ", staleAfter=" + staleAfter + "]";
	}
}
