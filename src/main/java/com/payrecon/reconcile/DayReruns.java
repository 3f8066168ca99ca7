package com.payrecon.reconcile;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Finance reconciles a chosen day from its page (issue 16): a dry run first (the provider's bill downloaded and
 * matched, nothing written, see {@link Reconciliation#reconcile}), then, if they want, a real run that supersedes the
 * day's current one. A signed-off day is reconciled again only when finance accepted that its sign-off may be cleared
 * ({@link DaySignOffs#runFinished} clears it when the results differ). Both are audited {@code DAY_RECONCILED}.
 * Runs in the request's thread: a day's bill of a merchant takes seconds; the batch job stays the way for many.
 */
@Service
public class DayReruns {

	private final Reconciliation reconciliation;
	private final CaseRepository cases;
	private final AuditLog audit;

	DayReruns(Reconciliation reconciliation, CaseRepository cases, AuditLog audit) {
		this.reconciliation = reconciliation;
		this.cases = cases;
		this.audit = audit;
	}

	/** What a run now would find, and whether it would clear the day's sign-off. Writes nothing but the audit entry. */
	public record DryRun(RunSummary run, List<Discrepancy> discrepancies, Optional<RunSummary> current,
			boolean wouldClearSignOff) {

		public long count(DiscrepancyType type) {
			return discrepancies.stream().filter(d -> d.type() == type).count();
		}

		public List<DiscrepancyType> types() {
			return discrepancies.stream().map(Discrepancy::type).distinct().sorted().toList();
		}
	}

	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public DryRun dryRun(String accountId, LocalDate day, String operator) {
		String target = DaySignOffs.target(accountId, day);
		refuseWhileRunning(accountId, day, operator, target);
		Optional<RunSummary> current = reconciliation.currentRun(accountId, day);
		ReconciliationResult result = reconciliation.reconcile(accountId, day,
				reconciliation.options("console:" + operator, true));
		RunSummary run = result.run();
		boolean clears = cases.activeSignOff(accountId, day)
			.flatMap(s -> reconciliation.run(s.runId()))
			.map(signed -> !DaySignOffs.changes(signed, run, open(result.discrepancies())).isEmpty())
			.orElse(false);
		audit.record(operator, AuditAction.DAY_RECONCILED, target, AuditOutcome.SUCCESS,
				"dry run: " + run.status() + ", " + result.discrepancies().size() + " discrepancies; nothing written");
		return new DryRun(run, result.discrepancies(), current, clears);
	}

	/**
	 * Reconciles the day again (or for the first time). Refused while a run of the day is RUNNING, and for a
	 * signed-off day unless {@code signOffClearingAccepted}.
	 */
	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public RunSummary reconcileAgain(String accountId, LocalDate day, boolean signOffClearingAccepted, String operator) {
		String target = DaySignOffs.target(accountId, day);
		refuseWhileRunning(accountId, day, operator, target);
		if (cases.activeSignOff(accountId, day).isPresent() && !signOffClearingAccepted) {
			audit.recordRefusal(operator, AuditAction.DAY_RECONCILED, target, "signed off; clearing not accepted");
			throw new ReconciliationCases.CaseRefused("recon.rerun.confirmNeeded");
		}
		RunSummary run = reconciliation.reconcile(accountId, day, reconciliation.options("console:" + operator, false))
			.run();
		audit.record(operator, AuditAction.DAY_RECONCILED, target,
				run.status() == RunStatus.FAILED ? AuditOutcome.FAILURE : AuditOutcome.SUCCESS,
				"run " + run.id() + " " + run.status() + ", " + run.discrepancyCount() + " discrepancies"
						+ (run.error() == null ? "" : "; " + run.error()));
		return run;
	}

	private void refuseWhileRunning(String accountId, LocalDate day, String operator, String target) {
		if (reconciliation.runs(accountId, day).stream().anyMatch(r -> r.status() == RunStatus.RUNNING)) {
			audit.recordRefusal(operator, AuditAction.DAY_RECONCILED, target, "a run of the day is RUNNING");
			throw new ReconciliationCases.CaseRefused("recon.rerun.running");
		}
	}

	private static long open(List<Discrepancy> found) {
		return found.stream().filter(d -> !d.resolution().isSettled()).count();
	}
}
