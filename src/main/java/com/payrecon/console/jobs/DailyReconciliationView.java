package com.payrecon.console.jobs;

import static com.payrecon.db.Tables.RECONCILIATION_RUN;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.payrecon.reconcile.CaseRepository;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.RunSummary;
import com.payrecon.reconcile.SignOff;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobRun;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The daily reconciliation as the Jobs pages show it: which account-days a Run now would reconcile, read from the
 * job's own rule ({@link Reconciliation#daysDue}, with the parameters the run would start with), with what each day
 * has now (its last run, a sign-off in force); and, for a run of the job, the business days it reconciled with the
 * reconciliation runs it produced (their {@code triggered_by} names the job execution), or its dry runs' days.
 * <p>
 * A plain run reconciles only days without a conclusive current run, and only a day with one can be signed off, so a
 * Run now never lists a signed-off day: re-running a signed-off day is done from its day page (issue 12's request,
 * with its own warning). The sign-off is still read, so that the page would say so should the rule ever change.
 */
@Component
@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
public class DailyReconciliationView {

	public static final String JOB = "daily-reconciliation";

	private final JobOperations operations;
	private final Reconciliation reconciliation;
	private final CaseRepository cases;
	private final DSLContext dsl;
	private final Clock clock;

	DailyReconciliationView(JobOperations operations, Reconciliation reconciliation, CaseRepository cases,
			DSLContext dsl, Clock clock) {
		this.operations = operations;
		this.reconciliation = reconciliation;
		this.cases = cases;
		this.dsl = dsl;
		this.clock = clock;
	}

	/** One account-day a run would reconcile: its last run if it has one (FAILED, e.g. a bill not ready), a sign-off. */
	public record AccountDay(String accountId, ZoneId zone, LocalDate day, @Nullable RunSummary last,
			@Nullable SignOff signOff) {

		public boolean signedOff() {
			return signOff != null;
		}
	}

	/** A reconciliation run a job run produced, or a day it dry-ran (no run id). */
	public record Reconciled(String accountId, LocalDate day, @Nullable Long runId, @Nullable String status) {
	}

	/**
	 * The account-days a Run now firing at this moment would reconcile, in the job's order: the catalogue's parameters
	 * replaced by {@code overrides} (the console's Run now has none), read by the job's own rule.
	 */
	@Transactional(readOnly = true)
	public List<AccountDay> runNow(Map<String, String> overrides) {
		JobParameters parameters = operations.runNowParameters(JOB, clock.instant(), overrides);
		return reconciliation.daysDue(parameters).stream().map(due -> {
			String id = due.account().id();
			RunSummary last = reconciliation.runs(id, due.day()).stream().max(Comparator.comparingLong(RunSummary::id))
				.orElse(null);
			SignOff signOff = cases.signOffs(id, due.day()).stream().filter(SignOff::active).findFirst().orElse(null);
			return new AccountDay(id, due.account().zone(), due.day(), last, signOff);
		}).toList();
	}

	/** The days a run of the job reconciled, with its reconciliation runs (or the days it dry-ran). */
	@Transactional(readOnly = true)
	public List<Reconciled> of(JobRun run) {
		if (!JOB.equals(run.jobName())) {
			return List.of();
		}
		List<Reconciled> produced = dsl.select(RECONCILIATION_RUN.ACCOUNT_ID, RECONCILIATION_RUN.BUSINESS_DATE,
				RECONCILIATION_RUN.ID, RECONCILIATION_RUN.STATUS)
			.from(RECONCILIATION_RUN)
			.where(RECONCILIATION_RUN.TRIGGERED_BY.eq("job:" + JOB + "#" + run.executionId())
				.or(RECONCILIATION_RUN.TRIGGERED_BY.startsWith("job:" + JOB + "#" + run.executionId() + " ")))
			.orderBy(RECONCILIATION_RUN.ACCOUNT_ID, RECONCILIATION_RUN.ID)
			.fetch(r -> new Reconciled(r.value1(), r.value2(), r.value3(), r.value4()));
		if (!produced.isEmpty()) {
			return produced;
		}
		return reconciliation.dryRuns(run.executionId()).stream()
			.map(d -> new Reconciled(d.run().accountId(), d.run().businessDate(), null, d.run().status().name()))
			.toList();
	}
}
