package com.payrecon.rollup;

import static com.payrecon.db.Tables.NOTIFICATION_HOUR_ROLLUP;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stored notification counts by verdict of the closed hours of days still open (table
 * {@code notification_hour_rollup}, migration V25_1), so the dashboard counts only the current hour of today's
 * notifications at each request instead of the whole day (issue 17). The same protocol as {@link DayRollup}: an hour
 * is closed {@link DayRollup#SETTLE_TIME} after its end; a writer that sets a verdict again on a notification of a
 * closed hour calls {@link #rowChanged} in its transaction; a reader {@link #claim claims}, counts, and
 * {@link #store stores} only if the generation has not moved.
 * <p>
 * Hours count from the start of the day in the account's zone ({@link #hours}); a day of 23 or 25 hours (DST) has 23
 * or 25, and the last hour is cut at the day's end. Stored hours older than {@link #KEPT} are deleted when hours are
 * stored: the closed days have their figures in {@link DayRollup}.
 */
@Component
public class HourRollup {

	private static final Logger log = LoggerFactory.getLogger(HourRollup.class);

	static final Duration HOUR = Duration.ofHours(1);
	/** How long stored hours are kept (the dashboard reads the hours of today and, just after midnight, yesterday). */
	static final Duration KEPT = Duration.ofDays(3);

	private static final TypeReference<TreeMap<String, Long>> VERDICTS = new TypeReference<>() {
	};

	private final DSLContext dsl;
	private final AccountRegistry accounts;
	private final Clock clock;
	private final TransactionTemplate transactions;
	private final JsonMapper json = JsonMapper.builder().build();

	HourRollup(DSLContext dsl, AccountRegistry accounts, PlatformTransactionManager transactionManager, Clock clock) {
		this.dsl = dsl;
		this.accounts = accounts;
		this.transactions = new TransactionTemplate(transactionManager);
		this.clock = clock;
	}

	/** One hour of a day as a UTC range [from, to). */
	public record Hour(Instant from, Instant to) {
	}

	/** The hours of the day [{@code dayFrom}, {@code dayTo}), the last one cut at {@code dayTo}. */
	public static List<Hour> hours(Instant dayFrom, Instant dayTo) {
		List<Hour> hours = new ArrayList<>(25);
		for (Instant from = dayFrom; from.isBefore(dayTo); from = from.plus(HOUR)) {
			Instant to = from.plus(HOUR);
			hours.add(new Hour(from, to.isAfter(dayTo) ? dayTo : to));
		}
		return hours;
	}

	/** The hour of {@code time} in {@code zone}'s day. */
	static Hour hourOf(Instant time, ZoneId zone) {
		LocalDate day = LocalDate.ofInstant(time, zone);
		Instant dayFrom = day.atStartOfDay(zone).toInstant();
		Instant dayTo = day.plusDays(1).atStartOfDay(zone).toInstant();
		Instant from = dayFrom.plus(HOUR.multipliedBy(Duration.between(dayFrom, time).toHours()));
		Instant to = from.plus(HOUR);
		return new Hour(from, to.isAfter(dayTo) ? dayTo : to);
	}

	/**
	 * Call in the transaction that set a verdict on a notification of the account received at {@code receivedAt}: if
	 * its hour has closed or is about to, its stored counts are outdated. A notification settled within minutes of its
	 * arrival (the notify path) costs nothing.
	 */
	public void rowChanged(String accountId, Instant receivedAt) {
		Account account = accounts.find(accountId).orElse(null);
		if (account == null) {
			return;
		}
		Hour hour = hourOf(receivedAt, account.zone());
		Instant now = clock.instant();
		if (!DayRollup.endedFor(hour.to(), now) || hour.to().isBefore(now.minus(KEPT))) {
			return; // still open, or of a day long closed whose hours nobody reads (DayRollup has its figures)
		}
		// the row must exist after this transaction, so that a reader claiming the hour now waits for it to commit
		if (bump(accountId, hour.from()) == 0 && dsl.insertInto(NOTIFICATION_HOUR_ROLLUP)
			.set(NOTIFICATION_HOUR_ROLLUP.ACCOUNT_ID, accountId)
			.set(NOTIFICATION_HOUR_ROLLUP.HOUR_START, hour.from())
			.set(NOTIFICATION_HOUR_ROLLUP.ZONE, account.zone().getId())
			.set(NOTIFICATION_HOUR_ROLLUP.GENERATION, 1L)
			.onDuplicateKeyIgnore()
			.execute() == 0) {
			bump(accountId, hour.from());
		}
	}

	private int bump(String accountId, Instant hourStart) {
		return dsl.update(NOTIFICATION_HOUR_ROLLUP)
			.set(NOTIFICATION_HOUR_ROLLUP.GENERATION, NOTIFICATION_HOUR_ROLLUP.GENERATION.plus(1))
			.where(NOTIFICATION_HOUR_ROLLUP.ACCOUNT_ID.eq(accountId), NOTIFICATION_HOUR_ROLLUP.HOUR_START.eq(hourStart))
			.execute();
	}

	/** The stored counts of those hours (account → hour start → verdict counts) that are still valid in {@code zone}. */
	public Map<String, Map<Instant, Map<String, Long>>> valid(Collection<String> accountIds, ZoneId zone,
			Collection<Instant> hourStarts) {
		Map<String, Map<Instant, Map<String, Long>>> result = new HashMap<>();
		if (hourStarts.isEmpty()) {
			return result;
		}
		dsl.select(NOTIFICATION_HOUR_ROLLUP.ACCOUNT_ID, NOTIFICATION_HOUR_ROLLUP.HOUR_START,
				NOTIFICATION_HOUR_ROLLUP.VERDICTS)
			.from(NOTIFICATION_HOUR_ROLLUP)
			.where(NOTIFICATION_HOUR_ROLLUP.ACCOUNT_ID.in(accountIds),
					NOTIFICATION_HOUR_ROLLUP.HOUR_START.in(hourStarts),
					NOTIFICATION_HOUR_ROLLUP.ZONE.eq(zone.getId()),
					NOTIFICATION_HOUR_ROLLUP.COMPUTED_GENERATION.eq(NOTIFICATION_HOUR_ROLLUP.GENERATION))
			.forEach(r -> result.computeIfAbsent(r.value1(), k -> new HashMap<>())
				.put(r.value2(), new LinkedHashMap<>(json.readValue(r.value3(), VERDICTS))));
		return result;
	}

	/**
	 * Before counting hours (account → hour starts): makes sure each has a row and returns its committed generation
	 * (account → hour start → generation). Call outside a transaction, so that the counting that follows reads the
	 * rows after this.
	 */
	public Map<String, Map<Instant, Long>> claim(ZoneId zone, Map<String, ? extends Collection<Instant>> hours) {
		var insert = dsl.insertInto(NOTIFICATION_HOUR_ROLLUP, NOTIFICATION_HOUR_ROLLUP.ACCOUNT_ID,
				NOTIFICATION_HOUR_ROLLUP.HOUR_START, NOTIFICATION_HOUR_ROLLUP.ZONE);
		List<Instant> all = new ArrayList<>();
		for (Map.Entry<String, ? extends Collection<Instant>> e : hours.entrySet()) {
			for (Instant hour : e.getValue()) {
				insert = insert.values(e.getKey(), hour, zone.getId());
				all.add(hour);
			}
		}
		insert.onDuplicateKeyIgnore().execute();
		Map<String, Map<Instant, Long>> generations = new HashMap<>();
		dsl.select(NOTIFICATION_HOUR_ROLLUP.ACCOUNT_ID, NOTIFICATION_HOUR_ROLLUP.HOUR_START,
				NOTIFICATION_HOUR_ROLLUP.GENERATION)
			.from(NOTIFICATION_HOUR_ROLLUP)
			.where(NOTIFICATION_HOUR_ROLLUP.ACCOUNT_ID.in(hours.keySet()),
					NOTIFICATION_HOUR_ROLLUP.HOUR_START.in(all))
			.forEach(r -> generations.computeIfAbsent(r.value1(), k -> new HashMap<>()).put(r.value2(), r.value3()));
		return generations;
	}

	/** An hour counted after {@link #claim} returned {@code generation} for it. */
	public record Counted(String accountId, Instant hourStart, long generation, Map<String, Long> verdicts) {
	}

	/**
	 * Stores counted hours in one transaction, each only if its generation has not moved since it was claimed, and
	 * deletes the accounts' hours older than {@link #KEPT}; returns how many were stored. Like
	 * {@link DayRollup#store}, a failure costs only a count again next time.
	 */
	public int store(ZoneId zone, List<Counted> hours) {
		Instant now = clock.instant();
		List<Query> updates = new ArrayList<>();
		hours.stream()
			.sorted(Comparator.comparing(Counted::accountId).thenComparing(Counted::hourStart))
			.forEach(c -> updates.add(dsl.update(NOTIFICATION_HOUR_ROLLUP)
				.set(NOTIFICATION_HOUR_ROLLUP.ZONE, zone.getId())
				.set(NOTIFICATION_HOUR_ROLLUP.COMPUTED_GENERATION, c.generation())
				.set(NOTIFICATION_HOUR_ROLLUP.COMPUTED_AT, now)
				.set(NOTIFICATION_HOUR_ROLLUP.VERDICTS, json.writeValueAsString(new TreeMap<>(c.verdicts())))
				.where(NOTIFICATION_HOUR_ROLLUP.ACCOUNT_ID.eq(c.accountId()),
						NOTIFICATION_HOUR_ROLLUP.HOUR_START.eq(c.hourStart()),
						NOTIFICATION_HOUR_ROLLUP.GENERATION.eq(c.generation()))));
		if (updates.isEmpty()) {
			return 0;
		}
		List<String> accountIds = hours.stream().map(Counted::accountId).distinct().sorted().toList();
		try {
			int[] stored = transactions.execute(status -> {
				int[] done = dsl.batch(updates).execute();
				dsl.deleteFrom(NOTIFICATION_HOUR_ROLLUP)
					.where(NOTIFICATION_HOUR_ROLLUP.ACCOUNT_ID.in(accountIds),
							NOTIFICATION_HOUR_ROLLUP.HOUR_START.lt(now.minus(KEPT)))
					.execute();
				return done;
			});
			return Arrays.stream(stored).sum();
		}
		catch (DataAccessException | org.jooq.exception.DataAccessException ex) {
			log.info("Dashboard counts of {} hours not stored ({}); they are counted again next time", updates.size(),
					ex.getClass().getSimpleName());
			return 0;
		}
	}
}
