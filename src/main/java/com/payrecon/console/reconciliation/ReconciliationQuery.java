package com.payrecon.console.reconciliation;

import static com.payrecon.db.Tables.DAY_SIGN_OFF;
import static com.payrecon.db.Tables.DISCREPANCY;
import static com.payrecon.db.Tables.RECONCILIATION_MATCH;
import static com.payrecon.db.Tables.RECONCILIATION_RUN;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.payrecon.console.ConsoleFormat;
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
import com.payrecon.security.ConsoleUser;
import com.payrecon.security.ConsoleUserRepository;
import com.payrecon.security.Role;
import com.payrecon.support.i18n.Text;
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
	private final ConsoleUserRepository users;
	private final ConsoleFormat fmt;

	ReconciliationQuery(DSLContext dsl, Reconciliation reconciliation, CaseRepository cases,
			com.payrecon.reconcile.Discrepancies discrepancies, Clock clock, ConsoleUserRepository users,
			ConsoleFormat fmt) {
		this.users = users;
		this.fmt = fmt;
		this.dsl = dsl;
		this.discrepancies = discrepancies;
		this.reconciliation = reconciliation;
		this.cases = cases;
		this.clock = clock;
	}

	/** One account's day in the list. */
	/** {@code reading}: the status, or EXPLAINED (see {@link Day}). */
	public record DayRow(long runId, String accountId, LocalDate day, RunStatus status, Totals provider, Totals local,
			long openCount, String signedBy, Instant signedAt, Boolean summaryOk, String reading) {

		DayRow reading(String reading) {
			return new DayRow(runId, accountId, day, status, provider, local, openCount, signedBy, signedAt, summaryOk,
					reading);
		}
	}

	public record DayPage(List<DayRow> rows, String next) {
	}

	/** A discrepancy as a case, with what can be done with it. */
	public record CaseRow(long id, String accountId, LocalDate day, DiscrepancyType type, String outTradeNo, String providerTxnId,
			Long orderId, Fen localAmount, Fen providerAmount, String localStatus, String providerStatus, String detail,
			boolean autoRepaired, Resolution resolution, String note, String assignedTo, String resolvedBy,
			Instant resolvedAt, Instant createdAt, Duration age, AdjustmentKind adjustment, List<HistoryEntry> history,
			Proposal pendingProposal, Text readable) {

		public boolean open() {
			return !resolution.isSettled();
		}

		DayExplanation.Case forExplanation() {
			return new DayExplanation.Case(id, type, outTradeNo, localAmount, providerAmount, localStatus, detail,
					autoRepaired, !open());
		}
	}

	/** A correction of this day's case booked on a later day: the order matched in a later bill, or changed later. */
	public record Correction(long caseId, String outTradeNo, Text what) {
	}

	/**
	 * Everything the day page shows. {@code shown} is the run asked for, else the current run, else the latest (null:
	 * never run); {@code reading} is its status, or {@link DayExplanation#EXPLAINED} for an UNBALANCED run whose
	 * differences are all explained by settled cases.
	 */
	public record Day(String accountId, LocalDate day, RunSummary shown, List<RunSummary> runs, List<CaseRow> cases,
			List<Proposal> proposals, List<SignOff> signOffs, long openCount, boolean running,
			DayExplanation explanation, String reading, List<Correction> corrections, List<String> financeUsers) {

		public Optional<SignOff> activeSignOff() {
			return signOffs.stream().filter(SignOff::active).findFirst();
		}

		/** Sign-off is possible: a complete current run, nothing running, no open case, not signed off yet. */
		public boolean canSignOff() {
			return shown != null && shown.current() && shown.status().isConclusive() && !running && openCount == 0
					&& activeSignOff().isEmpty();
		}

		/** An earlier run is shown although the day has a current one. */
		public Optional<RunSummary> currentInstead() {
			return shown == null || shown.current() ? Optional.empty()
					: runs.stream().filter(RunSummary::current).findFirst();
		}

		public List<CaseRow> openCases() {
			return cases.stream().filter(CaseRow::open).toList();
		}

		public List<CaseRow> settledCases() {
			return cases.stream().filter(c -> !c.open()).toList();
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
		List<DayRow> rows = explained(limited.fetch(rec -> toDayRow(rec, r, open, s)));
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
				rec.get(s.SIGNED_AT), rec.get(r.SUMMARY_OK), rec.get(r.STATUS));
	}

	/** UNBALANCED days without an open case read EXPLAINED when their cases explain every difference. */
	private List<DayRow> explained(List<DayRow> rows) {
		List<Long> candidates = rows.stream()
			.filter(d -> d.status() == RunStatus.UNBALANCED && d.openCount() == 0)
			.map(DayRow::runId)
			.toList();
		if (candidates.isEmpty()) {
			return rows;
		}
		Map<Long, List<DayExplanation.Case>> byRun = dsl.selectFrom(DISCREPANCY)
			.where(DISCREPANCY.RUN_ID.in(candidates))
			.fetch()
			.stream()
			.collect(Collectors.groupingBy(DiscrepancyRecord::getRunId, Collectors.mapping(d -> new DayExplanation.Case(
					d.getId(), DiscrepancyType.valueOf(d.getType()), d.getOutTradeNo(), fen(d.getLocalAmountMinor()),
					fen(d.getProviderAmountMinor()), d.getLocalStatus(), d.getDetail(), d.getAutoRepaired(),
					Resolution.valueOf(d.getResolution()).isSettled()), Collectors.toList())));
		return rows.stream().map(d -> !candidates.contains(d.runId()) ? d
				: d.reading(reading(d.status(), d.summaryOk(), d.openCount(),
						DayExplanation.of(d.provider(), d.local(), byRun.getOrDefault(d.runId(), List.of())))))
			.toList();
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
		return toCases(records, records, Map.of(), false);
	}

	@Transactional(readOnly = true)
	public Day day(String accountId, LocalDate day) {
		return day(accountId, day, null);
	}

	/** The day with the run {@code runId} shown (null: the current run, else the latest). */
	@Transactional(readOnly = true)
	public Day day(String accountId, LocalDate day, Long runId) {
		List<RunSummary> runs = reconciliation.runs(accountId, day);
		RunSummary shown = runs.stream()
			.filter(r -> runId == null ? r.current() : r.id() == runId)
			.findFirst()
			.orElse(runId == null && !runs.isEmpty() ? runs.get(0) : null);
		List<Proposal> proposals = cases.proposalsOf(accountId, day);
		List<CaseRow> rows = List.of();
		if (shown != null) {
			List<DiscrepancyRecord> ofDay = dsl.selectFrom(DISCREPANCY)
				.where(DISCREPANCY.RUN_ID.in(runs.stream().map(RunSummary::id).toList()))
				.orderBy(DISCREPANCY.ID)
				.fetch();
			long shownId = shown.id();
			rows = toCases(ofDay.stream().filter(d -> d.getRunId() == shownId).toList(), ofDay,
					proposals.stream().filter(Proposal::pending).collect(Collectors.toMap(Proposal::discrepancyId, p -> p)),
					true);
		}
		long open = rows.stream().filter(CaseRow::open).count();
		boolean running = runs.stream().anyMatch(r -> r.status() == RunStatus.RUNNING);
		DayExplanation explanation = shown == null || !shown.status().isConclusive() ? null
				: DayExplanation.of(shown.provider(), shown.local(), rows.stream().map(CaseRow::forExplanation).toList());
		String reading = shown == null ? null : reading(shown.status(), shown.summaryOk(), open, explanation);
		return new Day(accountId, day, shown, runs, rows, proposals, cases.signOffs(accountId, day), open, running,
				explanation, reading, corrections(accountId, day, rows, proposals), financeUsers());
	}

	/** A run's status as finance reads it: an UNBALANCED day whose differences are all explained reads EXPLAINED. */
	static String reading(RunStatus status, Boolean summaryOk, long open, DayExplanation explanation) {
		boolean explained = status == RunStatus.UNBALANCED && !Boolean.FALSE.equals(summaryOk) && open == 0
				&& explanation != null && explanation.explained();
		return explained ? DayExplanation.EXPLAINED : status.name();
	}

	/** Enabled finance users, whom a case can be assigned to. */
	private List<String> financeUsers() {
		return users.all()
			.stream()
			.filter(u -> u.enabled() && u.roles().contains(Role.FINANCE))
			.map(ConsoleUser::login)
			.toList();
	}

	/**
	 * Corrections of the day's cases booked on later days: an order of a case matched in the bill of a later day
	 * (a payment missing from this day's bill that the provider booked the next day), and approved order changes
	 * decided after the day.
	 */
	private List<Correction> corrections(String accountId, LocalDate day, List<CaseRow> rows, List<Proposal> proposals) {
		List<Correction> found = new ArrayList<>();
		Map<Long, CaseRow> byOrder = rows.stream()
			.filter(c -> c.orderId() != null)
			.collect(Collectors.toMap(CaseRow::orderId, c -> c, (a, b) -> a));
		if (!byOrder.isEmpty()) {
			dsl.selectDistinct(RECONCILIATION_MATCH.ORDER_ID, RECONCILIATION_RUN.BUSINESS_DATE, RECONCILIATION_RUN.ID)
				.from(RECONCILIATION_MATCH)
				.join(RECONCILIATION_RUN)
				.on(RECONCILIATION_RUN.ID.eq(RECONCILIATION_MATCH.RUN_ID))
				.where(RECONCILIATION_MATCH.ORDER_ID.in(byOrder.keySet()), RECONCILIATION_RUN.CURRENT_RUN.isNotNull(),
						RECONCILIATION_RUN.ACCOUNT_ID.eq(accountId), RECONCILIATION_RUN.BUSINESS_DATE.gt(day))
				.orderBy(RECONCILIATION_RUN.BUSINESS_DATE)
				.forEach(r -> {
					CaseRow c = byOrder.get(r.value1());
					found.add(new Correction(c.id(), c.outTradeNo(),
							Text.of("recon.correction.matched", c.outTradeNo(), r.value2(), r.value3())));
				});
		}
		java.time.ZoneId zone = fmt.zone(accountId);
		Instant dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant();
		for (Proposal p : proposals) {
			if (Proposal.APPROVED.equals(p.state()) && p.decidedAt() != null && !p.decidedAt().isBefore(dayEnd)) {
				found.add(new Correction(p.discrepancyId(), p.outTradeNo(), Text.of("recon.correction.proposal",
						p.outTradeNo(), p.decidedAt().atZone(zone).toLocalDate(), p.id(),
						Text.of("proposal.kind." + p.kind()), p.decidedBy())));
			}
		}
		return found;
	}

	/**
	 * {@code ofDay}: the day's discrepancies of every run; a case found again by a re-run (same type, out_trade_no and
	 * transaction) keeps the age and the history of its first finding.
	 */
	private List<CaseRow> toCases(List<DiscrepancyRecord> records, List<DiscrepancyRecord> ofDay,
			Map<Long, Proposal> pending, boolean withHistory) {
		Map<String, Instant> firstSeen = new HashMap<>();
		Map<String, List<Long>> sameCase = new HashMap<>();
		for (DiscrepancyRecord d : ofDay) {
			firstSeen.merge(sameCase(d), d.getCreatedAt(), (a, b) -> a.isBefore(b) ? a : b);
			sameCase.computeIfAbsent(sameCase(d), k -> new ArrayList<>()).add(d.getId());
		}
		List<Long> historyOf = new ArrayList<>();
		records.forEach(d -> historyOf.addAll(sameCase.getOrDefault(sameCase(d), List.of(d.getId()))));
		Map<Long, List<HistoryEntry>> history = withHistory && !historyOf.isEmpty()
				? cases.history(historyOf).stream().collect(Collectors.groupingBy(HistoryEntry::discrepancyId))
				: Map.of();
		Instant now = clock.instant();
		return records.stream().map(d -> {
			Resolution resolution = Resolution.valueOf(d.getResolution());
			DiscrepancyType type = DiscrepancyType.valueOf(d.getType());
			List<HistoryEntry> own = sameCase.getOrDefault(sameCase(d), List.of(d.getId()))
				.stream()
				.flatMap(id -> history.getOrDefault(id, List.of()).stream())
				.sorted(Comparator.comparing(HistoryEntry::at).thenComparing(HistoryEntry::id))
				.toList();
			Fen local = fen(d.getLocalAmountMinor());
			Fen provider = fen(d.getProviderAmountMinor());
			return new CaseRow(d.getId(), d.getAccountId(), d.getBusinessDate(), type, d.getOutTradeNo(), d.getProviderTxnId(),
					d.getOrderId(), local, provider, d.getLocalStatus(), d.getProviderStatus(), d.getDetail(),
					d.getAutoRepaired(), resolution, d.getResolutionNote(), d.getAssignedTo(), d.getResolvedBy(),
					d.getResolvedAt(), d.getCreatedAt(), age(firstSeen.getOrDefault(sameCase(d), d.getCreatedAt()), now),
					resolution.isSettled() ? null : adjustmentFor(type, d.getLocalStatus(), d.getDetail()), own,
					pending.get(d.getId()), readable(type, d, local, provider));
		}).toList();
	}

	private static String sameCase(DiscrepancyRecord d) {
		return d.getType() + "|" + d.getOutTradeNo() + "|" + d.getProviderTxnId();
	}

	/** What the case is, in a sentence built from its fields (the matcher's own words stay in the history). */
	static Text readable(DiscrepancyType type, DiscrepancyRecord d, Fen local, Fen provider) {
		String p = provider == null ? "" : ConsoleFormat.yuanText(provider.value());
		String l = local == null ? "" : ConsoleFormat.yuanText(local.value());
		Object status = d.getLocalStatus() == null ? "" : Text.of("order.status." + d.getLocalStatus());
		DayExplanation.Line line = DayExplanation.Line.of(d.getDetail());
		return switch (type) {
			case MISSING_LOCALLY -> d.getAutoRepaired() ? Text.of("case.detail.MISSING_LOCALLY.repaired", p)
					: d.getOrderId() != null ? Text.of("case.detail.MISSING_LOCALLY.pending", p, status)
					: Text.of("case.detail.MISSING_LOCALLY." + line.name(), p);
			case MISSING_AT_PROVIDER -> Text.of("case.detail.MISSING_AT_PROVIDER", l);
			case AMOUNT_MISMATCH -> Text.of("case.detail.AMOUNT_MISMATCH", p, l);
			case STATUS_MISMATCH -> Text.of("case.detail.STATUS_MISMATCH." + line.name(), p, status,
					d.getProviderTxnId() == null ? "" : d.getProviderTxnId());
			case LATE_PAYMENT -> Text.of("case.detail.LATE_PAYMENT", p, status);
			case EXPECTED -> Text.of("case.detail.EXPECTED", l, d.getExpectedOn() == null ? "" : d.getExpectedOn());
			case REFUND_UNKNOWN -> d.getAutoRepaired() ? Text.of("case.detail.REFUND_UNKNOWN.repaired", p)
					: Text.of("case.detail.REFUND_UNKNOWN", p, providerStatus(d), status);
			case REFUND_NOT_AT_PROVIDER -> Text.of("case.detail.REFUND_NOT_AT_PROVIDER", l);
			case REFUND_AMOUNT_MISMATCH -> Text.of("case.detail.REFUND_AMOUNT_MISMATCH", p, l);
			case REFUND_STATUS_MISMATCH -> Text.of("case.detail.REFUND_STATUS_MISMATCH", p.isEmpty() ? l : p,
					providerStatus(d), d.getLocalStatus() == null ? "" : Text.of("refund.status." + d.getLocalStatus()));
		};
	}

	/** The bill line's status, as the provider's bill words it. */
	private static String providerStatus(DiscrepancyRecord d) {
		return d.getProviderStatus() == null ? "" : d.getProviderStatus();
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

	/** How long the case has been open (never negative). */
	static Duration age(Instant createdAt, Instant now) {
		Duration d = Duration.between(createdAt, now);
		return d.isNegative() ? Duration.ZERO : d;
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
