package com.payrecon.support.db;

import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * Deletes (or moves) rows in small chunks, each its own short statement or transaction, with a pause between chunks,
 * so that the notify path and the other writers never wait behind a long delete: a retention step trades speed for
 * everyone else's latency. Stops when a chunk finds nothing or the time budget is spent (the next run continues).
 */
public final class ChunkedPurge {

	private ChunkedPurge() {
	}

	/** What one purge did. */
	public record Done(long rows, int chunks, boolean finished) {
	}

	/**
	 * @param chunk does one chunk and returns how many rows it handled (0: nothing left)
	 * @param pause the wait between chunks
	 * @param budget how long the purge may run in all
	 */
	public static Done run(IntSupplier chunk, Duration pause, Duration budget) {
		Instant deadline = Instant.now().plus(budget);
		long rows = 0;
		int chunks = 0;
		while (true) {
			int n = chunk.getAsInt();
			rows += n;
			if (n == 0) {
				return new Done(rows, chunks, true);
			}
			chunks++;
			if (Instant.now().isAfter(deadline)) {
				return new Done(rows, chunks, false);
			}
			try {
				Thread.sleep(pause.toMillis(), (int) (pause.toNanos() % 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Done(rows, chunks, false);
			}
		}
	}
}
