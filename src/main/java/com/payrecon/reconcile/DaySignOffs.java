package com.payrecon.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;

import org.springframework.context.event.EventListener;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Finance signs off an account's day once its current run is complete and no discrepancy is OPEN or ASSIGNED. A
 * later run of a signed-off day that changes the results (status, either side's totals, or leaves a case to work on)
 * clears the sign-off and says why (page, audit log, and a {@link FinanceNotices notice} for finance); a re-run with the
 * same results keeps it, on the new run.
 */
@Service
public class DaySignOffs {

	static final String SYSTEM = "reconciliation";

	private final Reconciliation reconciliation;
	private final Discrepancies discrepancies;
	private final CaseRepository cases;
	private final AuditLog audit;
	private final FinanceNotices notices;
	private final Clock clock;
	private final TransactionTemplate tx;

	DaySignOffs(Reconciliation reconciliation, Discrepancies discrepancies, CaseRepository cases, AuditLog audit,
			FinanceNotices notices, Clock clock, PlatformTransactionManager transactionManager) {
		this.notices = notices;
		this.reconciliation = reconciliation;
		this.discrepancies = discrepancies;
		this.cases = cases;
		this.audit = audit;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public SignOff signOff(String accountId, LocalDate day, String operator) {
		String target = target(accountId, day);
		try {
			return tx.execute(status -> {
				RunSummary run = reconciliation.currentRun(accountId, day)
					.orElseThrow(() -> new ReconciliationCases.CaseRefused("signOff.refused.noRun"));
				if (reconciliation.runs(accountId, day).stream().anyMatch(r -> r.status() == RunStatus.RUNNING)) {
					throw new ReconciliationCases.CaseRefused("signOff.refused.running");
				}
				long open = openCount(accountId, day);
				if (open > 0) {
					throw new ReconciliationCases.CaseRefused("signOff.refused.open", open);
				}
				Instant now = clock.instant();
				if (!cases.signOff(accountId, day, run.id(), operator, now)) {
					throw new ReconciliationCases.CaseRefused("signOff.refused.already");
				}
				audit.record(operator, AuditAction.DAY_SIGNED_OFF, target, AuditOutcome.SUCCESS,
						"run " + run.id() + " " + run.status() + ", " + run.discrepancyCount() + " discrepancies, none open");
				return cases.activeSignOff(accountId, day).orElseThrow();
			});
		}
		catch (ReconciliationCases.CaseRefused ex) {
			audit.record(operator, AuditAction.DAY_SIGNED_OFF, target, AuditOutcome.FAILURE, ex.getMessage());
			throw ex;
		}
	}

	/** A finished run of a signed-off day: keep the sign-off when nothing changed, else clear it and say why. */
	@EventListener
	public void runFinished(ReconciliationFinished finished) {
		tx.executeWithoutResult(status -> {
			Optional<SignOff> signOff = cases.activeSignOff(finished.accountId(), finished.businessDate());
			Optional<RunSummary> run = reconciliation.run(finished.runId()).filter(RunSummary::current);
			if (signOff.isEmpty() || run.isEmpty() || signOff.get().runId() == finished.runId()) {
				return;
			}
			RunSummary signed = reconciliation.run(signOff.get().runId()).orElseThrow();
			List<String> codes = changeCodes(signed, run.get(), openCount(finished.accountId(), finished.businessDate()));
			List<String> changes = codes.stream().map(DaySignOffs::describe).toList();
			String target = target(finished.accountId(), finished.businessDate());
			if (changes.isEmpty()) {
				cases.moveSignOff(signOff.get().id(), run.get().id());
				return;
			}
			String reason = "run " + run.get().id() + " changed the results: " + String.join("; ", changes);
			cases.clearSignOff(signOff.get().id(), reason, clock.instant());
			audit.record(SYSTEM, AuditAction.DAY_SIGN_OFF_CLEARED, target, AuditOutcome.SUCCESS,
					"sign-off by " + signOff.get().signedBy() + " cleared: " + reason);
			notices.signOffCleared(finished.accountId(), finished.businessDate(), run.get().id(),
					signOff.get().signedBy(), codes);
		});
	}

	/**
	 * What {@code now} changes against the signed-off run, as codes that the pages show in the reader's language:
	 * {@code status:FROM:TO}, {@code provider} (totals), {@code local} (totals), {@code open:N} (cases to work on).
	 */
	public static List<String> changeCodes(RunSummary signed, RunSummary now, long open) {
		List<String> changes = new ArrayList<>();
		if (signed.status() != now.status()) {
			changes.add("status:" + signed.status() + ":" + now.status());
		}
		if (!signed.provider().equals(now.provider())) {
			changes.add("provider");
		}
		if (!signed.local().equals(now.local())) {
			changes.add("local");
		}
		if (open > 0) {
			changes.add("open:" + open);
		}
		return changes;
	}

	/** A change code in words, for the audit log and the sign-off's history (stored text). */
	static String describe(String code) {
		String[] parts = code.split(":");
		return switch (parts[0]) {
			case "status" -> "status " + parts[1] + " → " + parts[2];
			case "provider" -> "provider totals differ";
			case "local" -> "local totals differ";
			case "open" -> parts[1] + " discrepancies open";
			default -> code;
		};
	}

	private long openCount(String accountId, LocalDate day) {
		DiscrepancyFilter all = DiscrepancyFilter.account(accountId).on(day);
		return discrepancies.current(all.withResolution(Resolution.OPEN)).size()
				+ discrepancies.current(all.withResolution(Resolution.ASSIGNED)).size();
	}

	public static String target(String accountId, LocalDate day) {
		return "reconciliation:" + accountId + "/" + day;
	}
}
