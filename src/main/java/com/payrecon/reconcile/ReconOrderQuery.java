package com.payrecon.reconcile;

import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.RECONCILIATION_MATCH;
import static com.payrecon.db.Tables.REFUND;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.payrecon.order.OrderStatus;
import com.payrecon.support.db.HotStatement;
import com.payrecon.support.money.Fen;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Record6;
import org.jooq.Select;
import org.jooq.SelectSelectStep;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/** Reads the orders a run matches against (read only: orders change through the query repair, and an unknown paid time through {@code OrderService.settlePaidTime}). */
@Component
class ReconOrderQuery {

	private static final List<String> PAID_STATES = List.of(OrderStatus.PAID.name(),
			OrderStatus.PARTIALLY_REFUNDED.name(), OrderStatus.REFUNDED.name());

	private final DSLContext dsl;

	ReconOrderQuery(DSLContext dsl) {
		this.dsl = dsl;
	}

	/**
	 * The orders of one chunk, by out_trade_no: one query per chunk, never one per line, and only the columns matching
	 * needs (6 of payment_order's 19: a whole row costs ten times the bytes and four more DATETIMEs to decode). The
	 * statement is rendered by jOOQ once per {@link #LOOKUP_STEP} numbers ({@link HotStatement}; the list is padded with
	 * its last number) and its rows are read straight from JDBC: rendering 5,000 placeholders and building a record
	 * per row was half of the step thread's work (issue 17).
	 */
	Map<String, LocalOrder> byOutTradeNos(String accountId, Collection<String> outTradeNos) {
		if (outTradeNos.isEmpty()) {
			return Map.of();
		}
		int size = (outTradeNos.size() + LOOKUP_STEP - 1) / LOOKUP_STEP * LOOKUP_STEP;
		Object[] values = new Object[size + 1];
		values[0] = accountId;
		int i = 1;
		for (String no : outTradeNos) {
			values[i++] = no;
		}
		Arrays.fill(values, i, values.length, values[i - 1]); // the same number again finds nothing more
		return lookups.computeIfAbsent(size, this::lookupOf).query(rows -> {
			Map<String, LocalOrder> found = HashMap.newHashMap(outTradeNos.size());
			while (rows.next()) {
				LocalDateTime paidAt = rows.getObject(6, LocalDateTime.class); // UTC, as UtcInstantConverter reads it
				LocalOrder order = new LocalOrder(rows.getLong(1), rows.getString(2), Fen.of(rows.getLong(3)),
						OrderStatus.valueOf(rows.getString(4)), rows.getString(5),
						paidAt == null ? null : paidAt.toInstant(ZoneOffset.UTC));
				found.put(order.outTradeNo(), order);
			}
			return found;
		}, values);
	}

	/** Out-trade-numbers per lookup statement are a multiple of this (at most 40 statements for chunks of 10,000). */
	static final int LOOKUP_STEP = 256;

	private final Map<Integer, HotStatement> lookups = new ConcurrentHashMap<>();

	/** {@code account_id = ?0 AND out_trade_no IN (?1 … ?size)}, the columns of a {@link LocalOrder}. */
	private HotStatement lookupOf(int size) {
		List<Field<String>> nos = new ArrayList<>(size);
		for (int i = 1; i <= size; i++) {
			nos.add(HotStatement.at(i, PAYMENT_ORDER.OUT_TRADE_NO));
		}
		return HotStatement.of(dsl, selectLocalOrder().from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(HotStatement.at(0, PAYMENT_ORDER.ACCOUNT_ID)),
					PAYMENT_ORDER.OUT_TRADE_NO.in(nos)));
	}

	/**
	 * One page of the orders paid in [from, to) that no bill line of the given runs matched, in (paid_at, id) order
	 * after {@code after} (null: from the start): one anti-join, so the day's matches never have to be held in memory.
	 * Its cost grows with the account's orders of the day, not with the table: the page's ids come from a range of
	 * {@code ix_payment_order_account_paid_cover} (account_id, paid_at, id, status, amount_minor; V23_1) read in index
	 * order, each probed in {@code ix_reconciliation_match_order}, without reading an order row; then only
	 * the page's unmatched orders are read, by id. (Keyset by id alone let MariaDB walk the primary key through every
	 * order of every day and account: 6 to 8.5 s per run with 4,000,000 orders in the table.)
	 */
	List<LocalOrder> paidWithoutMatch(String accountId, Instant from, Instant to, Collection<Long> runIds,
			@Nullable LocalOrder after, int limit) {
		List<Long> page = unmatchedPage(accountId, from, to, runIds, after, limit).fetch(PAYMENT_ORDER.ID);
		if (page.isEmpty()) {
			return List.of();
		}
		return selectLocalOrder()
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ID.in(page))
			.orderBy(PAYMENT_ORDER.PAID_AT, PAYMENT_ORDER.ID)
			.fetch(ReconOrderQuery::toOrder);
	}

	/** The ids of {@link #paidWithoutMatch}'s page (its plan is checked by {@code DailyReconciliationIT}). */
	Select<Record1<Long>> unmatchedPage(String accountId, Instant from, Instant to, Collection<Long> runIds,
			@Nullable LocalOrder after, int limit) {
		Condition afterCursor = after == null ? DSL.noCondition()
				: PAYMENT_ORDER.PAID_AT.gt(after.paidAt())
					.or(PAYMENT_ORDER.PAID_AT.eq(after.paidAt()).and(PAYMENT_ORDER.ID.gt(after.id())));
		// a left join rather than NOT EXISTS: MariaDB materialized NOT EXISTS into a temporary table of all the run's
		// matches (about 1.1 s for a day of 500,000 against 0.5 s); the join probes ix_reconciliation_match_order once
		// per order and stops at the first match ("Not exists")
		return dsl.select(PAYMENT_ORDER.ID)
			.from(PAYMENT_ORDER.leftJoin(RECONCILIATION_MATCH)
				.on(RECONCILIATION_MATCH.ORDER_ID.eq(PAYMENT_ORDER.ID), RECONCILIATION_MATCH.RUN_ID.in(runIds)))
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(accountId), PAYMENT_ORDER.PAID_AT.ge(from), PAYMENT_ORDER.PAID_AT.lt(to),
					PAYMENT_ORDER.STATUS.in(PAID_STATES), afterCursor, RECONCILIATION_MATCH.ID.isNull())
			.orderBy(PAYMENT_ORDER.PAID_AT, PAYMENT_ORDER.ID)
			.limit(limit);
	}

	/**
	 * Our side of the day: orders paid in [from, to) (count, gross) and refunds of [from, to) that succeeded (count,
	 * sum to the fen; the day a refund belongs to: {@link ReconRefundQuery#day}).
	 */
	Totals localTotals(String accountId, Instant from, Instant to) {
		var paid = dsl.select(DSL.count(), DSL.coalesce(DSL.sum(PAYMENT_ORDER.AMOUNT_MINOR), DSL.inline(java.math.BigDecimal.ZERO)))
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(accountId), PAYMENT_ORDER.PAID_AT.ge(from), PAYMENT_ORDER.PAID_AT.lt(to),
					PAYMENT_ORDER.STATUS.in(PAID_STATES))
			.fetchOne();
		var refunded = dsl.select(DSL.count(), DSL.coalesce(DSL.sum(REFUND.AMOUNT_MINOR), DSL.inline(java.math.BigDecimal.ZERO)))
			.from(REFUND)
			.where(ReconRefundQuery.day(accountId, from, to))
			.fetchOne();
		long count = paid.value1();
		Fen gross = Fen.of(paid.value2().longValueExact());
		long refundCount = refunded.value1();
		Fen refunds = Fen.of(refunded.value2().longValueExact());
		return new Totals(count, gross, null, refundCount, refunds, gross.minus(refunds));
	}

	/** The columns of a {@link LocalOrder}, no more. */
	private SelectSelectStep<Record6<Long, String, Long, String, String, Instant>> selectLocalOrder() {
		return dsl.select(PAYMENT_ORDER.ID, PAYMENT_ORDER.OUT_TRADE_NO, PAYMENT_ORDER.AMOUNT_MINOR, PAYMENT_ORDER.STATUS,
				PAYMENT_ORDER.PROVIDER_TXN_ID, PAYMENT_ORDER.PAID_AT);
	}

	private static LocalOrder toOrder(Record6<Long, String, Long, String, String, Instant> r) {
		return new LocalOrder(r.value1(), r.value2(), Fen.of(r.value3()), OrderStatus.valueOf(r.value4()), r.value5(),
				r.value6());
	}

}
