package com.payrecon.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Rate limits for notify requests that cost us without being a provider's (issue 11): requests for unknown account
 * ids and requests that fail verification use up tokens of their source address, and of their account (a known
 * one) or of the one bucket shared by all unknown account ids. While a bucket is empty, such requests get only a
 * bounded record ({@link RefusedNotifications}) instead of a raw row. Known-account requests that verify never use
 * tokens and are never refused: over a limit, a request is verified first, and one that verifies is stored and
 * processed as always (so the provider's real deliveries and retries get through whoever sends forgeries).
 * Token buckets in memory, per node; refilled continuously at the configured rate per minute.
 */
@Component
class NotifyAbuse {

	private static final int MAX_KEYS = 100_000;
	private static final String UNKNOWN_ACCOUNTS = "*unknown*";

	private record Bucket(double tokens, Instant at) {
	}

	private final ConcurrentHashMap<String, Bucket> byAddress = new ConcurrentHashMap<>();
	private final ConcurrentHashMap<String, Bucket> byAccount = new ConcurrentHashMap<>();
	private final Clock clock;
	private volatile NotifyProperties.Abuse limits;

	NotifyAbuse(NotifyProperties properties, Clock clock) {
		this.limits = properties.abuse();
		this.clock = clock;
	}

	/** Whether a request from {@code address} for {@code accountId} is beyond a limit now (nothing is used up). */
	boolean exhausted(String address, String accountId, boolean knownAccount) {
		Instant now = clock.instant();
		return tokens(byAddress, address, limits.perAddressPerMinute(), now) < 1
				|| tokens(byAccount, accountKey(accountId, knownAccount), accountLimit(knownAccount), now) < 1;
	}

	/** A request that was stored and failed verification (or named an unknown account) uses a token of each. */
	void charge(String address, String accountId, boolean knownAccount) {
		Instant now = clock.instant();
		take(byAddress, address, limits.perAddressPerMinute(), now);
		take(byAccount, accountKey(accountId, knownAccount), accountLimit(knownAccount), now);
		if (byAddress.size() > MAX_KEYS) {
			byAddress.clear(); // a spray from that many addresses: the per-account buckets still hold
		}
	}

	/** For tests: other limits from now on, with every bucket full. */
	void use(NotifyProperties.Abuse limits) {
		this.limits = limits;
		byAddress.clear();
		byAccount.clear();
	}

	private int accountLimit(boolean knownAccount) {
		return knownAccount ? limits.perAccountPerMinute() : limits.unknownAccountsPerMinute();
	}

	private static String accountKey(String accountId, boolean knownAccount) {
		return knownAccount ? accountId : UNKNOWN_ACCOUNTS;
	}

	private static double tokens(ConcurrentHashMap<String, Bucket> buckets, String key, int perMinute, Instant now) {
		Bucket b = buckets.get(key == null ? "?" : key);
		return b == null ? perMinute : refilled(b, perMinute, now);
	}

	private static void take(ConcurrentHashMap<String, Bucket> buckets, String key, int perMinute, Instant now) {
		buckets.compute(key == null ? "?" : key,
				(k, b) -> new Bucket(Math.max(0, (b == null ? perMinute : refilled(b, perMinute, now)) - 1), now));
	}

	private static double refilled(Bucket b, int perMinute, Instant now) {
		double minutes = Duration.between(b.at(), now).toNanos() / 60e9;
		return Math.min(perMinute, b.tokens() + Math.max(0, minutes) * perMinute);
	}
}
