package com.payrecon.console.dashboard;

import static com.payrecon.db.Tables.DISCREPANCY;
import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static com.payrecon.db.Tables.RECONCILIATION_RUN;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.notify.Verdict;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderStatus;
import com.payrecon.reconcile.Resolution;
import com.payrecon.rollup.DayRollup;
import com.payrecon.rollup.DayRollup.DayCounts;
import com.payrecon.scheduling.JobCatalogue;
import com.payrecon.support.money.Fen;
import org.jooq.CaseConditionStep;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;

/**
 * The dashboard's numbers, per account and per day in the account's zone. A day is the UTC instant range
 * [start of day, start of next day) in that zone, so 23:59 and 00:01 local fall on different days whatever the
 * offset (and a DST day has 23 or 25 hours). A day still open (today, and yesterday for {@link DayRollup#SETTLE_TIME}
 * after midnight) is counted from the rows at each request: one index range scan per table (migration V11_1), the
 * days of a range put into their day by a CASE on the day boundaries. A closed day is counted once and then read from
 * {@link DayRollup} until a late change to one of its rows outdates it.
 * <p>
 * Not transactional on purpose: {@link DayRollup#claim} must commit before the days it claims are counted.
 */
@Component
@PreAuthorize("hasAnyRole('SUPPORT', 'FINANCE', 'ADMIN')")
public class DashboardQuery {

	static final int CHART_DAYS = 14;
	/** The sweep's default when the catalogue has no stale-pending-sweep entry or no staleAfter. */
	static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(2);
	static final String SWEEP_JOB = "stale-pending-sweep";

	private final DSLContext dsl;
	private final DayRollup rollup;
	private final AccountRegistry accounts;
	private final JobCatalogue catalogue;
	private final Clock clock;

	DashboardQuery(DSLContext dsl, DayRollup rollup, AccountRegistry accounts, JobCatalogue catalogue, Clock clock) {
		this.dsl = dsl;
		this.rollup = rollup;
		this.accounts = accounts;
		this.catalogue = catalogue;
		this.clock = clock;
	}

	/** One business day of one account as a UTC range. */
	public record Day(LocalDate date, Instant from, Instant to) {
		static Day of(LocalDate date, ZoneId zone) {
			return new Day(date, date.atStartOfDay(zone).toInstant(), date.plusDays(1).atStartOfDay(zone).toInstant());
		}
	}

	/** One account's numbers for one day. {@code verdicts} by verdict name, {@code NONE} = not decided yet. */
	public record DayFigures(Day day, long orders, long paid, Fen paidAmount, long pending, long repairedByQuery,
			Map<String, Long> verdicts) {

		public long notifications() {
			return verdicts.values().stream().mapToLong(Long::longValue).sum();
		}

		/** Acknowledged to the provider (authenticated and settled). */
		public long acknowledged() {
			return sum(true);
		}

		/** Refused (unauthenticated, unreadable, our trouble) or not decided yet. */
		public long refused() {
			return notifications() - acknowledged();
		}

		private long sum(boolean acknowledged) {
			return verdicts.entrySet()
				.stream()
				.filter(e -> !e.getKey().equals("NONE") && Verdict.valueOf(e.getKey()).acknowledged() == acknowledged)
				.mapToLong(Map.Entry::getValue)
				.sum();
		}
	}

	/** What the dashboard shows of one account. */
	public record AccountFigures(String accountId, String channel, ZoneId zone, DayFigures today, DayFigures chosen,
			long staleNow, Duration staleAfter, long openDiscrepancies, List<DayFigures> lastDays) {
	}

	/**
	 * Every account (or only {@code accountId}, when given): today in the account's zone, the chosen day if any, and
	 * the 14 days up to today.
	 */
	public List<AccountFigures> figures(LocalDate chosenDay, String accountId) {
		Instant now = clock.instant();
		Duration staleAfter = staleAfter();
		List<AccountFigures> result = new ArrayList<>();
		for (Account account : accounts.all()) {
			if (accountId == null || accountId.equals(account.id())) {
				result.add(figures(account, chosenDay, now, staleAfter));
			}
		}
		return result;
	}

	private AccountFigures figures(Account account, LocalDate chosenDay, Instant now, Duration staleAfter) {
		ZoneId zone = account.zone();
		LocalDate today = LocalDate.ofInstant(now, zone);
		List<Day> window = new ArrayList<>();
		for (int i = CHART_DAYS - 1; i >= 0; i--) {
			window.add(Day.of(today.minusDays(i), zone));
		}
		List<DayFigures> lastDays = days(account, window, now);
		DayFigures chosen = null;
		if (chosenDay != null) {
			chosen = lastDays.stream()
				.filter(d -> d.day().date().equals(chosenDay))
				.findFirst()
				.orElseGet(() -> days(account, List.of(Day.of(chosenDay, zone)), now).get(0));
		}
		return new AccountFigures(account.id(), account.channel().wireName(), zone, lastDays.get(lastDays.size() - 1),
				chosen, staleNow(account.id(), now.minus(staleAfter)), staleAfter, openDiscrepancies(account.id()),
				lastDays);
	}

	/**
	 * The figures of consecutive days: closed ones from the rollup where it has them, the others counted (and, when
	 * closed, stored for the next request).
	 */
	private List<DayFigures> days(Account account, List<Day> days, Instant now) {
		ZoneId zone = account.zone();
		List<LocalDate> closed = days.stream().filter(d -> DayRollup.closed(d.to(), now)).map(Day::date).toList();
		Map<LocalDate, DayCounts> stored = rollup.valid(account.id(), zone, closed);
		List<LocalDate> toStore = closed.stream().filter(d -> !stored.containsKey(d)).toList();
		Map<LocalDate, Long> generations = toStore.isEmpty() ? Map.of() : rollup.claim(account.id(), zone, toStore);

		Map<LocalDate, DayCounts> counted = new HashMap<>();
		List<Day> run = new ArrayList<>();
		for (Day day : days) {
			if (stored.containsKey(day.date())) {
				counted.putAll(count(account.id(), run));
				run.clear();
			}
			else {
				run.add(day);
			}
		}
		counted.putAll(count(account.id(), run));
		for (LocalDate date : toStore) {
			rollup.store(account.id(), zone, date, generations.get(date), counted.get(date));
		}

		List<DayFigures> result = new ArrayList<>(days.size());
		for (Day day : days) {
			DayCounts c = stored.containsKey(day.date()) ? stored.get(day.date()) : counted.get(day.date());
			result.add(new DayFigures(day, c.orders(), c.paid(), Fen.of(c.paidMinor()), c.pending(), c.repaired(),
					new LinkedHashMap<>(c.verdicts())));
		}
		return result;
	}

	/** Counts consecutive days from the rows: three grouped range scans (orders, notifications, repairs). */
	private Map<LocalDate, DayCounts> count(String accountId, List<Day> days) {
		if (days.isEmpty()) {
			return Map.of();
		}
		Instant from = days.get(0).from();
		Instant to = days.get(days.size() - 1).to();
		int n = days.size();
		long[] orders = new long[n];
		long[] paid = new long[n];
		long[] paidAmount = new long[n];
		long[] pending = new long[n];
		long[] repairs = new long[n];
		List<Map<String, Long>> verdicts = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			verdicts.add(new TreeMap<>());
		}

		Field<Integer> orderDay = dayOf(PAYMENT_ORDER.CREATED_AT, days).as("d");
		dsl.select(orderDay, PAYMENT_ORDER.STATUS, DSL.count(), DSL.sum(PAYMENT_ORDER.AMOUNT_MINOR))
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(accountId), PAYMENT_ORDER.CREATED_AT.ge(from),
					PAYMENT_ORDER.CREATED_AT.lt(to))
			.groupBy(DSL.field(DSL.name("d")), PAYMENT_ORDER.STATUS)
			.forEach(r -> {
				int d = r.get(0, Integer.class);
				long count = r.get(2, Long.class);
				orders[d] += count;
				if (OrderStatus.PAID.name().equals(r.get(PAYMENT_ORDER.STATUS))) {
					paid[d] += count;
					paidAmount[d] += r.get(3, Long.class);
				}
				else if (OrderStatus.PENDING.name().equals(r.get(PAYMENT_ORDER.STATUS))) {
					pending[d] += count;
				}
			});

		Field<Integer> notificationDay = dayOf(RAW_NOTIFICATION.RECEIVED_AT, days).as("d");
		dsl.select(notificationDay, RAW_NOTIFICATION.VERDICT, DSL.count())
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ACCOUNT_ID.eq(accountId), RAW_NOTIFICATION.RECEIVED_AT.ge(from),
					RAW_NOTIFICATION.RECEIVED_AT.lt(to))
			.groupBy(DSL.field(DSL.name("d")), RAW_NOTIFICATION.VERDICT)
			.forEach(r -> {
				String verdict = r.get(RAW_NOTIFICATION.VERDICT);
				verdicts.get(r.get(0, Integer.class)).merge(verdict == null ? "NONE" : verdict, r.get(2, Long.class), Long::sum);
			});

		Field<Integer> repairDay = dayOf(ORDER_EVENT.CREATED_AT, days).as("d");
		dsl.select(repairDay, DSL.count())
			.from(ORDER_EVENT)
			.join(PAYMENT_ORDER)
			.on(PAYMENT_ORDER.ID.eq(ORDER_EVENT.ORDER_ID))
			.where(ORDER_EVENT.SOURCE.eq(EventSource.QUERY.name()), ORDER_EVENT.TO_STATUS.eq(OrderStatus.PAID.name()),
					ORDER_EVENT.CREATED_AT.ge(from), ORDER_EVENT.CREATED_AT.lt(to), PAYMENT_ORDER.ACCOUNT_ID.eq(accountId))
			.groupBy(DSL.field(DSL.name("d")))
			.forEach(r -> repairs[r.get(0, Integer.class)] += r.get(1, Long.class));

		Map<LocalDate, DayCounts> result = new HashMap<>();
		for (int i = 0; i < n; i++) {
			result.put(days.get(i).date(),
					new DayCounts(orders[i], paid[i], paidAmount[i], pending[i], repairs[i], verdicts.get(i)));
		}
		return result;
	}

	/** Orders of the account still PENDING that were created before {@code cutoff} (the sweep's definition of stale). */
	private long staleNow(String accountId, Instant cutoff) {
		return dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID.eq(accountId),
				PAYMENT_ORDER.STATUS.eq(OrderStatus.PENDING.name()), PAYMENT_ORDER.CREATED_AT.lt(cutoff));
	}

	/** Discrepancies of the account's current reconciliation runs that nobody has settled yet. */
	private long openDiscrepancies(String accountId) {
		return dsl.selectCount()
			.from(DISCREPANCY)
			.join(RECONCILIATION_RUN)
			.on(RECONCILIATION_RUN.ID.eq(DISCREPANCY.RUN_ID))
			.where(DISCREPANCY.ACCOUNT_ID.eq(accountId),
					DISCREPANCY.RESOLUTION.in(Resolution.OPEN.name(), Resolution.ASSIGNED.name()),
					RECONCILIATION_RUN.CURRENT_RUN.isNotNull())
			.fetchOne(0, Long.class);
	}

	/** The sweep's staleAfter from the job catalogue, so "stale" here means what the sweep acts on. */
	Duration staleAfter() {
		return catalogue.find(SWEEP_JOB)
			.map(e -> e.parameters().get("staleAfter"))
			.map(v -> Duration.parse(v.toString()))
			.orElse(DEFAULT_STALE_AFTER);
	}

	/** 0 … n-1: which of the consecutive days the instant falls on (the caller's WHERE keeps it inside). */
	private static Field<Integer> dayOf(Field<Instant> time, List<Day> days) {
		if (days.size() == 1) {
			return DSL.inline(0);
		}
		CaseConditionStep<Integer> when = DSL.when(time.lt(days.get(0).to()), DSL.inline(0));
		for (int i = 1; i < days.size() - 1; i++) {
			when = when.when(time.lt(days.get(i).to()), DSL.inline(i));
		}
		return when.otherwise(DSL.inline(days.size() - 1));
	}
}
