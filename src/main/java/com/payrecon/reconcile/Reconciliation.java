package com.payrecon.reconcile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.provider.bill.BillParser;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Daily statement reconciliation of one account and one business day (a day in the account's zone): downloads the
 * provider's bill, archives it, matches it chunk by chunk against our orders and records a run with both sides'
 * totals and its discrepancies. Re-running a day adds a run that supersedes the previous one (history kept,
 * resolutions carried over). A dry run computes the same result inside a transaction that is rolled back, and neither
 * repairs orders nor keeps the bill.
 */
@Service
public class Reconciliation {

	private final AccountRegistry accounts;
	private final ProviderRegistry providers;
	private final ReconciliationSteps steps;
	private final ReconciliationRunRepository runs;
	private final DiscrepancyRepository discrepancies;
	private final ReconcileProperties properties;
	private final ApplicationEventPublisher events;
	private final TransactionTemplate dryRunTransaction;

	Reconciliation(AccountRegistry accounts, ProviderRegistry providers, ReconciliationSteps steps,
			ReconciliationRunRepository runs, DiscrepancyRepository discrepancies, ReconcileProperties properties,
			ApplicationEventPublisher events, PlatformTransactionManager transactionManager) {
		this.accounts = accounts;
		this.providers = providers;
		this.steps = steps;
		this.runs = runs;
		this.discrepancies = discrepancies;
		this.properties = properties;
		this.events = events;
		this.dryRunTransaction = new TransactionTemplate(transactionManager);
	}

	/** Options from {@code payrecon.reconcile} for a run asked for by {@code triggeredBy}. */
	public RunOptions options(String triggeredBy, boolean dryRun) {
		return RunOptions.of(properties, triggeredBy, dryRun);
	}

	/** Reconciles the account's bill for {@code day}, downloaded from its provider. */
	public ReconciliationResult reconcile(String accountId, LocalDate day, RunOptions options) {
		Account account = accounts.find(accountId).orElseThrow(() -> new IllegalArgumentException("no account " + accountId));
		return reconcile(account, day, options, () -> providers.forAccount(account).bill(account, day));
	}

	/** Reconciles a bill from {@code source} (the provider's download; tests and imports pass their own). */
	public ReconciliationResult reconcile(Account account, LocalDate day, RunOptions options,
			Supplier<BillDownload> source) {
		if (!options.dryRun()) {
			return published(drive(steps.start(account, day, options, source)));
		}
		return dryRunTransaction.execute(status -> {
			status.setRollbackOnly(); // a dry run writes nothing: every row it made goes with this rollback
			RunContext ctx = steps.start(account, day, options, source);
			try {
				return drive(ctx);
			}
			finally {
				deleteTemporary(ctx.archive);
			}
		});
	}

	/** Continues a RUNNING run left by a crash: the same archived bill, from its last committed line. */
	public ReconciliationResult resume(long runId, String triggeredBy) {
		RunSummary run = runs.find(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
		Account account = accounts.find(run.accountId()).orElseThrow();
		return published(drive(steps.resume(account, run, options(triggeredBy, false))));
	}

	private ReconciliationResult drive(RunContext ctx) {
		if (!ctx.isFinished()) {
			if (ctx.noBill) {
				steps.complete(ctx, null);
			}
			else {
				matchAll(ctx);
			}
		}
		return new ReconciliationResult(ctx.finished, discrepancies.ofRun(ctx.runId));
	}

	private void matchAll(RunContext ctx) {
		List<String> differences;
		try (BillParser parser = steps.open(ctx)) {
			List<BillLine> chunk = new ArrayList<>(ctx.options.chunkSize());
			BillLine line;
			while ((line = parser.next()) != null) {
				chunk.add(line);
				if (chunk.size() == ctx.options.chunkSize()) {
					steps.match(ctx, chunk);
					chunk.clear();
				}
			}
			steps.match(ctx, chunk);
			differences = parser.differences();
		}
		catch (IOException ex) {
			steps.fail(ctx, "bill unreadable: " + ex.getMessage());
			return;
		}
		steps.complete(ctx, differences);
	}

	/** Announces a run the batch job finished step by step. */
	void announce(long runId) {
		published(new ReconciliationResult(runs.find(runId).orElseThrow(), List.of()));
	}

	private ReconciliationResult published(ReconciliationResult result) {
		RunSummary run = result.run();
		events.publishEvent(new ReconciliationFinished(run.id(), run.accountId(), run.businessDate(), run.status(),
				run.discrepancyCount()));
		return result;
	}

	private static void deleteTemporary(Path archive) {
		if (archive == null) {
			return;
		}
		try {
			Files.deleteIfExists(archive);
			Files.deleteIfExists(archive.getParent());
		}
		catch (IOException ex) {
			// a temporary directory left behind holds no secrets; the OS cleans it
		}
	}

	/** Runs of an account, newest first ({@code day} null: every day). */
	public List<RunSummary> runs(String accountId, LocalDate day) {
		return runs.list(accountId, day, 200);
	}

	public Optional<RunSummary> run(long runId) {
		return runs.find(runId);
	}

	public Optional<RunSummary> currentRun(String accountId, LocalDate day) {
		return runs.current(accountId, day);
	}

	/**
	 * One line of a run's archived bill, read again from the archive (the provider's time, transaction and amount of a
	 * discrepancy, for maker-checker). Empty when the run has no archive (no bill, dry run) or no such line.
	 */
	public Optional<BillLine> billLine(long runId, long lineNumber) {
		RunSummary run = runs.find(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
		if (run.archivePath() == null || !Files.isReadable(Path.of(run.archivePath()))) {
			return Optional.empty();
		}
		Account account = accounts.find(run.accountId()).orElseThrow();
		try (BillParser parser = BillParser.open(new BillDownload(false, null, Files.newInputStream(Path.of(run.archivePath())),
				run.billFormat()), account.zone())) {
			BillLine line;
			while ((line = parser.next()) != null) {
				if (line.lineNumber() == lineNumber) {
					return Optional.of(line);
				}
			}
			return Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/** Every discrepancy of one run (current or superseded). */
	public List<Discrepancy> discrepanciesOf(long runId) {
		return discrepancies.ofRun(runId);
	}
}
