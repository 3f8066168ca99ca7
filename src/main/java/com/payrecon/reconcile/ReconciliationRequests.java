package com.payrecon.reconcile;

import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.account.AccountRegistry;
import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.security.Refused;
import com.payrecon.security.SeparationOfDuties;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobRun;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Operator control of reconciliation: reconcile, dry-run or re-run a chosen account and day, each as a run of the
 * {@code daily-reconciliation} job (through the scheduler, so it never overlaps another run of the job). The rule:
 * <ul>
 * <li>a dry run changes nothing, so FINANCE or ADMIN starts one at once; its result is shown from the job run's
 * record;</li>
 * <li>a real run can repair orders (signed queries) and supersedes the day's run, so ADMIN runs it; FINANCE proposes
 * it with a reason and a different user with ADMIN, not tied to the proposer ({@link SeparationOfDuties}), approves
 * (which runs it) or rejects it;</li>
 * <li>a day finance has signed off is run again only when the operator confirmed the warning shown before (a run that
 * changes the results clears the sign-off, and finance then gets a {@link FinanceNotices notice}).</li>
 * </ul>
 * Every step is audited, a refusal too.
 */
@Service
public class ReconciliationRequests {

	static final String JOB = DailyReconciliationJobConfiguration.JOB;

	private final AccountRegistry accounts;
	private final JobOperations jobs;
	private final Reconciliation reconciliation;
	private final CaseRepository cases;
	private final RunRequestRepository requests;
	private final AuditLog audit;
	private final SeparationOfDuties duties;
	private final Clock clock;

	ReconciliationRequests(AccountRegistry accounts, JobOperations jobs, Reconciliation reconciliation,
			CaseRepository cases, RunRequestRepository requests, AuditLog audit, SeparationOfDuties duties, Clock clock) {
		this.duties = duties;
		this.accounts = accounts;
		this.jobs = jobs;
		this.reconciliation = reconciliation;
		this.cases = cases;
		this.requests = requests;
		this.audit = audit;
		this.clock = clock;
	}

	/** Starts a dry run of the day; returns the scheduler request, whose result {@link #dryRun(String)} shows. */
	@PreAuthorize("hasAnyRole('FINANCE','ADMIN') and #operator == authentication.name")
	public String startDryRun(String accountId, LocalDate day, String operator) {
		known(accountId);
		String request = jobs.runNow(JOB, parameters(accountId, day, true, operator));
		audit.record(operator, AuditAction.RECONCILIATION_DRY_RUN, DaySignOffs.target(accountId, day), AuditOutcome.SUCCESS,
				"request " + request);
		return request;
	}

	/**
	 * Runs (or re-runs) the day now; returns the scheduler request. A signed-off day needs {@code confirmed}: the page
	 * said before that a run changing the results clears the sign-off.
	 */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	public String run(String accountId, LocalDate day, boolean confirmed, String operator) {
		known(accountId);
		String target = DaySignOffs.target(accountId, day);
		try {
			refuseUnconfirmedRerunOfSignedOffDay(accountId, day, confirmed);
		}
		catch (Refused ex) {
			audit.record(operator, AuditAction.RECONCILIATION_RUN, target, AuditOutcome.FAILURE, ex.code());
			throw ex;
		}
		String request = jobs.runNow(JOB, parameters(accountId, day, false, operator));
		audit.record(operator, AuditAction.RECONCILIATION_RUN, target, AuditOutcome.SUCCESS,
				"request " + request + (confirmed ? ", re-run of a signed-off day confirmed" : ""));
		return request;
	}

	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public RunRequest propose(String accountId, LocalDate day, String reason, String operator) {
		known(accountId);
		String target = DaySignOffs.target(accountId, day);
		if (reason == null || reason.isBlank()) {
			audit.record(operator, AuditAction.RECONCILIATION_RUN_PROPOSED, target, AuditOutcome.FAILURE, "no reason");
			throw new Refused("recon.request.reasonRequired");
		}
		RunRequest proposed = requests.propose(accountId, day, reason.strip(), operator, clock.instant())
			.orElseThrow(() -> {
				audit.record(operator, AuditAction.RECONCILIATION_RUN_PROPOSED, target, AuditOutcome.FAILURE, "one is open");
				return new Refused("recon.request.openAlready");
			});
		audit.record(operator, AuditAction.RECONCILIATION_RUN_PROPOSED, target, AuditOutcome.SUCCESS,
				"request " + proposed.id() + ": " + proposed.reason());
		return proposed;
	}

	/** An admin other than the proposer approves: the run starts (a signed-off day needs {@code confirmed}). */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	public RunRequest approve(long id, boolean confirmed, String note, String operator) {
		RunRequest request = requests.find(id).orElseThrow(() -> new Refused("recon.request.unknown", id));
		String target = DaySignOffs.target(request.accountId(), request.businessDate());
		try {
			if (!request.pending()) {
				throw new Refused("recon.request.decidedAlready", id);
			}
			// not the proposer, nor a user tied to the proposer (created or given power by them recently)
			duties.refusal(request.proposedBy(), operator).ifPresent(refused -> {
				throw refused;
			});
			refuseUnconfirmedRerunOfSignedOffDay(request.accountId(), request.businessDate(), confirmed);
		}
		catch (Refused ex) {
			audit.record(operator, AuditAction.RECONCILIATION_RUN_APPROVED, target, AuditOutcome.FAILURE,
					"request " + id + ": " + ex.code());
			throw ex;
		}
		if (!requests.decide(request, RunRequest.APPROVED, operator, blankToNull(note), null, clock.instant())) {
			throw new Refused("recon.request.decidedAlready", id);
		}
		String started = jobs.runNow(JOB, parameters(request.accountId(), request.businessDate(), false,
				operator + " (proposed by " + request.proposedBy() + ")"));
		requests.recordJobRequest(id, started);
		audit.record(operator, AuditAction.RECONCILIATION_RUN_APPROVED, target, AuditOutcome.SUCCESS,
				"request " + id + " by " + request.proposedBy() + ", run request " + started);
		return requests.find(id).orElseThrow();
	}

	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	public RunRequest reject(long id, String note, String operator) {
		RunRequest request = requests.find(id).orElseThrow(() -> new Refused("recon.request.unknown", id));
		String target = DaySignOffs.target(request.accountId(), request.businessDate());
		if (!requests.decide(request, RunRequest.REJECTED, operator, blankToNull(note), null, clock.instant())) {
			audit.record(operator, AuditAction.RECONCILIATION_RUN_REJECTED, target, AuditOutcome.FAILURE,
					"request " + id + ": decided already");
			throw new Refused("recon.request.decidedAlready", id);
		}
		audit.record(operator, AuditAction.RECONCILIATION_RUN_REJECTED, target, AuditOutcome.SUCCESS,
				"request " + id + " by " + request.proposedBy());
		return requests.find(id).orElseThrow();
	}

	public Optional<RunRequest> request(long id) {
		return requests.find(id);
	}

	/** The day's proposals, newest first. */
	public List<RunRequest> requests(String accountId, LocalDate day) {
		return requests.ofDay(accountId, day);
	}

	/** The sign-off in force for the day, if any. */
	public Optional<SignOff> signOff(String accountId, LocalDate day) {
		return cases.activeSignOff(accountId, day);
	}

	/**
	 * A dry run started with {@link #startDryRun}: empty while it has not started; {@code finished} false while it
	 * runs.
	 */
	public record DryRunView(JobRun run, boolean finished, List<ReconciliationResult> results) {
	}

	public Optional<DryRunView> dryRun(String request) {
		return jobs.runOfRequest(JOB, request).map(run -> {
			boolean finished = !run.status().equals("STARTING") && !run.status().equals("STARTED");
			return new DryRunView(run, finished, finished ? reconciliation.dryRuns(run.executionId()) : List.of());
		});
	}

	/**
	 * What a re-run with this (dry-run) result would change on the signed-off day, as codes (see
	 * {@link DaySignOffs#changeCodes}); empty when the day is not signed off or nothing would change.
	 */
	public List<String> wouldChange(ReconciliationResult dry) {
		RunSummary run = dry.run();
		return cases.activeSignOff(run.accountId(), run.businessDate())
			.flatMap(s -> reconciliation.run(s.runId()))
			.map(signed -> DaySignOffs.changeCodes(signed, run, dry.discrepancies().stream()
				.filter(d -> d.resolution() == Resolution.OPEN || d.resolution() == Resolution.ASSIGNED)
				.count()))
			.orElse(List.of());
	}

	private void refuseUnconfirmedRerunOfSignedOffDay(String accountId, LocalDate day, boolean confirmed) {
		Optional<SignOff> signOff = cases.activeSignOff(accountId, day);
		if (signOff.isPresent() && !confirmed) {
			throw new Refused("recon.rerun.signedOff", signOff.get().signedBy());
		}
	}

	private static Map<String, String> parameters(String accountId, LocalDate day, boolean dryRun, String by) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put(DailyReconciliationParameters.ACCOUNTS, accountId);
		parameters.put(DailyReconciliationParameters.DAY, day.toString());
		parameters.put(DailyReconciliationParameters.DRY_RUN, Boolean.toString(dryRun));
		parameters.put(DailyReconciliationParameters.REQUESTED_BY, "operator:" + by);
		return parameters;
	}

	private void known(String accountId) {
		if (accounts.find(accountId).isEmpty()) {
			throw new Refused("recon.account.unknown", accountId);
		}
	}

	private static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s.strip();
	}
}
