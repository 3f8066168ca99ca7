package com.payrecon.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Slows down one remote address that keeps failing to log in, whichever logins it tries (credential stuffing,
 * threat case C3): after {@code ipFreeFailures} failures each further failure doubles the wait before the next
 * attempt is even looked at (1 s, 2 s, 4 s, ... up to {@code ipMaxDelay}). Kept in memory: per node, forgotten at
 * restart; the per-user lock in the database is the durable part.
 */
@Component
public class LoginThrottle {

	private record Failures(int count, Instant last, Instant notBefore) {
	}

	private final ConcurrentHashMap<String, Failures> byAddress = new ConcurrentHashMap<>();
	private final ConsoleSecurityProperties properties;
	private final Clock clock;

	LoginThrottle(ConsoleSecurityProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	/** How long {@code address} must still wait; zero when it may try now. */
	public Duration retryAfter(String address) {
		Failures f = byAddress.get(key(address));
		Instant now = clock.instant();
		if (f == null || !f.notBefore().isAfter(now)) {
			return Duration.ZERO;
		}
		return Duration.between(now, f.notBefore());
	}

	/** Counts a failure; returns the wait now imposed on the address. */
	public Duration failed(String address) {
		Instant now = clock.instant();
		Failures f = byAddress.compute(key(address), (k, old) -> {
			int count = old == null || old.last().plus(properties.ipForgetAfter()).isBefore(now) ? 1 : old.count() + 1;
			return new Failures(count, now, now.plus(delay(count)));
		});
		if (byAddress.size() > 100_000) { // bounded memory under a spray from many addresses
			byAddress.entrySet().removeIf(e -> e.getValue().last().plus(properties.ipForgetAfter()).isBefore(now));
		}
		return Duration.between(now, f.notBefore());
	}

	Duration delay(int failures) {
		int over = failures - properties.ipFreeFailures();
		if (over <= 0) {
			return Duration.ZERO;
		}
		Duration delay = Duration.ofSeconds(1L << Math.min(over - 1, 20));
		return delay.compareTo(properties.ipMaxDelay()) > 0 ? properties.ipMaxDelay() : delay;
	}

	/** Forgets every address (tests, or an operator unblocking an office after an incident). */
	public void clear() {
		byAddress.clear();
	}

	private static String key(String address) {
		return address == null ? "?" : address;
	}
}
