package com.payrecon.account;

import java.time.Clock;

/**
 * Certificate lookups for unit tests of key-mode accounts: only what the account configures, nothing learnt (no
 * database, no downloads; a refresh would fail, and key-mode accounts never ask for one).
 */
public final class NoLearntCertificates {

	private NoLearntCertificates() {
	}

	public static ProviderCertificates create() {
		return new ProviderCertificates(null, Clock.systemUTC(), null, null, null, null, null);
	}
}
