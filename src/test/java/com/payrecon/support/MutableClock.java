package com.payrecon.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests can set and move; {@link #reset()} follows the system clock again. */
public final class MutableClock extends Clock {

	private final AtomicReference<Instant> fixed = new AtomicReference<>();

	public void set(Instant instant) {
		fixed.set(instant);
	}

	public void advance(Duration duration) {
		fixed.updateAndGet(i -> (i == null ? Instant.now() : i).plus(duration));
	}

	/** The instant it stands at, or {@code null} when it follows the real time. */
	public Instant fixedInstant() {
		return fixed.get();
	}

	public void reset() {
		fixed.set(null);
	}

	@Override
	public Instant instant() {
		Instant i = fixed.get();
		return i == null ? Instant.now() : i;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException();
	}
}
