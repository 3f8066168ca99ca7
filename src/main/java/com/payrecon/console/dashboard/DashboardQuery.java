package com.payrecon.console.dashboard;

import static com.payrecon.db.Tables.DISCREPANCY;
import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.PENDING_SNAPSHOT;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static com.payrecon.db.Tables.RECONCILIATION_RUN;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
import com.payrecon.rollup.HourRollup;
import com.payrecon.scheduling.CatalogueEntry;
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
 * days of a range put into their day by a CASE on the day boundaries; its notifications, by far the most rows, only
 * from the first hour not stored in {@link HourRollup} on. A closed day is counted once and then read from
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
	/** The hourly report whose per-day lines ({@code pending_snapshot}) the dashboard shows as a trend. */
	static final String REPORT_JOB = "stale-pending-report";
	static final int REPORT_DAYS = 7;
	/** The report's default staleAfter (see StalePendingReportParameters). */
	static final Duration DEFAULT_REPORT_STALE_AFTER = Duration.ofHours(2);

	private final DSLContext dsl;
	private final DayRollup rollup;
	private final HourRollup hourRollup;
	private final AccountRegistry accounts;
	private final JobCatalogue catalogue;
	private final Clock clock;

	DashboardQuery(DSLContext dsl, DayRollup rollup, HourRollup hourRollup, AccountRegistry accounts,
			JobCatalogue catalogue, Clock clock) {
		this.dsl = dsl;
		this.rollup = rollup;
		this.hourRollup = hourRollup;
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
			long staleNow, Duration staleAfter, long openDiscrepancies, List<DayFigures> lastDays, StaleReport staleReport,
			PaidInDay paidToday, PaidInDay paidChosen) {
	}

	/**
	 * Orders paid within the day as reconciliation counts them: paid time in the account's zone, PAID or REFUNDED now
	 * (the run's local side), whatever day they were created.
	 */
	public record PaidInDay(long count, Fen amount) {

		static final PaidInDay NONE = new PaidInDay(0, Fen.ZERO);
	}

	/**
	 * The stale-pending report's lines of the last {@value #REPORT_DAYS} days for one account, oldest first: per
	 * business day of the report (in its catalogue zone), the orders still PENDING longer than its {@code staleAfter}
	 * at its last run that day, all currencies together. A day the report did not run is absent.
	 */
	public record StaleReport(ZoneId zone, Duration staleAfter, List<ReportedDay> days) {
	}

	public record ReportedDay(LocalDate date, long count) {
	}

	/**
	 * Every account (or only {@code accountId}, when given): today in the account's zone, the chosen day if any, and
	 * the 14 days up to today. Accounts of one zone share their days, so each query covers all of them.
	 */
	public List<AccountFigures> figures(LocalDate chosenDay, String accountId) {
		Instant now = clock.instant();
		Duration staleAfter = staleAfter();
		List<Account> selected = accounts.all()
			.stream()
			.filter(a -> accountId == null || accountId.equals(a.id()))
			.toList();
		if (selected.isEmpty()) {
			return List.of();
		}
		List<String> ids = selected.stream().map(Account::id).toList();
		Instant staleCutoff = now.minus(staleAfter);
		Map<String, Long> stale = new HashMap<>();
		Map<String, Long> open = openDiscrepancies(ids);
		CatalogueEntry report = catalogue.find(REPORT_JOB).orElse(null);
		ZoneId reportZone = report == null ? ZoneOffset.UTC : report.zone();
		Duration reportStaleAfter = report == null ? DEFAULT_REPORT_STALE_AFTER
				: Duration.parse(report.parameters().getOrDefault("staleAfter", DEFAULT_REPORT_STALE_AFTER).toString());
		Map<String, List<ReportedDay>> reported = staleReport(ids,
				LocalDate.ofInstant(now, reportZone).minusDays(REPORT_DAYS - 1));
		Map<ZoneId, List<Account>> byZone = new LinkedHashMap<>();
		selected.forEach(a -> byZone.computeIfAbsent(a.zone(), z -> new ArrayList<>()).add(a));

		Map<String, AccountFigures> result = new HashMap<>();
		byZone.forEach((zone, group) -> {
			LocalDate today = LocalDate.ofInstant(now, zone);
			List<Day> window = new ArrayList<>();
			for (int i = CHART_DAYS - 1; i >= 0; i--) {
				window.add(Day.of(today.minusDays(i), zone));
			}
			Map<String, List<DayFigures>> lastDays = days(group, zone, window, now);
			stale.putAll(staleNow(group, zone, window, lastDays, staleCutoff, now));
			boolean chosenInWindow = chosenDay != null && !chosenDay.isBefore(window.get(0).date())
					&& !chosenDay.isAfter(today);
			Map<String, List<DayFigures>> chosen = chosenDay == null || chosenInWindow ? Map.of()
					: days(group, zone, List.of(Day.of(chosenDay, zone)), now);
			Map<String, PaidInDay> paidToday = paidInDay(group, Day.of(today, zone));
			Map<String, PaidInDay> paidChosen = chosenDay == null ? Map.of() : paidInDay(group, Day.of(chosenDay, zone));
			for (Account account : group) {
				List<DayFigures> last = lastDays.get(account.id());
				DayFigures chosenFigures = chosenDay == null ? null
						: chosenInWindow ? last.get((int) (chosenDay.toEpochDay() - window.get(0).date().toEpochDay()))
								: chosen.get(account.id()).get(0);
				result.put(account.id(), new AccountFigures(account.id(), account.channel().wireName(), zone,
						last.get(last.size() - 1), chosenFigures, stale.getOrDefault(account.id(), 0L), staleAfter,
						open.getOrDefault(account.id(), 0L), last, new StaleReport(reportZone, reportStaleAfter,
								reported.getOrDefault(account.id(), List.of())),
						paidToday.getOrDefault(account.id(), PaidInDay.NONE),
						chosenDay == null ? null : paidChosen.getOrDefault(account.id(), PaidInDay.NONE)));
			}
		});
		return ids.stream().map(result::get).toList();
	}

	/** One range scan of {@code (account_id, paid_at)} for the accounts of one zone (migration V6_4). */
	private Map<String, PaidInDay> paidInDay(List<Account> group, Day day) {
		Map<String, PaidInDay> paid = new HashMap<>();
		dsl.select(PAYMENT_ORDER.ACCOUNT_ID, DSL.count(), DSL.sum(PAYMENT_ORDER.AMOUNT_MINOR))
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.in(group.stream().map(Account::id).toList()),
					PAYMENT_ORDER.PAID_AT.ge(day.from()), PAYMENT_ORDER.PAID_AT.lt(day.to()),
					PAYMENT_ORDER.STATUS.in(OrderStatus.PAID.name(), OrderStatus.REFUNDED.name()))
			.groupBy(PAYMENT_ORDER.ACCOUNT_ID)
			.forEach(r -> paid.put(r.value1(), new PaidInDay(r.value2(), Fen.of(r.value3().longValueExact()))));
		return paid;
	}

	/**
	 * The figures of consecutive days of accounts sharing {@code zone}: closed days from the rollup where it has them;
	 * the others counted (and, when closed, stored for the next request).
	 */
	private Map<String, List<DayFigures>> days(List<Account> group, ZoneId zone, List<Day> days, Instant now) {
		List<String> ids = group.stream().map(Account::id).toList();
		List<LocalDate> closed = days.stream().filter(d -> DayRollup.closed(d.to(), now)).map(Day::date).toList();
		Map<String, Map<LocalDate, DayCounts>> stored = rollup.valid(ids, zone, closed);
		Map<String, List<LocalDate>> toStore = new LinkedHashMap<>();
		for (String id : ids) {
			Map<LocalDate, DayCounts> own = stored.getOrDefault(id, Map.of());
			List<LocalDate> missing = closed.stream().filter(d -> !own.containsKey(d)).toList();
			if (!missing.isEmpty()) {
				toStore.put(id, missing);
			}
		}
		Map<String, Map<LocalDate, Long>> generations = toStore.isEmpty() ? Map.of() : rollup.claim(zone, toStore);

		// a day is counted (for every account of the group) when one of them has no valid stored figures for it
		Map<String, Map<LocalDate, DayCounts>> counted = new HashMap<>();
		List<Day> run = new ArrayList<>();
		for (Day day : days) {
			boolean storedForAll = ids.stream().allMatch(id -> stored.getOrDefault(id, Map.of()).containsKey(day.date()));
			if (storedForAll) {
				count(ids, zone, run, now, counted);
				run.clear();
			}
			else {
				run.add(day);
			}
		}
		count(ids, zone, run, now, counted);
		List<DayRollup.Counted> done = new ArrayList<>();
		toStore.forEach((id, dates) -> dates.forEach(date -> done
			.add(new DayRollup.Counted(id, date, generations.get(id).get(date), counted.get(id).get(date)))));
		rollup.store(zone, done);

		Map<String, List<DayFigures>> result = new HashMap<>();
		for (String id : ids) {
			Map<LocalDate, DayCounts> own = stored.getOrDefault(id, Map.of());
			List<DayFigures> figures = new ArrayList<>(days.size());
			for (Day day : days) {
				DayCounts c = own.containsKey(day.date()) ? own.get(day.date()) : counted.get(id).get(day.date());
				figures.add(new DayFigures(day, c.orders(), c.paid(), Fen.of(c.paidMinor()), c.pending(), c.repaired(),
						new LinkedHashMap<>(c.verdicts())));
			}
			result.put(id, figures);
		}
		return result;
	}

	/**
	 * Counts consecutive days of the accounts from the rows, into {@code into} (account → day → counts): three
	 * grouped range scans (orders, notifications, repairs).
	 */
	private void count(List<String> accountIds, ZoneId zone, List<Day> days, Instant now,
			Map<String, Map<LocalDate, DayCounts>> into) {
		if (days.isEmpty()) {
			return;
		}
		Instant from = days.get(0).from();
		Instant to = days.get(days.size() - 1).to();
		Map<String, Tally> tallies = new HashMap<>();
		accountIds.forEach(id -> tallies.put(id, new Tally(days.size())));

		Field<Integer> orderDay = dayOf(PAYMENT_ORDER.CREATED_AT, days).as("d");
		dsl.select(PAYMENT_ORDER.ACCOUNT_ID, orderDay, PAYMENT_ORDER.STATUS, DSL.count(),
				DSL.sum(PAYMENT_ORDER.AMOUNT_MINOR))
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.in(accountIds), PAYMENT_ORDER.CREATED_AT.ge(from),
					PAYMENT_ORDER.CREATED_AT.lt(to))
			.groupBy(PAYMENT_ORDER.ACCOUNT_ID, DSL.field(DSL.name("d")), PAYMENT_ORDER.STATUS)
			.forEach(r -> tallies.get(r.value1())
				.order(r.get(1, Integer.class), r.get(PAYMENT_ORDER.STATUS), r.get(3, Long.class), r.get(4, Long.class)));

		// closed days by a CASE on their boundaries; a day still open by its hours, the closed ones stored
		int open = 0;
		while (open < days.size() && DayRollup.closed(days.get(open).to(), now)) {
			open++;
		}
		if (open > 0) {
			List<Day> closed = days.subList(0, open);
			notificationsByDay(accountIds, closed, (id, day, verdict, n) -> tallies.get(id).notification(day, verdict, n));
		}
		for (int i = open; i < days.size(); i++) {
			int day = i;
			openDayNotifications(accountIds, zone, days.get(i), now)
				.forEach((id, verdicts) -> verdicts.forEach((verdict, n) -> tallies.get(id).notification(day, verdict, n)));
		}

		Field<Integer> repairDay = dayOf(ORDER_EVENT.CREATED_AT, days).as("d");
		dsl.select(PAYMENT_ORDER.ACCOUNT_ID, repairDay, DSL.count())
			.from(ORDER_EVENT)
			.join(PAYMENT_ORDER)
			.on(PAYMENT_ORDER.ID.eq(ORDER_EVENT.ORDER_ID))
			.where(ORDER_EVENT.SOURCE.eq(EventSource.QUERY.name()), ORDER_EVENT.TO_STATUS.eq(OrderStatus.PAID.name()),
					ORDER_EVENT.CREATED_AT.ge(from), ORDER_EVENT.CREATED_AT.lt(to),
					PAYMENT_ORDER.ACCOUNT_ID.in(accountIds))
			.groupBy(PAYMENT_ORDER.ACCOUNT_ID, DSL.field(DSL.name("d")))
			.forEach(r -> tallies.get(r.value1()).repairs[r.get(1, Integer.class)] += r.get(2, Long.class));

		tallies.forEach((id, tally) -> {
			Map<LocalDate, DayCounts> own = into.computeIfAbsent(id, k -> new HashMap<>());
			for (int i = 0; i < days.size(); i++) {
				own.put(days.get(i).date(), tally.counts(i));
			}
		});
	}

	/** Receives a count of notifications: account, index of the day (or hour) in the list counted, verdict, count. */
	private interface NotificationCount {

		void add(String accountId, int index, String verdict, long count);
	}

	/** One grouped range scan of {@code (account_id, received_at, verdict)} (migration V11_1) over consecutive ranges. */
	private void notificationsByDay(List<String> accountIds, List<Day> ranges, NotificationCount into) {
		Field<Integer> index = dayOf(RAW_NOTIFICATION.RECEIVED_AT, ranges).as("d");
		dsl.select(RAW_NOTIFICATION.ACCOUNT_ID, index, RAW_NOTIFICATION.VERDICT, DSL.count())
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ACCOUNT_ID.in(accountIds), RAW_NOTIFICATION.RECEIVED_AT.ge(ranges.get(0).from()),
					RAW_NOTIFICATION.RECEIVED_AT.lt(ranges.get(ranges.size() - 1).to()))
			.groupBy(RAW_NOTIFICATION.ACCOUNT_ID, DSL.field(DSL.name("d")), RAW_NOTIFICATION.VERDICT)
			.forEach(r -> into.add(r.value1(), r.get(1, Integer.class), r.get(RAW_NOTIFICATION.VERDICT),
					r.get(3, Long.class)));
	}

	/**
	 * The notifications of a day still open by verdict (account → verdict → count; {@code NONE} = undecided): its
	 * closed hours from {@link HourRollup} while they are valid for every account, the rest counted (the current hour
	 * at each request) and its closed hours stored for the next request (issue 17: counting a whole day's rows was
	 * half of the dashboard's time by the evening).
	 */
	private Map<String, Map<String, Long>> openDayNotifications(List<String> ids, ZoneId zone, Day day, Instant now) {
		List<HourRollup.Hour> hours = HourRollup.hours(day.from(), day.to());
		List<Instant> closed = hours.stream()
			.filter(h -> DayRollup.closed(h.to(), now))
			.map(HourRollup.Hour::from)
			.toList();
		Map<String, Map<Instant, Map<String, Long>>> stored = hourRollup.valid(ids, zone, closed);
		int first = 0; // the first hour some account has no valid stored counts for: counted from there on
		while (first < closed.size() && storedForAll(ids, stored, closed.get(first))) {
			first++;
		}
		Map<String, Map<String, Long>> result = new HashMap<>();
		ids.forEach(id -> result.put(id, new TreeMap<>()));
		for (int i = 0; i < first; i++) {
			Instant hour = closed.get(i);
			ids.forEach(id -> stored.get(id).get(hour).forEach((v, n) -> result.get(id).merge(v, n, Long::sum)));
		}
		if (first == hours.size()) {
			return result;
		}
		List<Instant> toStore = closed.subList(first, closed.size());
		Map<String, List<Instant>> claims = new LinkedHashMap<>();
		if (!toStore.isEmpty()) {
			ids.forEach(id -> claims.put(id, toStore));
		}
		Map<String, Map<Instant, Long>> generations = claims.isEmpty() ? Map.of() : hourRollup.claim(zone, claims);
		List<Day> counted = hours.subList(first, hours.size())
			.stream()
			.map(h -> new Day(day.date(), h.from(), h.to()))
			.toList();
		Map<String, List<Map<String, Long>>> perHour = new HashMap<>();
		ids.forEach(id -> {
			List<Map<String, Long>> empty = new ArrayList<>();
			counted.forEach(h -> empty.add(new TreeMap<>()));
			perHour.put(id, empty);
		});
		notificationsByDay(ids, counted, (id, index, verdict, n) -> perHour.get(id)
			.get(index)
			.merge(verdict == null ? "NONE" : verdict, n, Long::sum));
		List<HourRollup.Counted> done = new ArrayList<>();
		perHour.forEach((id, list) -> {
			for (int i = 0; i < list.size(); i++) {
				list.get(i).forEach((v, n) -> result.get(id).merge(v, n, Long::sum));
				if (i < toStore.size()) {
					done.add(new HourRollup.Counted(id, toStore.get(i), generations.get(id).get(toStore.get(i)),
							list.get(i)));
				}
			}
		});
		hourRollup.store(zone, done);
		return result;
	}

	private static boolean storedForAll(List<String> ids, Map<String, Map<Instant, Map<String, Long>>> stored,
			Instant hour) {
		return ids.stream().allMatch(id -> stored.getOrDefault(id, Map.of()).containsKey(hour));
	}

	/** One account's counts of consecutive days while the rows are read. */
	private static final class Tally {

		final long[] orders;
		final long[] paid;
		final long[] paidAmount;
		final long[] pending;
		final long[] repairs;
		final List<Map<String, Long>> verdicts = new ArrayList<>();

		Tally(int days) {
			orders = new long[days];
			paid = new long[days];
			paidAmount = new long[days];
			pending = new long[days];
			repairs = new long[days];
			for (int i = 0; i < days; i++) {
				verdicts.add(new TreeMap<>());
			}
		}

		void order(int day, String status, long count, long amount) {
			orders[day] += count;
			if (OrderStatus.PAID.name().equals(status)) {
				paid[day] += count;
				paidAmount[day] += amount;
			}
			else if (OrderStatus.PENDING.name().equals(status)) {
				pending[day] += count;
			}
		}

		void notification(int day, String verdict, long count) {
			verdicts.get(day).merge(verdict == null ? "NONE" : verdict, count, Long::sum);
		}

		DayCounts counts(int day) {
			return new DayCounts(orders[day], paid[day], paidAmount[day], pending[day], repairs[day],
					verdicts.get(day));
		}
	}

	/** How far before the chart's first day stale orders are taken from stored day figures; older ones from the rows. */
	static final int STALE_DAYS_STORED = 92;

	/**
	 * Orders of each account still PENDING that were created before {@code cutoff} (the sweep's definition of stale),
	 * without counting every such row at each request (a merchant whose provider stopped answering may have hundreds
	 * of thousands): a day that ends before the cutoff adds its PENDING figure, which is exact (a closed day's stored
	 * figures are outdated by any status change of its orders, see DayRollup; an open day's are counted now); the day
	 * the cutoff falls in is counted from the rows up to the cutoff. Days before the chart, back to the oldest PENDING
	 * order (at most {@value #STALE_DAYS_STORED} days), are stored day figures too; what is older still, from the rows.
	 */
	private Map<String, Long> staleNow(List<Account> group, ZoneId zone, List<Day> window,
			Map<String, List<DayFigures>> lastDays, Instant cutoff, Instant now) {
		List<String> ids = group.stream().map(Account::id).toList();
		Map<String, Long> stale = new HashMap<>();
		ids.forEach(id -> stale.put(id, 0L));
		// the chart's days that end by the cutoff
		int whole = 0;
		while (whole < window.size() && !window.get(whole).to().isAfter(cutoff)) {
			whole++;
		}
		for (String id : ids) {
			List<DayFigures> figures = lastDays.get(id);
			for (int i = 0; i < whole; i++) {
				stale.merge(id, figures.get(i).pending(), Long::sum);
			}
		}
		Instant rowsFrom = whole == 0 ? window.get(0).from() : window.get(whole - 1).to();
		// the days before the chart, if any PENDING order is that old
		LocalDate first = window.get(0).date();
		LocalDate oldest = oldestPending(ids, window.get(0).from()).map(t -> LocalDate.ofInstant(t, zone)).orElse(first);
		Instant olderThanStored = null;
		if (oldest.isBefore(first)) {
			LocalDate from = oldest.isBefore(first.minusDays(STALE_DAYS_STORED)) ? first.minusDays(STALE_DAYS_STORED) : oldest;
			List<Day> before = from.datesUntil(first).map(d -> Day.of(d, zone)).toList();
			days(group, zone, before, now).forEach((id, figures) -> figures
				.forEach(f -> stale.merge(id, f.pending(), Long::sum)));
			if (from.isAfter(oldest)) {
				olderThanStored = before.get(0).from();
			}
		}
		List<org.jooq.Condition> rows = new ArrayList<>();
		if (rowsFrom.isBefore(cutoff)) {
			rows.add(PAYMENT_ORDER.CREATED_AT.ge(rowsFrom).and(PAYMENT_ORDER.CREATED_AT.lt(cutoff)));
		}
		if (olderThanStored != null) {
			rows.add(PAYMENT_ORDER.CREATED_AT.lt(olderThanStored));
		}
		if (!rows.isEmpty()) {
			// the range of each account's PENDING orders by creation: MariaDB otherwise picked a ref on the status alone
			// and read every PENDING order (EXPLAIN in the console benchmark's profile, issue 17)
			dsl.select(PAYMENT_ORDER.ACCOUNT_ID, DSL.count())
				.from(PAYMENT_ORDER.forceIndex("ix_payment_order_account_status_created"))
				.where(PAYMENT_ORDER.ACCOUNT_ID.in(ids), PAYMENT_ORDER.STATUS.eq(OrderStatus.PENDING.name()),
						DSL.or(rows))
				.groupBy(PAYMENT_ORDER.ACCOUNT_ID)
				.forEach(r -> stale.merge(r.value1(), r.value2().longValue(), Long::sum));
		}
		return stale;
	}

	/** The oldest PENDING order's creation of the accounts, if one is older than {@code before} (one index seek each). */
	private java.util.Optional<Instant> oldestPending(List<String> accountIds, Instant before) {
		return dsl.select(PAYMENT_ORDER.ACCOUNT_ID, DSL.min(PAYMENT_ORDER.CREATED_AT))
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.STATUS.eq(OrderStatus.PENDING.name()), PAYMENT_ORDER.ACCOUNT_ID.in(accountIds),
					PAYMENT_ORDER.CREATED_AT.lt(before))
			.groupBy(PAYMENT_ORDER.ACCOUNT_ID)
			.fetch(r -> r.value2())
			.stream()
			.min(Instant::compareTo);
	}

	/** The stale-pending report's lines from {@code from} on, per account and day (currencies summed), oldest first. */
	private Map<String, List<ReportedDay>> staleReport(List<String> accountIds, LocalDate from) {
		Map<String, List<ReportedDay>> days = new HashMap<>();
		dsl.select(PENDING_SNAPSHOT.ACCOUNT_ID, PENDING_SNAPSHOT.BUSINESS_DATE, DSL.sum(PENDING_SNAPSHOT.STALE_COUNT))
			.from(PENDING_SNAPSHOT)
			.where(PENDING_SNAPSHOT.ACCOUNT_ID.in(accountIds), PENDING_SNAPSHOT.BUSINESS_DATE.ge(from))
			.groupBy(PENDING_SNAPSHOT.ACCOUNT_ID, PENDING_SNAPSHOT.BUSINESS_DATE)
			.orderBy(PENDING_SNAPSHOT.BUSINESS_DATE)
			.forEach(r -> days.computeIfAbsent(r.value1(), id -> new ArrayList<>())
				.add(new ReportedDay(r.value2(), r.value3().longValue())));
		return days;
	}

	/** Discrepancies of each account's current reconciliation runs that nobody has settled yet. */
	private Map<String, Long> openDiscrepancies(List<String> accountIds) {
		return dsl.select(DISCREPANCY.ACCOUNT_ID, DSL.count())
			.from(DISCREPANCY)
			.join(RECONCILIATION_RUN)
			.on(RECONCILIATION_RUN.ID.eq(DISCREPANCY.RUN_ID))
			.where(DISCREPANCY.ACCOUNT_ID.in(accountIds),
					DISCREPANCY.RESOLUTION.in(Resolution.OPEN.name(), Resolution.ASSIGNED.name()),
					RECONCILIATION_RUN.CURRENT_RUN.isNotNull())
			.groupBy(DISCREPANCY.ACCOUNT_ID)
			.fetchMap(r -> r.value1(), r -> r.value2().longValue());
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
