package com.payrecon.provider;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code payrecon.provider}: how PayRecon talks to the providers' APIs.
 *
 * @param connectTimeout TCP/TLS connect timeout ({@code connect-timeout}, 3 s)
 * @param readTimeout time allowed for one whole exchange, response body included ({@code read-timeout}, 10 s)
 * @param maxAttempts attempts per call when the failure is transient (SYSTEMERROR, ACQ.SYSTEM_ERROR, 20000, HTTP
 * 5xx, timeouts); definite answers are never retried ({@code max-attempts}, 3)
 * @param initialBackoff first pause between attempts, doubled each time, with jitter ({@code initial-backoff})
 * @param maxBackoff cap of the pause ({@code max-backoff})
 * @param rateLimitPerSecond calls per second per account, token bucket ({@code rate-limit-per-second}, 10)
 * @param maxResponseSize cap of an API response body ({@code max-response-size}, 1 MB)
 * @param maxBillSize cap of a downloaded bill, compressed and decompressed ({@code max-bill-size}, 512 MB)
 * @param billHosts extra host names bill download URLs may point at, besides the account's base-url host and the
 * providers' own hosts ({@code bill-hosts})
 */
@ConfigurationProperties("payrecon.provider")
public record ProviderProperties(@DefaultValue("3s") Duration connectTimeout, @DefaultValue("10s") Duration readTimeout,
		@DefaultValue("3") int maxAttempts, @DefaultValue("200ms") Duration initialBackoff,
		@DefaultValue("2s") Duration maxBackoff, @DefaultValue("10") double rateLimitPerSecond,
		@DefaultValue("1MB") DataSize maxResponseSize, @DefaultValue("512MB") DataSize maxBillSize,
		@DefaultValue List<String> billHosts) {

	public ProviderProperties {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("payrecon.provider.max-attempts: at least 1");
		}
		if (!(rateLimitPerSecond > 0)) {
			throw new IllegalArgumentException("payrecon.provider.rate-limit-per-second: must be positive");
		}
	}
}
