package com.payrecon.console.jobs;

import static com.payrecon.db.Tables.RECONCILIATION_RUN;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.reconcile.CaseRepository;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.RunStatus;
import com.payrecon.reconcile.RunSummary;
import com.payrecon.reconcile.SignOff;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobRun;
import com.payrecon.scheduling.ScheduledJob;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The daily reconciliation as the Jobs pages show it: which account-days a Run now would (re)reconcile and which of
 * them are signed off (a re-run with other results clears the sign-off), and, for a run of the job, the business
 * days it reconciled with the reconciliation runs it produced (their {@code triggered_by} names the job execution).
 * The job reconciles, for each account of its {@code accounts} parameter (all when empty), the day before the fire
 * date in the account's zone (see DailyReconciliationParameters).
 */
@Component
@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
public class DailyReconciliationView {

	public static final String JOB = "daily-reconciliation";

	private final JobOperations operations;
	private final AccountRegistry accounts;
	private final Reconciliation reconciliation;
	private final CaseRepository cases;
	private final DSLContext dsl;
	private final Clock clock;

	DailyReconciliationView(JobOperations operations, AccountRegistry accounts, Reconciliation reconciliation,
			CaseRepository cases, DSLContext dsl, Clock clock) {
		this.operations = operations;
		this.accounts = accounts;
		this.reconciliation = reconciliation;
		this.cases = cases;
		this.dsl = dsl;
		this.clock = clock;
	}

	/** One account-day a run would reconcile: what it has now (current run, sign-off in force). */
	public record AccountDay(String accountId, ZoneId zone, LocalDate day, @Nullable RunStatus current,
			@Nullable SignOff signOff) {

		public boolean signedOff() {
			return signOff != null;
		}
	}

	/** A reconciliation run a job run produced (or, before it has one, the day it reconciles). */
	public record Reconciled(String accountId, LocalDate day, @Nullable Long runId, @Nullable String status) {
	}

	/** The account-days a Run now (firing at this moment) would reconcile, in the catalogue's account order. */
	@Transactional(readOnly = true)
	public List<AccountDay> runNow() {
		Instant now = clock.instant();
		return accountsOf(operations.schedules().stream().filter(j -> j.name().equals(JOB)).findFirst()
			.map(ScheduledJob::parameters).map(p -> String.valueOf(p.getOrDefault("accounts", ""))).orElse(""))
			.stream()
			.map(a -> {
				LocalDate day = dayOf(now, a.zone());
				Optional<RunSummary> current = reconciliation.currentRun(a.id(), day);
				Optional<SignOff> signOff = cases.signOffs(a.id(), day).stream().filter(SignOff::active).findFirst();
				return new AccountDay(a.id(), a.zone(), day, current.map(RunSummary::status).orElse(null),
						signOff.orElse(null));
			})
			.toList();
	}

	/** The days a run of the job reconciled, with its reconciliation runs; expected days while it has none. */
	@Transactional(readOnly = true)
	public List<Reconciled> of(JobRun run) {
		if (!JOB.equals(run.jobName())) {
			return List.of();
		}
		List<Reconciled> produced = dsl.select(RECONCILIATION_RUN.ACCOUNT_ID, RECONCILIATION_RUN.BUSINESS_DATE,
				RECONCILIATION_RUN.ID, RECONCILIATION_RUN.STATUS)
			.from(RECONCILIATION_RUN)
			.where(RECONCILIATION_RUN.TRIGGERED_BY.eq("job:" + JOB + "#" + run.executionId()))
			.orderBy(RECONCILIATION_RUN.ACCOUNT_ID, RECONCILIATION_RUN.ID)
			.fetch(r -> new Reconciled(r.value1(), r.value2(), r.value3(), r.value4()));
		if (!produced.isEmpty()) {
			return produced;
		}
		String fireTime = run.parameter(JobParameterNames.FIRE_TIME);
		if (fireTime == null) {
			return List.of();
		}
		try {
			Instant fired = Instant.parse(fireTime);
			String only = run.parameter("accounts");
			return accountsOf(only == null ? "" : only).stream()
				.map(a -> new Reconciled(a.id(), dayOf(fired, a.zone()), null, null))
				.toList();
		}
		catch (DateTimeParseException ex) {
			return List.of();
		}
	}

	/** The business day the job reconciles for an account when it fires at {@code fired}. */
	static LocalDate dayOf(Instant fired, ZoneId zone) {
		return LocalDate.ofInstant(fired, zone).minusDays(1);
	}

	private List<Account> accountsOf(String parameter) {
		Set<String> only = Arrays.stream(parameter.split(",")).map(String::strip).filter(s -> !s.isEmpty())
			.collect(Collectors.toSet());
		return accounts.all().stream().filter(a -> only.isEmpty() || only.contains(a.id())).toList();
	}
}
