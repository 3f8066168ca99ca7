package com.payrecon.reconcile;

import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk writes of runs in progress, each committed by a thread of its own while the step's thread looks up and
 * matches the next chunk (issue 17: the database's work on one chunk overlaps the JVM's on the next). At most one
 * chunk per run is in flight and a run's chunks commit in order: {@link #start} first waits for the run's previous
 * one and throws its failure, so nothing after a failed chunk is ever written (the run's last committed line, moved
 * by the chunk's own transaction, stays before it, and a restart resumes there). Every other write of the run waits
 * too ({@link #await}), and so does the run's completion.
 *
 * <p>Thread-safe: runs of different job executions may be matched at the same time; one run is matched by one step
 * thread.
 */
final class ChunkWrites {

	private static final Logger log = LoggerFactory.getLogger(ChunkWrites.class);

	private record InFlight(long toLine, FutureTask<Void> task, AtomicBoolean logged) {
	}

	private final Map<Long, InFlight> runs = new ConcurrentHashMap<>();

	/** The last line of the run's chunk in flight (or failed and not yet thrown); 0 when there is none. */
	long lastLineInFlight(long runId) {
		InFlight f = runs.get(runId);
		return f == null ? 0 : f.toLine();
	}

	/** After the run's previous chunk is committed (its failure is thrown here), writes this one on a thread of its own. */
	void start(long runId, long toLine, Supplier<?> write) {
		await(runId);
		FutureTask<Void> task = new FutureTask<>(() -> {
			write.get();
			return null;
		});
		runs.put(runId, new InFlight(toLine, task, new AtomicBoolean()));
		try {
			Thread.ofPlatform().daemon().name("reconciliation-writer-run-" + runId + "-to-" + toLine).start(task);
		}
		catch (RuntimeException | OutOfMemoryError noThread) {
			task.run(); // no thread to be had: written here and now (the task keeps its outcome for await)
		}
	}

	/** Waits until the run's chunk in flight is committed; throws its failure (once: then the run has none). */
	void await(long runId) {
		InFlight f = runs.get(runId);
		if (f == null) {
			return;
		}
		try {
			join(f);
		}
		finally {
			runs.remove(runId, f);
		}
	}

	/** Waits for the run's chunk in flight however it ends; a failure stays for {@link #await} to throw. */
	void settle(long runId) {
		InFlight f = runs.get(runId);
		if (f == null) {
			return;
		}
		try {
			join(f);
			runs.remove(runId, f);
		}
		catch (RuntimeException ex) {
			if (f.logged().compareAndSet(false, true)) {
				log.warn("Reconciliation run {}: the chunk write to line {} failed ({}); the run's next write reports it",
						runId, f.toLine(), ex.toString());
			}
		}
	}

	/** Waits for the run's chunk in flight and drops whatever it left: the database has what was committed. */
	void forget(long runId) {
		settle(runId);
		runs.remove(runId);
	}

	private static void join(InFlight f) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					f.task().get();
					return;
				}
				catch (InterruptedException ex) {
					interrupted = true; // the write is a transaction under way: it ends by itself, and soon
				}
			}
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (CancellationException ex) {
			throw new IllegalStateException("chunk write to line " + f.toLine() + " cancelled", ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}
}
