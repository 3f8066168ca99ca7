package com.payrecon.rollup;

import static com.payrecon.db.Tables.DAY_ROLLUP;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The stored figures of closed business days (table {@code day_rollup}, migration V12_1), so the dashboard does not
 * aggregate two weeks of rows at each request.
 * <p>
 * A day is closed {@link #SETTLE_TIME} after its end in the account's zone. Rows are inserted stamped with the time of
 * their insert, so nothing new lands in a closed day; what can still change is an existing row: an order created that
 * day changes status, a notification received that day gets a verdict again. The writers of those changes call
 * {@link #rowChanged} in their transaction, which bumps the day's generation. A reader {@link #claim claims} the days
 * it is about to compute (reads their generation), computes them from the base tables after that, and
 * {@link #store stores} the result only if the generation has not moved meanwhile. A change that commits before the
 * computation reads its rows is in the figures; one that commits after it has moved the generation, so the figures are
 * either not stored or stored and already outdated. Either way the next reader computes the day again.
 */
@Component
public class DayRollup {

	private static final Logger log = LoggerFactory.getLogger(DayRollup.class);

	/**
	 * How long after its end a day is still treated as open by readers: a writer stamps a row (or reads its clock to
	 * decide whether to bump) and commits within this, clock differences between nodes included (they agree within a
	 * second, README). So a writer bumps only a day that has ended by its own clock ({@link #endedFor}): a change it
	 * did not bump for commits before any reader may store the day. Bumping for days about to end (as it did until
	 * 2026-12-04) put one shared row into every notification's transaction for the last five minutes of each day
	 * (and, in HourRollup, of each hour), where all of an account's payments queued for it.
	 */
	public static final Duration SETTLE_TIME = Duration.ofMinutes(5);

	private static final TypeReference<TreeMap<String, Long>> VERDICTS = new TypeReference<>() {
	};

	private final DSLContext dsl;
	private final AccountRegistry accounts;
	private final Clock clock;
	private final TransactionTemplate transactions;
	private final JsonMapper json = JsonMapper.builder().build();

	DayRollup(DSLContext dsl, AccountRegistry accounts, PlatformTransactionManager transactionManager, Clock clock) {
		this.dsl = dsl;
		this.transactions = new TransactionTemplate(transactionManager);
		this.accounts = accounts;
		this.clock = clock;
	}

	/** One day's figures. {@code verdicts}: notifications received that day by verdict name, {@code NONE} = undecided. */
	public record DayCounts(long orders, long paid, long paidMinor, long pending, long repaired,
			Map<String, Long> verdicts) {
	}

	/** Whether a writer must outdate the stored figures of a period ending at {@code end}: it has ended by {@code now}. */
	public static boolean endedFor(Instant end, Instant now) {
		return !end.isAfter(now);
	}

	/** Whether figures of the day ending at {@code dayEnd} may be stored (it ended at least {@link #SETTLE_TIME} ago). */
	public static boolean closed(Instant dayEnd, Instant now) {
		return !dayEnd.plus(SETTLE_TIME).isAfter(now);
	}

	/**
	 * Call in the transaction that changed a row of the account stamped {@code rowTime} (an order's created_at, a
	 * notification's received_at): if that day has ended, its stored figures are outdated. Rows of a day still open
	 * cost nothing.
	 */
	public void rowChanged(String accountId, Instant rowTime) {
		Account account = accounts.find(accountId).orElse(null);
		if (account == null) {
			return; // no dashboard for an unknown account
		}
		ZoneId zone = account.zone();
		LocalDate day = LocalDate.ofInstant(rowTime, zone);
		Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
		if (!endedFor(end, clock.instant())) {
			return;
		}
		// the row may not exist yet (nobody looked at the day); it must exist after this transaction, so that a reader
		// claiming the day now waits for it to commit
		if (bump(accountId, day) == 0 && dsl.insertInto(DAY_ROLLUP)
			.set(DAY_ROLLUP.ACCOUNT_ID, accountId)
			.set(DAY_ROLLUP.DAY, day)
			.set(DAY_ROLLUP.ZONE, zone.getId())
			.set(DAY_ROLLUP.GENERATION, 1L)
			.onDuplicateKeyIgnore()
			.execute() == 0) {
			bump(accountId, day);
		}
	}

	private int bump(String accountId, LocalDate day) {
		return dsl.update(DAY_ROLLUP)
			.set(DAY_ROLLUP.GENERATION, DAY_ROLLUP.GENERATION.plus(1))
			.where(DAY_ROLLUP.ACCOUNT_ID.eq(accountId), DAY_ROLLUP.DAY.eq(day))
			.execute();
	}

	/** The stored figures of those days (account → day → figures) that are still valid in {@code zone}. */
	public Map<String, Map<LocalDate, DayCounts>> valid(Collection<String> accountIds, ZoneId zone,
			Collection<LocalDate> days) {
		Map<String, Map<LocalDate, DayCounts>> result = new HashMap<>();
		if (days.isEmpty()) {
			return result;
		}
		dsl.selectFrom(DAY_ROLLUP)
			.where(DAY_ROLLUP.ACCOUNT_ID.in(accountIds), DAY_ROLLUP.DAY.in(days), DAY_ROLLUP.ZONE.eq(zone.getId()),
					DAY_ROLLUP.COMPUTED_GENERATION.eq(DAY_ROLLUP.GENERATION))
			.forEach(r -> result.computeIfAbsent(r.getAccountId(), k -> new HashMap<>())
				.put(r.getDay(), new DayCounts(r.getOrders(), r.getPaid(), r.getPaidMinor(), r.getPending(),
						r.getRepaired(), new LinkedHashMap<>(json.readValue(r.getVerdicts(), VERDICTS)))));
		return result;
	}

	/**
	 * Before counting days (account → days): makes sure each has a row and returns its committed generation
	 * (account → day → generation). Call outside a transaction, so that the counting that follows reads the rows
	 * after this.
	 */
	public Map<String, Map<LocalDate, Long>> claim(ZoneId zone, Map<String, ? extends Collection<LocalDate>> days) {
		var insert = dsl.insertInto(DAY_ROLLUP, DAY_ROLLUP.ACCOUNT_ID, DAY_ROLLUP.DAY, DAY_ROLLUP.ZONE);
		Set<LocalDate> allDays = new HashSet<>();
		for (Map.Entry<String, ? extends Collection<LocalDate>> e : days.entrySet()) {
			for (LocalDate day : e.getValue()) {
				insert = insert.values(e.getKey(), day, zone.getId());
				allDays.add(day);
			}
		}
		insert.onDuplicateKeyIgnore().execute();
		Map<String, Map<LocalDate, Long>> generations = new HashMap<>();
		dsl.select(DAY_ROLLUP.ACCOUNT_ID, DAY_ROLLUP.DAY, DAY_ROLLUP.GENERATION)
			.from(DAY_ROLLUP)
			.where(DAY_ROLLUP.ACCOUNT_ID.in(days.keySet()), DAY_ROLLUP.DAY.in(allDays))
			.forEach(r -> generations.computeIfAbsent(r.value1(), k -> new HashMap<>()).put(r.value2(), r.value3()));
		return generations;
	}

	/** A day counted after {@link #claim} returned {@code generation} for it. */
	public record Counted(String accountId, LocalDate day, long generation, DayCounts counts) {
	}

	/**
	 * Stores counted days in one transaction, each only if its generation has not moved since it was claimed; returns
	 * how many were stored. Storing saves later requests the counting, nothing more: when it fails (a lock race with a
	 * writer), the days are counted again next time.
	 */
	public int store(ZoneId zone, List<Counted> days) {
		Instant now = clock.instant();
		List<Query> updates = days.stream()
			.sorted(Comparator.comparing(Counted::accountId).thenComparing(Counted::day))
			.map(c -> (Query) dsl.update(DAY_ROLLUP)
				.set(DAY_ROLLUP.ZONE, zone.getId())
				.set(DAY_ROLLUP.COMPUTED_GENERATION, c.generation())
				.set(DAY_ROLLUP.COMPUTED_AT, now)
				.set(DAY_ROLLUP.ORDERS, c.counts().orders())
				.set(DAY_ROLLUP.PAID, c.counts().paid())
				.set(DAY_ROLLUP.PAID_MINOR, c.counts().paidMinor())
				.set(DAY_ROLLUP.PENDING, c.counts().pending())
				.set(DAY_ROLLUP.REPAIRED, c.counts().repaired())
				.set(DAY_ROLLUP.VERDICTS, json.writeValueAsString(new TreeMap<>(c.counts().verdicts())))
				.where(DAY_ROLLUP.ACCOUNT_ID.eq(c.accountId()), DAY_ROLLUP.DAY.eq(c.day()),
						DAY_ROLLUP.GENERATION.eq(c.generation())))
			.toList();
		if (updates.isEmpty()) {
			return 0;
		}
		try {
			int[] stored = transactions.execute(status -> dsl.batch(updates).execute());
			return Arrays.stream(stored).sum();
		}
		catch (DataAccessException | org.jooq.exception.DataAccessException ex) {
			log.info("Dashboard figures of {} days not stored ({}); they are counted again next time", updates.size(),
					ex.getClass().getSimpleName());
			return 0;
		}
	}
}
