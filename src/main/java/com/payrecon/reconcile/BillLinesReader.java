package com.payrecon.reconcile;

import java.io.IOException;
import java.util.List;

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
 */
class BillLinesReader implements ItemStreamReader<BillLinesReader.RunLine> {

	record RunLine(long runId, BillLine line) {
	}

	private final ReconciliationSteps steps;
	private final ReconciliationRunRepository runs;
	private final AccountRegistry accounts;
	private final List<Long> runIds;
	private final RunOptions options;
	private int index = -1;
	private @Nullable BillParser parser;
	private @Nullable RunContext current;

	BillLinesReader(ReconciliationSteps steps, ReconciliationRunRepository runs, AccountRegistry accounts,
			List<Long> runIds, RunOptions options) {
		this.steps = steps;
		this.runs = runs;
		this.accounts = accounts;
		this.runIds = runIds;
		this.options = options;
	}

	@Override
	public void open(ExecutionContext context) {
		index = -1;
	}

	@Override
	public @Nullable RunLine read() throws IOException {
		while (true) {
			if (parser == null && !nextBill()) {
				return null;
			}
			RunContext ctx = current;
			try {
				BillLine line;
				while ((line = parser.next()) != null) {
					if (line.lineNumber() > ctx.lastCommittedLine) {
						return new RunLine(ctx.runId, line);
					}
				}
				steps.recordSummary(ctx, parser.differences());
			}
			catch (IOException ex) {
				steps.fail(ctx, "bill unreadable: " + ex.getMessage());
			}
			closeParser();
		}
	}

	private boolean nextBill() throws IOException {
		while (++index < runIds.size()) {
			RunSummary run = runs.find(runIds.get(index)).orElseThrow();
			if (run.status() != RunStatus.RUNNING || !run.hasBill()) {
				continue; // failed, no bill, or already completed
			}
			current = steps.resume(accounts.find(run.accountId()).orElseThrow(), run, options);
			parser = steps.open(current);
			return true;
		}
		return false;
	}

	private void closeParser() throws IOException {
		if (parser != null) {
			parser.close();
		}
		parser = null;
		current = null;
	}

	@Override
	public void close() {
		try {
			closeParser();
		}
		catch (IOException ex) {
			throw new ItemStreamException("closing a bill", ex);
		}
	}
}
