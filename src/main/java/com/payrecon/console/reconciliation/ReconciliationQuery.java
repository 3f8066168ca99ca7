package com.payrecon.console.reconciliation;

import static com.payrecon.db.Tables.DAY_SIGN_OFF;
import static com.payrecon.db.Tables.DISCREPANCY;
import static com.payrecon.db.Tables.RECONCILIATION_RUN;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.payrecon.db.tables.records.DiscrepancyRecord;
import com.payrecon.reconcile.AdjustmentKind;
import com.payrecon.reconcile.CaseRepository;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.HistoryEntry;
import com.payrecon.reconcile.Proposal;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.Resolution;
import com.payrecon.reconcile.RunStatus;
import com.payrecon.reconcile.RunSummary;
import com.payrecon.reconcile.SignOff;
import com.payrecon.reconcile.Totals;
import com.payrecon.support.money.Fen;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reconciliation for the console (read only): one row per account and business day (its current run, else its
 * latest), the open cases across days, and one day in full (runs, totals, cases with their history, proposals,
 * sign-offs).
 */
@Component
@PreAuthorize("hasAnyRole('FINANCE', 'ADMIN')")
public class ReconciliationQuery {

	static final List<String> OPEN_STATES = List.of(Resolution.OPEN.name(), Resolution.ASSIGNED.name());
	static final String SIGNED_OFF = "SIGNED_OFF";
	private static final Pattern CURSOR = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})_(\\d{1,19})");

	private final DSLContext dsl;
	private final Reconciliation reconciliation;
	private final CaseRepository cases;
	private final com.payrecon.reconcile.Discrepancies discrepancies;
	private final Clock clock;

	ReconciliationQuery(DSLContext dsl, Reconciliation reconciliation, CaseRepository cases,
			com.payrecon.reconcile.Discrepancies discrepancies, Clock clock) {
		this.dsl = dsl;
		this.discrepancies = discrepancies;
		this.reconciliation = reconciliation;
		this.cases = cases;
		this.clock = clock;
	}

	/** One account's day in the list. */
	public record DayRow(long runId, String accountId, LocalDate day, RunStatus status, Totals provider, Totals local,
			long openCount, String signedBy, Instant signedAt) {
	}

	public record DayPage(List<DayRow> rows, String next) {
	}

	/** A discrepancy as a case, with what can be done with it. */
	public record CaseRow(long id, String accountId, LocalDate day, DiscrepancyType type, String outTradeNo, String providerTxnId,
			Long orderId, Fen localAmount, Fen providerAmount, String localStatus, String providerStatus, String detail,
			boolean autoRepaired, Resolution resolution, String note, String assignedTo, String resolvedBy,
			Instant resolvedAt, Instant createdAt, String age, AdjustmentKind adjustment, List<HistoryEntry> history,
			Proposal pendingProposal) {

		public boolean open() {
			return !resolution.isSettled();
		}
	}

	/** Everything the day page shows. {@code shown} is the current run, else the latest (null: never run). */
	public record Day(String accountId, LocalDate day, RunSummary shown, List<RunSummary> runs, List<CaseRow> cases,
			List<Proposal> proposals, List<SignOff> signOffs, long openCount, boolean running) {

		public Optional<SignOff> activeSignOff() {
			return signOffs.stream().filter(SignOff::active).findFirst();
		}

		/** Sign-off is possible: a complete current run, nothing running, no open case, not signed off yet. */
		public boolean canSignOff() {
			return shown != null && shown.current() && shown.status().isConclusive() && !running && openCount == 0
					&& activeSignOff().isEmpty();
		}
	}

	@Transactional(readOnly = true)
	public DayPage days(String accountId, LocalDate from, LocalDate to, String status, String before, int size) {
		var r = RECONCILIATION_RUN.as("r");
		var c = RECONCILIATION_RUN.as("c");
		var m = RECONCILIATION_RUN.as("m");
		var s = DAY_SIGN_OFF.as("s");
		List<Condition> where = new ArrayList<>();
		where.add(r.CURRENT_RUN.eq((byte) 1)
			.or(DSL.notExists(DSL.selectOne().from(c).where(c.ACCOUNT_ID.eq(r.ACCOUNT_ID),
					c.BUSINESS_DATE.eq(r.BUSINESS_DATE), c.CURRENT_RUN.eq((byte) 1)))
				.and(r.ID.eq(DSL.select(DSL.max(m.ID)).from(m).where(m.ACCOUNT_ID.eq(r.ACCOUNT_ID),
						m.BUSINESS_DATE.eq(r.BUSINESS_DATE))))));
		if (accountId != null) {
			where.add(r.ACCOUNT_ID.eq(accountId));
		}
		if (from != null) {
			where.add(r.BUSINESS_DATE.ge(from));
		}
		if (to != null) {
			where.add(r.BUSINESS_DATE.le(to));
		}
		if (SIGNED_OFF.equals(status)) {
			where.add(s.ID.isNotNull());
		}
		else if (status != null) {
			where.add(r.STATUS.eq(status));
		}
		Field<Integer> open = DSL.field(DSL.selectCount().from(DISCREPANCY)
			.where(DISCREPANCY.RUN_ID.eq(r.ID), DISCREPANCY.RESOLUTION.in(OPEN_STATES))).as("open_count");
		var query = dsl.select(r.fields())
			.select(open, s.SIGNED_BY, s.SIGNED_AT)
			.from(r)
			.leftJoin(s)
			.on(s.ACCOUNT_ID.eq(r.ACCOUNT_ID), s.BUSINESS_DATE.eq(r.BUSINESS_DATE), s.ACTIVE.eq((byte) 1))
			.where(where)
			.orderBy(r.BUSINESS_DATE.desc(), r.ID.desc());
		Matcher cursor = before == null ? null : CURSOR.matcher(before);
		var limited = cursor != null && cursor.matches()
				? query.seek(LocalDate.parse(cursor.group(1)), Long.parseLong(cursor.group(2))).limit(size + 1)
				: query.limit(size + 1);
		List<DayRow> rows = limited.fetch(rec -> toDayRow(rec, r, open, s));
		if (rows.size() <= size) {
			return new DayPage(rows, null);
		}
		List<DayRow> page = List.copyOf(rows.subList(0, size));
		DayRow last = page.get(size - 1);
		return new DayPage(page, last.day() + "_" + last.runId());
	}

	private static DayRow toDayRow(Record rec, com.payrecon.db.tables.ReconciliationRun r, Field<Integer> open,
			com.payrecon.db.tables.DaySignOff s) {
		Totals provider = new Totals(rec.get(r.PROVIDER_COUNT), Fen.of(rec.get(r.PROVIDER_GROSS_MINOR)),
				Fen.of(rec.get(r.PROVIDER_FEE_MINOR)), rec.get(r.PROVIDER_REFUND_COUNT),
				Fen.of(rec.get(r.PROVIDER_REFUND_MINOR)), Fen.of(rec.get(r.PROVIDER_NET_MINOR)));
		Long localFee = rec.get(r.LOCAL_FEE_MINOR);
		Totals local = new Totals(rec.get(r.LOCAL_COUNT), Fen.of(rec.get(r.LOCAL_GROSS_MINOR)),
				localFee == null ? null : Fen.of(localFee), rec.get(r.LOCAL_REFUND_COUNT),
				Fen.of(rec.get(r.LOCAL_REFUND_MINOR)), Fen.of(rec.get(r.LOCAL_NET_MINOR)));
		return new DayRow(rec.get(r.ID), rec.get(r.ACCOUNT_ID), rec.get(r.BUSINESS_DATE),
				RunStatus.valueOf(rec.get(r.STATUS)), provider, local, rec.get(open), rec.get(s.SIGNED_BY),
				rec.get(s.SIGNED_AT));
	}

	/** OPEN and ASSIGNED discrepancies of current runs across days, newest day first ({@code accountId} null: all). */
	@Transactional(readOnly = true)
	public List<CaseRow> openCases(String accountId, int limit) {
		List<Condition> where = new ArrayList<>();
		where.add(RECONCILIATION_RUN.CURRENT_RUN.isNotNull());
		where.add(DISCREPANCY.RESOLUTION.in(OPEN_STATES));
		if (accountId != null) {
			where.add(DISCREPANCY.ACCOUNT_ID.eq(accountId));
		}
		List<DiscrepancyRecord> records = dsl.select(DISCREPANCY.fields())
			.from(DISCREPANCY)
			.join(RECONCILIATION_RUN)
			.on(RECONCILIATION_RUN.ID.eq(DISCREPANCY.RUN_ID))
			.where(where)
			.orderBy(DISCREPANCY.BUSINESS_DATE.desc(), DISCREPANCY.ID.desc())
			.limit(limit)
			.fetch(rec -> rec.into(DISCREPANCY));
		return toCases(records, Map.of(), false);
	}

	@Transactional(readOnly = true)
	public Day day(String accountId, LocalDate day) {
		List<RunSummary> runs = reconciliation.runs(accountId, day);
		RunSummary shown = runs.stream().filter(RunSummary::current).findFirst().orElse(runs.isEmpty() ? null : runs.get(0));
		List<Proposal> proposals = cases.proposalsOf(accountId, day);
		List<CaseRow> rows = shown == null ? List.of()
				: toCases(dsl.selectFrom(DISCREPANCY).where(DISCREPANCY.RUN_ID.eq(shown.id())).orderBy(DISCREPANCY.ID).fetch(),
						proposals.stream().filter(Proposal::pending)
							.collect(Collectors.toMap(Proposal::discrepancyId, p -> p)),
						true);
		long open = rows.stream().filter(CaseRow::open).count();
		boolean running = runs.stream().anyMatch(r -> r.status() == RunStatus.RUNNING);
		return new Day(accountId, day, shown, runs, rows, proposals, cases.signOffs(accountId, day), open, running);
	}

	private List<CaseRow> toCases(List<DiscrepancyRecord> records, Map<Long, Proposal> pending, boolean withHistory) {
		Map<Long, List<HistoryEntry>> history = withHistory && !records.isEmpty()
				? cases.history(records.stream().map(DiscrepancyRecord::getId).toList())
					.stream()
					.collect(Collectors.groupingBy(HistoryEntry::discrepancyId))
				: Map.of();
		Instant now = clock.instant();
		return records.stream().map(d -> {
			Resolution resolution = Resolution.valueOf(d.getResolution());
			DiscrepancyType type = DiscrepancyType.valueOf(d.getType());
			return new CaseRow(d.getId(), d.getAccountId(), d.getBusinessDate(), type, d.getOutTradeNo(), d.getProviderTxnId(),
					d.getOrderId(), fen(d.getLocalAmountMinor()), fen(d.getProviderAmountMinor()), d.getLocalStatus(),
					d.getProviderStatus(), d.getDetail(), d.getAutoRepaired(), resolution, d.getResolutionNote(),
					d.getAssignedTo(), d.getResolvedBy(), d.getResolvedAt(), d.getCreatedAt(),
					age(Duration.between(d.getCreatedAt(), now)),
					resolution.isSettled() ? null : adjustmentFor(type, d.getLocalStatus(), d.getDetail()),
					history.getOrDefault(d.getId(), List.of()), pending.get(d.getId()));
		}).toList();
	}

	@Transactional(readOnly = true)
	public com.payrecon.reconcile.Discrepancy discrepancy(long id) {
		return discrepancies.get(id);
	}

	@Transactional(readOnly = true)
	public Optional<Proposal> proposal(long id) {
		return cases.proposal(id);
	}

	/** Which order change the case may call for (the service checks it against the archived bill line). */
	static AdjustmentKind adjustmentFor(DiscrepancyType type, String localStatus, String detail) {
		if (type == DiscrepancyType.LATE_PAYMENT && "CLOSED".equals(localStatus)) {
			return AdjustmentKind.REOPEN_LATE_PAYMENT;
		}
		if (type == DiscrepancyType.REFUND_UNKNOWN && localStatus != null
				&& com.payrecon.order.OrderStatus.valueOf(localStatus).isPaid()) {
			return AdjustmentKind.MARK_REFUNDED;
		}
		return null;
	}

	/** "3 d 4 h", "5 h 10 min", "12 min". */
	static String age(Duration d) {
		if (d.isNegative()) {
			return "0 min";
		}
		if (d.toDays() > 0) {
			return d.toDays() + " d " + d.toHoursPart() + " h";
		}
		if (d.toHours() > 0) {
			return d.toHours() + " h " + d.toMinutesPart() + " min";
		}
		return d.toMinutes() + " min";
	}

	private static Fen fen(Long minor) {
		return minor == null ? null : Fen.of(minor);
	}

	static List<String> statusFilters() {
		List<String> all = new ArrayList<>();
		for (RunStatus s : RunStatus.values()) {
			all.add(s.name());
		}
		all.add(SIGNED_OFF);
		return all;
	}
}
