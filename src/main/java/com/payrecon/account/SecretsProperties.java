package com.payrecon.account;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code payrecon.secrets}: {@code master-key} encrypts the account keys proposed and replaced in the console and the
 * console users' second-factor secrets (base64 of 32 random bytes; inline, {@code file:} or {@code classpath:}).
 * Without it keys cannot be replaced (the configured ones still work), and PayRecon does not start while
 * {@code payrecon.console.require-second-factor} is on.
 */
@ConfigurationProperties("payrecon.secrets")
public record SecretsProperties(@Nullable String masterKey) {

	@Override
	public String toString() {
		return "SecretsProperties[masterKey=" + (masterKey == null ? "unset" : "****") + "]";
	}
}
