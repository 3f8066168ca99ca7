package com.payrecon.console.orders;

import static com.payrecon.db.Tables.MICROPAY_ATTEMPT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.PROVIDER_QUERY;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.checkout.MicropayAttempts;
import com.payrecon.console.Keyset;
import com.payrecon.order.OrderStatus;
import com.payrecon.scheduling.JobCatalogue;
import com.payrecon.support.money.Fen;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The orders support watches (read only): PENDING orders older than the sweep's threshold, oldest first, with their
 * checks at the provider; and payment-code (micropay) charges left to a person (their reverse kept failing), still
 * being polled, or recently reversed.
 */
@Component
@PreAuthorize("hasAnyRole('SUPPORT', 'FINANCE', 'ADMIN')")
public class PendingOrderQuery {

	/** The job whose {@code staleAfter} says when a PENDING order is stale; PT2M when it does not say. */
	static final String SWEEP_JOB = "stale-pending-sweep";
	static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(2);
	/** How far back the micropay view shows reversed charges. */
	static final Duration RECENT = Duration.ofHours(24);
	static final int MICROPAY_ROWS = 200;

	private final DSLContext dsl;
	private final JobCatalogue catalogue;
	private final Clock clock;

	PendingOrderQuery(DSLContext dsl, JobCatalogue catalogue, Clock clock) {
		this.dsl = dsl;
		this.catalogue = catalogue;
		this.clock = clock;
	}

	/**
	 * @param lastAnswer what the provider said when last asked (null: never asked)
	 */
	public record StaleRow(long id, String accountId, String outTradeNo, Fen amount, String currency, Instant createdAt,
			Duration age, int checkCount, Instant nextCheckAt, Instant expiresAt, String lastAnswer, String lastOutcome,
			Instant lastAskedAt) {
	}

	public record AccountCount(String accountId, int count, Instant oldestCreatedAt) {
	}

	public record Stale(Duration threshold, Instant cutoff, List<AccountCount> perAccount, Keyset.Page<StaleRow> page) {
	}

	/** @param reverseAttempts failed reverses so far; {@code lastError} the provider's last answer to one */
	public record MicropayRow(long attemptId, long orderId, String accountId, String outTradeNo, Fen amount,
			String orderStatus, String state, Instant startedAt, Instant deadlineAt, Instant lastPolledAt, int polls,
			String outcome, boolean pastDeadline, int reverseAttempts, String lastError) {
	}

	public record Micropay(List<MicropayRow> needsPerson, List<MicropayRow> inProgress, List<MicropayRow> recentlyReversed,
			Duration recent) {
	}

	/** The sweep's {@code staleAfter} from the job catalogue. */
	public Duration threshold() {
		Object value = catalogue.find(SWEEP_JOB).map(e -> e.parameters().get("staleAfter")).orElse(null);
		if (value == null) {
			return DEFAULT_THRESHOLD;
		}
		try {
			return Duration.parse(value.toString());
		}
		catch (DateTimeParseException ex) {
			return DEFAULT_THRESHOLD;
		}
	}

	/** Stale PENDING orders, oldest first, {@code size} a page after the keyset position {@code after}. */
	@Transactional(readOnly = true)
	public Stale stale(String account, String after, int size) {
		Instant now = clock.instant();
		Duration threshold = threshold();
		Instant cutoff = now.minus(threshold);
		List<Condition> where = new ArrayList<>(List.of(PAYMENT_ORDER.STATUS.eq(OrderStatus.PENDING.name()),
				PAYMENT_ORDER.CREATED_AT.le(cutoff)));
		List<AccountCount> perAccount = dsl
			.select(PAYMENT_ORDER.ACCOUNT_ID, DSL.count(), DSL.min(PAYMENT_ORDER.CREATED_AT))
			.from(PAYMENT_ORDER)
			.where(where)
			.groupBy(PAYMENT_ORDER.ACCOUNT_ID)
			.orderBy(PAYMENT_ORDER.ACCOUNT_ID)
			.fetch(r -> new AccountCount(r.value1(), r.value2(), r.value3()));
		if (account != null) {
			where.add(PAYMENT_ORDER.ACCOUNT_ID.eq(account));
		}
		var query = dsl.selectFrom(PAYMENT_ORDER).where(where).orderBy(PAYMENT_ORDER.CREATED_AT.asc(), PAYMENT_ORDER.ID.asc());
		Optional<Keyset.Position> from = Keyset.parse(after);
		var orders = (from.isPresent() ? query.seek(from.get().at(), from.get().id()).limit(size + 1) : query.limit(size + 1))
			.fetch();
		Map<Long, ? extends Record> lastQueries = lastQueries(orders.stream().map(o -> o.getId()).toList());
		List<StaleRow> rows = orders.stream().map(o -> {
			Record q = lastQueries.get(o.getId());
			return new StaleRow(o.getId(), o.getAccountId(), o.getOutTradeNo(), Fen.of(o.getAmountMinor()), o.getCurrency(),
					o.getCreatedAt(), Duration.between(o.getCreatedAt(), now), o.getCheckCount(), o.getNextCheckAt(),
					o.getExpiresAt(), q == null ? null : q.get(PROVIDER_QUERY.ANSWER_STATUS),
					q == null ? null : q.get(PROVIDER_QUERY.OUTCOME), q == null ? null : q.get(PROVIDER_QUERY.ASKED_AT));
		}).toList();
		if (rows.size() <= size) {
			return new Stale(threshold, cutoff, perAccount, new Keyset.Page<>(rows, null));
		}
		List<StaleRow> page = List.copyOf(rows.subList(0, size));
		StaleRow last = page.get(size - 1);
		return new Stale(threshold, cutoff, perAccount,
				new Keyset.Page<>(page, new Keyset.Position(last.createdAt(), last.id()).token()));
	}

	/** The latest question about each order, in one query over the (order_id, id) index. */
	private Map<Long, ? extends Record> lastQueries(List<Long> orderIds) {
		if (orderIds.isEmpty()) {
			return Map.of();
		}
		var latest = dsl.select(DSL.max(PROVIDER_QUERY.ID))
			.from(PROVIDER_QUERY)
			.where(PROVIDER_QUERY.ORDER_ID.in(orderIds))
			.groupBy(PROVIDER_QUERY.ORDER_ID);
		return dsl.select(PROVIDER_QUERY.ORDER_ID, PROVIDER_QUERY.ANSWER_STATUS, PROVIDER_QUERY.OUTCOME, PROVIDER_QUERY.ASKED_AT)
			.from(PROVIDER_QUERY)
			.where(PROVIDER_QUERY.ID.in(latest))
			.fetchMap(PROVIDER_QUERY.ORDER_ID);
	}

	/**
	 * Charges left to a person (oldest first: their reverse failed too often), charges still polled (soonest
	 * deadline first) and those reversed within {@link #RECENT} (newest first).
	 */
	@Transactional(readOnly = true)
	public Micropay micropay() {
		Instant now = clock.instant();
		List<MicropayRow> needsPerson = micropayRows(MICROPAY_ATTEMPT.STATE.eq(MicropayAttempts.NEEDS_PERSON), now,
				MICROPAY_ATTEMPT.ID.asc());
		List<MicropayRow> inProgress = micropayRows(MICROPAY_ATTEMPT.STATE.eq("POLLING"), now, MICROPAY_ATTEMPT.DEADLINE_AT.asc());
		// last_polled_at is never before started_at: its index bounds the scan to the recent attempts
		Instant since = now.minus(RECENT);
		List<MicropayRow> reversed = micropayRows(MICROPAY_ATTEMPT.STATE.eq("DONE")
			.and(MICROPAY_ATTEMPT.LAST_POLLED_AT.ge(since))
			.and(MICROPAY_ATTEMPT.STARTED_AT.ge(since))
			.and(PAYMENT_ORDER.STATUS.eq(OrderStatus.REVERSED.name())), now, MICROPAY_ATTEMPT.ID.desc());
		return new Micropay(needsPerson, inProgress, reversed, RECENT);
	}

	private List<MicropayRow> micropayRows(Condition where, Instant now, org.jooq.SortField<?> order) {
		return dsl.select(MICROPAY_ATTEMPT.ID, MICROPAY_ATTEMPT.ORDER_ID, MICROPAY_ATTEMPT.ACCOUNT_ID,
				MICROPAY_ATTEMPT.OUT_TRADE_NO, PAYMENT_ORDER.AMOUNT_MINOR, PAYMENT_ORDER.STATUS, MICROPAY_ATTEMPT.STATE,
				MICROPAY_ATTEMPT.STARTED_AT, MICROPAY_ATTEMPT.DEADLINE_AT, MICROPAY_ATTEMPT.LAST_POLLED_AT,
				MICROPAY_ATTEMPT.POLLS, MICROPAY_ATTEMPT.OUTCOME, MICROPAY_ATTEMPT.REVERSE_ATTEMPTS,
				MICROPAY_ATTEMPT.LAST_ERROR)
			.from(MICROPAY_ATTEMPT)
			.join(PAYMENT_ORDER).on(PAYMENT_ORDER.ID.eq(MICROPAY_ATTEMPT.ORDER_ID))
			.where(where)
			.orderBy(order)
			.limit(MICROPAY_ROWS)
			.fetch(r -> new MicropayRow(r.value1(), r.value2(), r.value3(), r.value4(), Fen.of(r.value5()), r.value6(),
					r.value7(), r.value8(), r.value9(), r.value10(), r.value11(), r.value12(),
					"POLLING".equals(r.value7()) && now.isAfter(r.value9()), r.value13(), r.value14()));
	}
}
