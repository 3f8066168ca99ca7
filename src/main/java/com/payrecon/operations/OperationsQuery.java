package com.payrecon.operations;

import static com.payrecon.db.Tables.DISCREPANCY;
import static com.payrecon.db.Tables.MICROPAY_ATTEMPT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.RECONCILIATION_RUN;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Reads (never writes) what the database gauges show: three grouped, indexed queries over all accounts. */
@Component
class OperationsQuery {

	private final DSLContext dsl;

	OperationsQuery(DSLContext dsl) {
		this.dsl = dsl;
	}

	/**
	 * Per account: open or assigned discrepancies of current runs, the oldest one's creation, stale PENDING orders,
	 * micropay charges left to a person.
	 */
	record Counts(Map<String, Long> openDiscrepancies, Map<String, Instant> oldestOpen, Map<String, Long> stalePending,
			Map<String, Long> micropayNeedsPerson) {
	}

	/** @param staleBefore PENDING orders created before this count as stale */
	@Transactional(readOnly = true)
	Counts counts(Instant staleBefore) {
		Map<String, Long> open = new HashMap<>();
		Map<String, Instant> oldest = new HashMap<>();
		dsl.select(DISCREPANCY.ACCOUNT_ID, DSL.count(), DSL.min(DISCREPANCY.CREATED_AT))
			.from(DISCREPANCY)
			.join(RECONCILIATION_RUN)
			.on(RECONCILIATION_RUN.ID.eq(DISCREPANCY.RUN_ID), RECONCILIATION_RUN.CURRENT_RUN.eq((byte) 1))
			.where(DISCREPANCY.RESOLUTION.in(List.of("OPEN", "ASSIGNED")))
			.groupBy(DISCREPANCY.ACCOUNT_ID)
			.fetch()
			.forEach(r -> {
				open.put(r.value1(), r.value2().longValue());
				oldest.put(r.value1(), r.value3());
			});
		Map<String, Long> stale = new HashMap<>();
		dsl.select(PAYMENT_ORDER.ACCOUNT_ID, DSL.count())
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.STATUS.eq("PENDING"), PAYMENT_ORDER.CREATED_AT.lt(staleBefore))
			.groupBy(PAYMENT_ORDER.ACCOUNT_ID)
			.fetch()
			.forEach(r -> stale.put(r.value1(), r.value2().longValue()));
		Map<String, Long> needsPerson = new HashMap<>();
		dsl.select(MICROPAY_ATTEMPT.ACCOUNT_ID, DSL.count())
			.from(MICROPAY_ATTEMPT)
			.where(MICROPAY_ATTEMPT.STATE.eq("NEEDS_PERSON")) // (state, last_polled_at) index
			.groupBy(MICROPAY_ATTEMPT.ACCOUNT_ID)
			.fetch()
			.forEach(r -> needsPerson.put(r.value1(), r.value2().longValue()));
		return new Counts(open, oldest, stale, needsPerson);
	}
}
