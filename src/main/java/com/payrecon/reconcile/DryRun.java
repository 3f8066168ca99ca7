package com.payrecon.reconcile;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.payrecon.account.Account;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.provider.bill.BillParser;
import com.payrecon.reconcile.ReconciliationSteps.Bill;
import com.payrecon.reconcile.ReconciliationSteps.Kept;
import com.payrecon.support.db.DatabaseTransactions;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One account and day reconciled without keeping anything: the bill is fetched into a temporary file first (outside
 * any transaction), then the engine's own steps run inside one transaction that is always rolled back, so the result
 * is exactly what a run would record, and no run, discrepancy, repair or archived bill remains. Called by the
 * download step of {@code daily-reconciliation} with {@code dryRun=true}, in a step without a transaction of its own.
 */
@Component
class DryRun {

	private final ReconciliationSteps steps;
	private final DiscrepancyRepository discrepancies;
	private final TransactionTemplate rolledBack;

	DryRun(ReconciliationSteps steps, DiscrepancyRepository discrepancies, PlatformTransactionManager transactionManager) {
		this.steps = steps;
		this.discrepancies = discrepancies;
		this.rolledBack = new TransactionTemplate(transactionManager);
		this.rolledBack.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	ReconciliationResult run(Account account, LocalDate day, RunOptions options, Supplier<BillDownload> source) {
		DatabaseTransactions.refuseInside("a dry run");
		Bill bill = steps.obtain(account, day, source, true, options.triggeredBy());
		try {
			return rolledBack.execute(status -> {
				status.setRollbackOnly(); // every row the dry run makes goes with this rollback
				RunContext ctx = steps.begin(account, day, options);
				steps.record(ctx, bill);
				if (!ctx.isFinished()) {
					if (ctx.noBill) {
						steps.complete(ctx, null);
					}
					else {
						matchAll(ctx);
					}
				}
				return new ReconciliationResult(ctx.finished, discrepancies.ofRun(ctx.runId));
			});
		}
		finally {
			if (bill instanceof Kept kept) {
				BillArchive.deleteTemporary(kept.archived().file());
			}
		}
	}

	/** The lines in chunks of the run's size, as the match step reads them. */
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
}
