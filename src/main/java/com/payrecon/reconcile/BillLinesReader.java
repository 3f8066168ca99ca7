package com.payrecon.reconcile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import com.payrecon.account.AccountRegistry;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.provider.bill.BillParser;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * The lines of the job's archived bills, run after run. Always reads a bill from its first byte (the parser sums the
 * lines for the summary check) but hands out only lines after the run's last committed line, which the writer moves
 * in the same transaction as the chunk's upserts: a restarted step resumes there, on the same bytes. At the end of a
 * bill it records the summary check; a bill that turns out unreadable fails its run and the reader moves on.
 *
 * <p>Each bill is parsed by a thread of its own, at most about one chunk ahead ({@link Ahead}): parsing (gunzip,
 * decoding, splitting, amounts) then overlaps with the writer's database work instead of waiting for it. That thread
 * only reads (the kept bytes, and each batch's orders and refunds: {@link ReconciliationSteps#lookUp}, outside any
 * transaction) and parses; everything the reader writes (the summary, a
 * failed run) and every line it hands out stays on the step's thread, in the bill's order, as before. The writer's
 * chunk upserts are committed by a thread of their own, one chunk in flight per run ({@link ChunkWrites}); the
 * reader's writes wait for it, and at the step's end it waits for them all.
 */
class BillLinesReader implements ItemStreamReader<BillLinesReader.RunLine> {

	/** A line of a run's bill, with what its batch found here (looked up by the parsing thread). */
	record RunLine(long runId, BillLine line, ReconciliationSteps.Found found) {
	}

	/** Lines handed from the parsing thread to the step's thread at a time. */
	static final int BATCH = 500;

	private final ReconciliationSteps steps;
	private final ReconciliationRunRepository runs;
	private final AccountRegistry accounts;
	private List<Long> runIds = List.of();
	private @Nullable RunOptions options;
	private int index = -1;
	private @Nullable Ahead ahead;
	private @Nullable RunContext current;
	private List<BillLine> batch = List.of();
	private ReconciliationSteps.@Nullable Found found;
	private int position;

	/**
	 * Not a step-scoped bean: the step calls {@link #read} once per line, and through a scoped proxy each call looked up
	 * the bean and went through reflection (a fifth of the step thread's work, issue 17). The step's runs and options
	 * are given by {@link #prepare} before the step opens it.
	 */
	BillLinesReader(ReconciliationSteps steps, ReconciliationRunRepository runs, AccountRegistry accounts) {
		this.steps = steps;
		this.runs = runs;
		this.accounts = accounts;
	}

	/** The runs this step execution reconciles, and how (called before {@link #open}, by the step's listener). */
	void prepare(List<Long> runIds, RunOptions options) {
		this.runIds = List.copyOf(runIds);
		this.options = options;
	}

	@Override
	public void open(ExecutionContext context) {
		index = -1;
		steps.forgetChunks(runIds); // an earlier execution's chunk writes: what they committed is in the database
	}

	@Override
	public @Nullable RunLine read() throws IOException {
		while (true) {
			if (position < batch.size()) {
				return new RunLine(current.runId, batch.get(position++), found);
			}
			if (ahead == null && !nextBill()) {
				return null;
			}
			RunContext ctx = current;
			switch (ahead.take()) {
				case Lines lines -> {
					batch = lines.lines();
					found = lines.found();
					position = 0;
				}
				case End end -> {
					steps.recordSummary(ctx, end.differences());
					closeBill();
				}
				case Unreadable unreadable -> {
					steps.fail(ctx, "bill unreadable: " + unreadable.cause().getMessage());
					closeBill();
				}
				case Broken broken -> {
					closeBill();
					throw broken.cause();
				}
			}
		}
	}

	private boolean nextBill() throws IOException {
		while (++index < runIds.size()) {
			RunSummary run = runs.find(runIds.get(index)).orElseThrow();
			if (run.status() != RunStatus.RUNNING || !run.hasBill()) {
				continue; // failed, no bill, or already completed
			}
			current = steps.resume(accounts.find(run.accountId()).orElseThrow(), run, options);
			ahead = new Ahead(steps, steps.open(current), current, Math.max(1, options.chunkSize() / BATCH));
			return true;
		}
		return false;
	}

	private void closeBill() {
		if (ahead != null) {
			ahead.stop();
		}
		ahead = null;
		current = null;
		batch = List.of();
		found = null;
		position = 0;
	}

	/** The step ends (done or failed): no chunk write of its runs stays in flight into the next step. */
	@Override
	public void close() {
		closeBill();
		steps.settleChunks(runIds);
	}

	/** What the parsing thread hands over, in the bill's order. */
	private sealed interface Piece permits Lines, End, Unreadable, Broken {
	}

	/** The next lines after the run's last committed line, and what they find here. */
	private record Lines(List<BillLine> lines, ReconciliationSteps.Found found) implements Piece {
	}

	/** The end of the bill: its summary check. */
	private record End(List<String> differences) implements Piece {
	}

	/** The bill cannot be read (format, encoding, hash): its run fails, the next bill follows. */
	private record Unreadable(IOException cause) implements Piece {
	}

	/** Something else broke (the database, a bug): the step fails, as it did when parsing on the step's thread. */
	private record Broken(RuntimeException cause) implements Piece {
	}

	/**
	 * One bill parsed by a thread of its own into a bounded queue ({@code capacity} batches of {@link #BATCH} lines:
	 * about one chunk), which owns the parser and closes it when it ends or is stopped.
	 */
	private static final class Ahead {

		private final BlockingQueue<Piece> queue;
		private final Thread thread;

		Ahead(ReconciliationSteps steps, BillParser parser, RunContext ctx, int capacity) {
			this.queue = new ArrayBlockingQueue<>(capacity);
			long after = ctx.lastCommittedLine;
			this.thread = Thread.ofPlatform().daemon().name("bill-parser-run-" + ctx.runId).start(() -> {
				List<BillLine> lines = new ArrayList<>(BATCH);
				try (parser) {
					BillLine line;
					while ((line = parser.next()) != null) {
						if (line.lineNumber() > after) {
							lines.add(line);
							if (lines.size() == BATCH) {
								queue.put(new Lines(lines, steps.lookUp(ctx, lines)));
								lines = new ArrayList<>(BATCH);
							}
						}
					}
					flush(steps, ctx, lines);
					queue.put(new End(parser.differences()));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt(); // stopped: nobody reads this bill any more
				}
				catch (IOException ex) { // the lines before the broken one are handed out first, as they were read
					flushThen(steps, ctx, lines, new Unreadable(ex));
				}
				catch (RuntimeException ex) {
					flushThen(null, ctx, lines, new Broken(ex));
				}
			});
		}

		/** The last lines, looked up; with {@code steps} null (the database or a bug broke) they are not handed out. */
		private void flush(@Nullable ReconciliationSteps steps, RunContext ctx, List<BillLine> lines)
				throws InterruptedException {
			if (!lines.isEmpty() && steps != null) {
				queue.put(new Lines(lines, steps.lookUp(ctx, lines)));
			}
		}

		private void flushThen(@Nullable ReconciliationSteps steps, RunContext ctx, List<BillLine> lines, Piece last) {
			try {
				flush(steps, ctx, lines);
				queue.put(last);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) { // the lookup of the last lines failed: the step fails
				try {
					queue.put(new Broken(ex));
				}
				catch (InterruptedException stopped) {
					Thread.currentThread().interrupt();
				}
			}
		}

		/** The next piece, waiting for the parsing thread; that thread's death without a last piece is an error. */
		Piece take() throws InterruptedIOException {
			try {
				while (true) {
					Piece piece = queue.poll(1, TimeUnit.SECONDS);
					if (piece != null) {
						return piece;
					}
					if (!thread.isAlive() && queue.isEmpty()) {
						throw new ItemStreamException("the bill's parsing thread " + thread.getName() + " ended early");
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				stop();
				throw new InterruptedIOException("interrupted while waiting for the bill's next lines");
			}
		}

		/** Ends the parsing thread (it may be waiting for room in the queue) and waits until it has closed the bill. */
		void stop() {
			thread.interrupt();
			queue.clear();
			try {
				if (!thread.join(java.time.Duration.ofSeconds(30))) {
					throw new ItemStreamException("the bill's parsing thread did not stop");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}
}
