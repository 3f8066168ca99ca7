package com.payrecon.console;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Writers commit changes one at a time while readers read a figure that counts them (the dashboard's stored figures,
 * DayRollupIT and HourRollupIT). Before each read a reader notes how many changes had committed; the figure must show
 * at least that many. A stored figure that missed a change committed before the read would show fewer.
 */
final class ReadersRacingWriters {

	/** Commits the next change and returns true, or returns false when there is none left. */
	interface Writer {

		boolean commitNext() throws Exception;
	}

	/** What the readers saw: each read that showed fewer than had committed before it, and how many reads there were. */
	record Result(List<String> violations, int reads) {
	}

	private ReadersRacingWriters() {
	}

	/**
	 * {@code writers} threads run {@code writer} until it has nothing left while {@code readers} threads read: each
	 * reader gets its own figure from {@code reader} (e.g. over a session of its own) and reads it until the writers
	 * are done.
	 */
	static Result race(int writers, Writer writer, int readers, Supplier<IntSupplier> reader) throws Exception {
		AtomicInteger committed = new AtomicInteger();
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger reads = new AtomicInteger();
		List<String> violations = new CopyOnWriteArrayList<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> work = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(writers + readers)) {
			for (int w = 0; w < writers; w++) {
				work.add(pool.submit(() -> {
					start.await();
					while (writer.commitNext()) {
						committed.incrementAndGet();
					}
					return null;
				}));
			}
			for (int r = 0; r < readers; r++) {
				IntSupplier figure = reader.get();
				work.add(pool.submit(() -> {
					start.await();
					while (writing.get()) {
						int before = committed.get();
						int shown = figure.getAsInt();
						reads.incrementAndGet();
						if (shown < before) {
							violations.add("shown " + shown + " after " + before + " had committed");
						}
					}
					return null;
				}));
			}
			start.countDown();
			try {
				for (Future<?> f : work.subList(0, writers)) {
					f.get(2, TimeUnit.MINUTES);
				}
			}
			finally {
				writing.set(false);
			}
			for (Future<?> f : work) {
				f.get(2, TimeUnit.MINUTES);
			}
		}
		return new Result(violations, reads.get());
	}
}
