package com.payrecon.support;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waiting in a test for something another thread or process does: poll until it is there, or fail. */
public final class Await {

	private Await() {
	}

	/** The first value {@code probe} offers within {@code timeout} (asked every 200 ms). */
	public static <T> T until(Duration timeout, Supplier<Optional<T>> probe) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			Optional<T> value = probe.get();
			if (value.isPresent()) {
				return value.get();
			}
			JobRuns.sleep(200);
		}
		throw new AssertionError("not within " + timeout);
	}
}
