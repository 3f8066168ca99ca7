package com.payrecon.reconcile;

import java.nio.file.Path;
import java.time.LocalDate;

import com.payrecon.account.Account;

/** One run in progress: what it reconciles, where its bill is kept, and how far it has committed. */
final class RunContext {

	final long runId;
	final Account account;
	final LocalDate day;
	final RunOptions options;
	/** the bill in the database archive */
	Long archiveId;
	/** the bill in a file: a dry run's temporary copy, or the archive of a run made before the database archive */
	Path file;
	String format;
	boolean noBill;
	long lastCommittedLine;
	RunSummary finished;

	RunContext(long runId, Account account, LocalDate day, RunOptions options) {
		this.runId = runId;
		this.account = account;
		this.day = day;
		this.options = options;
	}

	String actor() {
		return "reconciliation#" + runId;
	}

	boolean isFinished() {
		return finished != null;
	}
}
