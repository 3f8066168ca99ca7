package com.payrecon.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import com.payrecon.support.MutableClock;
import org.junit.jupiter.api.Test;

class LoginThrottleTests {

	final MutableClock clock = new MutableClock();
	final ConsoleSecurityProperties properties = new ConsoleSecurityProperties(5, Duration.ofMinutes(15), 3,
			Duration.ofSeconds(30), Duration.ofHours(1), false);
	final LoginThrottle throttle = new LoginThrottle(properties, clock);

	@Test
	void theWaitDoublesAfterTheFreeFailuresUpToTheCap() {
		clock.set(Instant.parse("2026-01-01T00:00:00Z"));
		assertThat(throttle.failed("10.0.0.1")).isZero();
		assertThat(throttle.failed("10.0.0.1")).isZero();
		assertThat(throttle.failed("10.0.0.1")).isZero();
		assertThat(throttle.failed("10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
		assertThat(throttle.failed("10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
		assertThat(throttle.failed("10.0.0.1")).isEqualTo(Duration.ofSeconds(4));
		for (int i = 0; i < 10; i++) {
			throttle.failed("10.0.0.1");
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
			throttle.failed("10.0.0.9");
		}
		clock.advance(Duration.ofHours(2));
		assertThat(throttle.failed("10.0.0.9")).isZero();
		assertThat(ZoneOffset.UTC).isEqualTo(clock.getZone());
	}
}
