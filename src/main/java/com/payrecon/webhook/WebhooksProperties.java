package com.payrecon.webhook;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.webhooks}: endpoints from the configuration. Each has a unique {@code name}, a {@code url}, a
 * {@code secret} ({@code whsec_…}; inline, {@code file:} or {@code classpath:}), and optionally the
 * {@code event-types} and {@code accounts} it gets (none listed: all). Checked at start-up; a bad entry stops
 * PayRecon with a message naming the property, never the secret.
 */
@ConfigurationProperties("payrecon")
public record WebhooksProperties(@DefaultValue List<ConfiguredEndpoint> webhooks) {

	public record ConfiguredEndpoint(@Nullable String name, @Nullable String url, @Nullable String secret,
			@DefaultValue List<String> eventTypes, @DefaultValue List<String> accounts) {

		@Override
		public String toString() {
			return "ConfiguredEndpoint[name=" + name + ", url=" + url + ", secret=****, eventTypes=" + eventTypes
					+ ", accounts=" + accounts + "]";
		}
	}
}
