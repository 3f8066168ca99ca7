package com.payrecon.api;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.api-clients}: who may call the REST API. Each client has a {@code name} and either a {@code token}
 * or, better, its {@code token-sha256} (hex), so that the configuration need not hold the token itself, and
 * optionally the {@code accounts} it may use (none listed: every account).
 */
@ConfigurationProperties("payrecon")
public record ApiClientsProperties(@DefaultValue List<ApiClient> apiClients) {

	public record ApiClient(String name, String token, String tokenSha256, @DefaultValue List<String> accounts) {
		@Override
		public String toString() {
			return "ApiClient[name=" + name + ", accounts=" + accounts + ", token=****]";
		}
	}
}
