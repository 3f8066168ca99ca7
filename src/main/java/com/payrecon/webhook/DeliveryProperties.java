package com.payrecon.webhook;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.webhook-delivery}: how this node delivers (docs/webhooks.md).
 *
 * @param enabled whether this node delivers at all (every node may; they share the work safely)
 * @param concurrency requests in flight at once on this node
 * @param pollInterval how often an idle node looks for due deliveries (a commit on the same node wakes it at once)
 * @param gather after a round that found less than it could take, how long events are gathered before the next one
 * (each round costs a few queries; zero: a round per wake-up)
 * @param timeout the whole request, connection to last byte; longer counts as a failed attempt
 * @param connectTimeout connecting alone
 * @param retrySchedule the waits after the first attempt, one per retry (Standard Webhooks' example: about 3 days)
 * @param jitter each wait varies by up to this share either way
 * @param disableAfter an endpoint failing without a single success for this long is disabled
 * @param rotationOverlap after a secret rotation, requests carry both signatures this long
 * @param requireHttps refuse {@code http://} endpoint URLs
 * @param allowedNetworks CIDR blocks let through although private, loopback, link-local or PayRecon's own
 * (e.g. {@code 10.20.0.0/16} for an ERP on the internal network); empty: none
 * @param followRedirects follow 3xx answers (each hop checked like the first); off: a 3xx is a failed attempt
 * @param maxRedirects hops followed at most
 * @param batchSize deliveries claimed at most per look
 * @param responseExcerpt characters of the answer kept for the delivery log
 * @param node this node's name in the delivery log (default: host name and process id)
 */
@ConfigurationProperties("payrecon.webhook-delivery")
public record DeliveryProperties(@DefaultValue("true") boolean enabled, @DefaultValue("8") int concurrency,
		@DefaultValue("1s") Duration pollInterval, @DefaultValue("50ms") Duration gather, @DefaultValue("10s") Duration timeout,
		@DefaultValue("5s") Duration connectTimeout,
		@DefaultValue({ "5s", "5m", "30m", "2h", "5h", "10h", "14h", "20h", "24h" }) List<Duration> retrySchedule,
		@DefaultValue("0.1") double jitter, @DefaultValue("3d") Duration disableAfter,
		@DefaultValue("24h") Duration rotationOverlap, @DefaultValue("true") boolean requireHttps,
		@DefaultValue List<String> allowedNetworks, @DefaultValue("false") boolean followRedirects,
		@DefaultValue("3") int maxRedirects, @DefaultValue("100") int batchSize,
		@DefaultValue("512") int responseExcerpt, @Nullable String node) {

	/** How long a claimed attempt belongs to its node: then another node may take it over (the node died). */
	Duration lease() {
		return timeout.multipliedBy(2).plus(connectTimeout).plusSeconds(30);
	}
}
