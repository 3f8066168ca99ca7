package com.payrecon.checkout;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Checkout settings under {@code payrecon}.
 *
 * @param publicBaseUrl {@code payrecon.public-base-url}: where the providers reach PayRecon, e.g.
 * {@code https://pay.example.com}; notify URLs are {@code {base}/notify/{channel}/{accountId}}. Required to place
 * orders with a provider.
 * @param micropay {@code payrecon.micropay.*}: the payment-code flow
 */
@ConfigurationProperties("payrecon")
public record CheckoutProperties(URI publicBaseUrl, @DefaultValue Micropay micropay) {

	/**
	 * @param pollInterval {@code poll-interval}: pause between queries while the payer confirms (5 s)
	 * @param pollTimeout {@code poll-timeout}: how long to wait for the payer before reversing (30 s)
	 * @param firstQueryDelay {@code first-query-delay}: pause after an unknown micropay result before the first
	 * query (5 s, the official advice after SYSTEMERROR)
	 * @param maxReverseAttempts {@code max-reverse-attempts}: failed reverses (one per poll interval) after which the
	 * charge is left to a person (5): without a client certificate, or while the provider refuses, trying for ever
	 * only hides the problem
	 */
	public record Micropay(@DefaultValue("5s") Duration pollInterval, @DefaultValue("30s") Duration pollTimeout,
			@DefaultValue("5s") Duration firstQueryDelay, @DefaultValue("5") int maxReverseAttempts) {

		public Micropay {
			if (maxReverseAttempts < 1) {
				throw new IllegalArgumentException("payrecon.micropay.max-reverse-attempts: at least 1");
			}
		}
	}

	/** {@code {base}/notify/{channel}/{accountId}}, or null without a public base URL. */
	public String notifyUrl(String channel, String accountId) {
		if (publicBaseUrl == null) {
			return null;
		}
		String base = publicBaseUrl.toString();
		return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/notify/" + channel + "/" + accountId;
	}
}
