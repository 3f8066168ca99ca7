package com.payrecon.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.support.MutableClock;
import org.junit.jupiter.api.Test;

class LoginThrottleTests {

	final MutableClock clock = new MutableClock();
	final ConsoleSecurityProperties properties = new ConsoleSecurityProperties(5, Duration.ofMinutes(15), 3,
			Duration.ofSeconds(30), Duration.ofHours(1), false);
	final LoginThrottle throttle = new LoginThrottle(properties, clock);
	final AtomicInteger logins = new AtomicInteger();

	/** A failure with a login never tried before: only the address counts. */
	Duration failFrom(String address) {
		return throttle.failed("someone-" + logins.incrementAndGet(), address).waitFor();
	}

	@Test
	void theWaitDoublesAfterTheFreeFailuresUpToTheCap() {
		clock.set(Instant.parse("2026-01-01T00:00:00Z"));
		assertThat(failFrom("10.0.0.1")).isZero();
		assertThat(failFrom("10.0.0.1")).isZero();
		assertThat(failFrom("10.0.0.1")).isZero();
		assertThat(failFrom("10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
		assertThat(failFrom("10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
		assertThat(failFrom("10.0.0.1")).isEqualTo(Duration.ofSeconds(4));
		for (int i = 0; i < 10; i++) {
			failFrom("10.0.0.1");
		}
		assertThat(throttle.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(30));
		assertThat(throttle.retryAfter("10.0.0.2")).as("another address").isZero();
		clock.advance(Duration.ofSeconds(30));
		assertThat(throttle.retryAfter("10.0.0.1")).isZero();
	}

	@Test
	void anAddressQuietForTheForgetPeriodStartsAfresh() {
		clock.set(Instant.parse("2026-01-01T00:00:00Z"));
		for (int i = 0; i < 5; i++) {
			failFrom("10.0.0.9");
		}
		clock.advance(Duration.ofHours(2));
		assertThat(failFrom("10.0.0.9")).isZero();
		assertThat(ZoneOffset.UTC).isEqualTo(clock.getZone());
	}

	/** Issue 11: a login is locked for one address only, known or not; other addresses may still try it. */
	@Test
	void fiveFailuresLockThatLoginFromThatAddressOnly() {
		clock.set(Instant.parse("2026-01-01T00:00:00Z"));
		LoginThrottle wide = new LoginThrottle(new ConsoleSecurityProperties(5, Duration.ofMinutes(15), 100,
				Duration.ofSeconds(30), Duration.ofHours(1), false), clock);
		for (int i = 1; i <= 4; i++) {
			assertThat(wide.failed("admin", "198.51.100.1").blocked()).isFalse();
		}
		LoginThrottle.Failure fifth = wide.failed("admin", "198.51.100.1");
		assertThat(fifth.loginLockedNow()).isTrue();
		assertThat(fifth.waitFor()).isEqualTo(Duration.ofMinutes(15));
		assertThat(wide.retryAfter("Admin", "198.51.100.1")).as("logins compare lower-case").isEqualTo(Duration.ofMinutes(15));
		assertThat(wide.retryAfter("admin", "203.0.113.9")).as("the admin's own address").isZero();
		assertThat(wide.retryAfter("finance", "198.51.100.1")).as("another login").isZero();
		clock.advance(Duration.ofMinutes(15));
		assertThat(wide.retryAfter("admin", "198.51.100.1")).isZero();
		assertThat(wide.failed("admin", "198.51.100.1").blocked()).as("counting starts afresh after a lock").isFalse();
	}

	@Test
	void ipv6AddressesCountByTheirSlash64() {
		assertThat(LoginThrottle.key("2001:db8:1:2:aaaa::1")).isEqualTo(LoginThrottle.key("2001:db8:1:2:bbbb::2"));
		assertThat(LoginThrottle.key("2001:db8:1:2::1")).isNotEqualTo(LoginThrottle.key("2001:db8:1:3::1"));
		assertThat(LoginThrottle.key("192.0.2.7")).isEqualTo("192.0.2.7");
	}

	/** Issue 11: attempts refused while throttled are counted, and handed out for one audit row per address. */
	@Test
	void refusedAttemptsAreCountedAndDrainedOncePerAddress() {
		clock.set(Instant.parse("2026-01-01T00:00:00Z"));
		for (int i = 0; i < 500; i++) {
			throttle.refused("admin", "198.51.100.1");
		}
		throttle.refused("finance", "198.51.100.1");
		assertThat(throttle.drainRefusals(Duration.ofMinutes(1), Duration.ofMinutes(5))).as("still going on").isEmpty();
		clock.advance(Duration.ofMinutes(1));
		var drained = throttle.drainRefusals(Duration.ofMinutes(1), Duration.ofMinutes(5));
		assertThat(drained).hasSize(1);
		assertThat(drained.get(0).count()).isEqualTo(501);
		assertThat(drained.get(0).logins()).containsExactly("admin", "finance");
		assertThat(throttle.drainRefusals(Duration.ZERO, Duration.ZERO)).isEmpty();
	}

	/** Issue 16: an admin's unlock forgets the login's failures from every address, and only that login's. */
	@Test
	void unlockForgetsOneLoginFromEveryAddressButNotTheAddressesOwnDelay() {
		clock.set(Instant.parse("2026-01-01T00:00:00Z"));
		for (int i = 0; i < 5; i++) {
			throttle.failed("alice", "10.0.0.1");
			throttle.failed("alice", "10.0.0.2");
			throttle.failed("alice@x", "10.0.0.3"); // a login tried may contain '@'; it is another login
		}
		assertThat(throttle.lockedUntil("Alice")).contains(clock.instant().plus(Duration.ofMinutes(15)));
		assertThat(throttle.lockedUntil("bob")).isEmpty();

		assertThat(throttle.unlock("alice")).isPresent();
		assertThat(throttle.retryAfter("alice", "10.0.0.2")).as("the address's own delay stays")
			.isEqualTo(throttle.retryAfter("10.0.0.2"));
		assertThat(throttle.lockedUntil("alice")).isEmpty();
		assertThat(throttle.lockedUntil("alice@x")).as("another login stays locked").isPresent();
		assertThat(throttle.unlock("alice")).as("nothing left to unlock").isEmpty();
		clock.advance(Duration.ofMinutes(15));
		assertThat(throttle.lockedUntil("alice@x")).as("a lock that ran out is not shown").isEmpty();
	}
}
