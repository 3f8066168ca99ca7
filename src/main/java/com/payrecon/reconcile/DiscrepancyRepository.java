package com.payrecon.reconcile;

import static com.payrecon.db.Tables.DISCREPANCY;
import static com.payrecon.db.Tables.RECONCILIATION_MATCH;
import static com.payrecon.db.Tables.RECONCILIATION_REFUND_MATCH;
import static com.payrecon.db.Tables.RECONCILIATION_RUN;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import com.payrecon.db.tables.records.DiscrepancyRecord;
import com.payrecon.support.money.Fen;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.conf.SettingsTools;
import org.jooq.conf.StatementType;
import org.jooq.impl.DSL;

import org.springframework.stereotype.Repository;

/**
 * Discrepancies and per-line matches of runs. Inserts are keyed ((run, source_key), (run, line)) and ignore
 * duplicates, so a chunk written twice (a restart) changes nothing; resolutions move by compare-and-set.
 */
@Repository
class DiscrepancyRepository {

	private final DSLContext dsl;
	/**
	 * The same database, for the per-chunk match rows only: numbers, sent inlined in a plain statement. As a prepared
	 * statement the driver scanned the text of each 5,000-row insert for its 15,000 placeholders and bound each one:
	 * a fifth of the JVM's time of a reconciliation (issue 17, JFR). Never for text: that stays bound.
	 */
	private final DSLContext numbersOnly;

	DiscrepancyRepository(DSLContext dsl) {
		this.dsl = dsl;
		this.numbersOnly = DSL.using(dsl.configuration()
			.derive(SettingsTools.clone(dsl.settings()).withStatementType(StatementType.STATIC_STATEMENT)));
	}

	record Match(long billLine, long orderId) {
	}

	void insertMatches(long runId, Collection<Match> matches) {
		if (matches.isEmpty()) {
			return;
		}
		var insert = numbersOnly.insertInto(RECONCILIATION_MATCH, RECONCILIATION_MATCH.RUN_ID, RECONCILIATION_MATCH.BILL_LINE,
				RECONCILIATION_MATCH.ORDER_ID);
		for (Match m : matches) {
			insert = insert.values(runId, m.billLine(), m.orderId());
		}
		insert.onDuplicateKeyIgnore().execute();
	}

	/** A refund line and the local refund it accounts for. */
	record RefundMatch(long billLine, long refundId) {
	}

	void insertRefundMatches(long runId, Collection<RefundMatch> matches) {
		if (matches.isEmpty()) {
			return;
		}
		var insert = numbersOnly.insertInto(RECONCILIATION_REFUND_MATCH, RECONCILIATION_REFUND_MATCH.RUN_ID,
				RECONCILIATION_REFUND_MATCH.BILL_LINE, RECONCILIATION_REFUND_MATCH.REFUND_ID);
		for (RefundMatch m : matches) {
			insert = insert.values(runId, m.billLine(), m.refundId());
		}
		insert.onDuplicateKeyIgnore().execute();
	}

	boolean matched(long runId, long orderId) {
		return dsl.fetchExists(RECONCILIATION_MATCH,
				RECONCILIATION_MATCH.RUN_ID.eq(runId).and(RECONCILIATION_MATCH.ORDER_ID.eq(orderId)));
	}

	void insert(long runId, String accountId, LocalDate day, Collection<NewDiscrepancy> found, Instant now) {
		if (found.isEmpty()) {
			return;
		}
		var queries = new ArrayList<org.jooq.Query>();
		for (NewDiscrepancy d : found) {
			queries.add(dsl.insertInto(DISCREPANCY)
				.set(DISCREPANCY.RUN_ID, runId)
				.set(DISCREPANCY.ACCOUNT_ID, accountId)
				.set(DISCREPANCY.BUSINESS_DATE, day)
				.set(DISCREPANCY.TYPE, d.type().name())
				.set(DISCREPANCY.SOURCE_KEY, d.sourceKey())
				.set(DISCREPANCY.OUT_TRADE_NO, d.outTradeNo())
				.set(DISCREPANCY.PROVIDER_TXN_ID, d.providerTxnId())
				.set(DISCREPANCY.ORDER_ID, d.orderId())
				.set(DISCREPANCY.BILL_LINE, d.billLine())
				.set(DISCREPANCY.LOCAL_AMOUNT_MINOR, d.localAmount() == null ? null : d.localAmount().value())
				.set(DISCREPANCY.PROVIDER_AMOUNT_MINOR, d.providerAmount() == null ? null : d.providerAmount().value())
				.set(DISCREPANCY.LOCAL_STATUS, d.localStatus())
				.set(DISCREPANCY.PROVIDER_STATUS, ReconciliationRunRepository.truncate(d.providerStatus(), 32))
				.set(DISCREPANCY.EXPECTED_ON, d.expectedOn())
				.set(DISCREPANCY.DETAIL, ReconciliationRunRepository.truncate(d.detail(), 1024))
				.set(DISCREPANCY.AUTO_REPAIRED, d.autoRepaired())
				.set(DISCREPANCY.RESOLUTION, d.resolution().name())
				.set(DISCREPANCY.RESOLUTION_NOTE, ReconciliationRunRepository.truncate(d.resolutionNote(), 1024))
				.set(DISCREPANCY.RESOLVED_BY, d.resolvedBy())
				.set(DISCREPANCY.RESOLVED_AT, d.resolution().isSettled() ? now : null)
				.set(DISCREPANCY.CREATED_AT, now)
				.set(DISCREPANCY.UPDATED_AT, now)
				.onDuplicateKeyIgnore());
		}
		dsl.batch(queries).execute();
	}

	List<Discrepancy> ofRun(long runId) {
		return dsl.selectFrom(DISCREPANCY)
			.where(DISCREPANCY.RUN_ID.eq(runId))
			.orderBy(DISCREPANCY.ID)
			.fetch(DiscrepancyRepository::toDiscrepancy);
	}

	long countOfRun(long runId) {
		return dsl.fetchCount(DISCREPANCY, DISCREPANCY.RUN_ID.eq(runId));
	}

	/** Whether the run shows something other than held (EXPECTED) or repaired lines. */
	boolean unbalances(long runId) {
		return dsl.fetchExists(DISCREPANCY, DISCREPANCY.RUN_ID.eq(runId)
			.and(DISCREPANCY.TYPE.ne(DiscrepancyType.EXPECTED.name()))
			.and(DISCREPANCY.AUTO_REPAIRED.isFalse()));
	}

	boolean has(long runId, DiscrepancyType type, long orderId) {
		return dsl.fetchExists(DISCREPANCY, DISCREPANCY.RUN_ID.eq(runId)
			.and(DISCREPANCY.TYPE.eq(type.name()))
			.and(DISCREPANCY.ORDER_ID.eq(orderId)));
	}

	/** EXPECTED discrepancies of the given runs that wait for {@code day}'s bill. */
	List<Discrepancy> expectedOn(Collection<Long> runIds, LocalDate day) {
		if (runIds.isEmpty()) {
			return List.of();
		}
		return dsl.selectFrom(DISCREPANCY)
			.where(DISCREPANCY.RUN_ID.in(runIds), DISCREPANCY.TYPE.eq(DiscrepancyType.EXPECTED.name()),
					DISCREPANCY.EXPECTED_ON.eq(day))
			.orderBy(DISCREPANCY.ID)
			.fetch(DiscrepancyRepository::toDiscrepancy);
	}

	/**
	 * The superseded run's resolutions move to the identical (same type, out_trade_no and transaction) open
	 * discrepancies of the new run, so finance does not resolve twice.
	 */
	int carryOver(long fromRunId, long toRunId) {
		var n = DISCREPANCY.as("n");
		var p = DISCREPANCY.as("p");
		return dsl.update(n.join(p)
			.on(p.RUN_ID.eq(fromRunId), p.TYPE.eq(n.TYPE), p.OUT_TRADE_NO.isNotDistinctFrom(n.OUT_TRADE_NO),
					p.PROVIDER_TXN_ID.isNotDistinctFrom(n.PROVIDER_TXN_ID), p.RESOLUTION.ne(Resolution.OPEN.name())))
			.set(n.RESOLUTION, p.RESOLUTION)
			.set(n.RESOLUTION_NOTE, p.RESOLUTION_NOTE)
			.set(n.ASSIGNED_TO, p.ASSIGNED_TO)
			.set(n.RESOLVED_BY, p.RESOLVED_BY)
			.set(n.RESOLVED_AT, p.RESOLVED_AT)
			.set(n.CARRIED_FROM, p.ID)
			.set(n.VERSION, n.VERSION.plus(1))
			.where(n.RUN_ID.eq(toRunId), n.RESOLUTION.eq(Resolution.OPEN.name()))
			.execute();
	}

	Optional<Discrepancy> find(long id) {
		return dsl.selectFrom(DISCREPANCY).where(DISCREPANCY.ID.eq(id)).fetchOptional(DiscrepancyRepository::toDiscrepancy);
	}

	boolean isCurrent(long id) {
		return dsl.fetchExists(dsl.selectOne()
			.from(DISCREPANCY)
			.join(RECONCILIATION_RUN)
			.on(RECONCILIATION_RUN.ID.eq(DISCREPANCY.RUN_ID))
			.where(DISCREPANCY.ID.eq(id), RECONCILIATION_RUN.CURRENT_RUN.isNotNull()));
	}

	/** Whether a discrepancy of a current run other than {@code exceptId} about this order is not settled yet. */
	boolean othersUnsettledFor(long orderId, long exceptId) {
		return dsl.fetchExists(dsl.selectOne()
			.from(DISCREPANCY)
			.join(RECONCILIATION_RUN)
			.on(RECONCILIATION_RUN.ID.eq(DISCREPANCY.RUN_ID))
			.where(DISCREPANCY.ORDER_ID.eq(orderId), DISCREPANCY.ID.ne(exceptId),
					RECONCILIATION_RUN.CURRENT_RUN.isNotNull(),
					DISCREPANCY.RESOLUTION.in(Resolution.OPEN.name(), Resolution.ASSIGNED.name())));
	}

	/** Compare-and-set: false when someone else moved it first (version or state changed). */
	boolean move(long id, int version, Resolution from, Resolution to, String note, String assignee, String operator,
			Instant now) {
		var update = dsl.update(DISCREPANCY)
			.set(DISCREPANCY.RESOLUTION, to.name())
			.set(DISCREPANCY.UPDATED_AT, now)
			.set(DISCREPANCY.VERSION, DISCREPANCY.VERSION.plus(1));
		if (to == Resolution.ASSIGNED) {
			update = update.set(DISCREPANCY.ASSIGNED_TO, assignee);
		}
		else {
			update = update.set(DISCREPANCY.RESOLUTION_NOTE, ReconciliationRunRepository.truncate(note, 1024))
				.set(DISCREPANCY.RESOLVED_BY, operator)
				.set(DISCREPANCY.RESOLVED_AT, now);
		}
		return update.where(DISCREPANCY.ID.eq(id), DISCREPANCY.VERSION.eq(version), DISCREPANCY.RESOLUTION.eq(from.name()))
			.execute() == 1;
	}

	/** Current discrepancies (of current runs) matching the filter, by id. */
	List<Discrepancy> current(DiscrepancyFilter f) {
		List<Condition> where = new ArrayList<>();
		where.add(RECONCILIATION_RUN.CURRENT_RUN.isNotNull());
		where.add(DISCREPANCY.ID.gt(f.afterId()));
		if (f.accountId() != null) {
			where.add(DISCREPANCY.ACCOUNT_ID.eq(f.accountId()));
		}
		if (f.from() != null) {
			where.add(DISCREPANCY.BUSINESS_DATE.ge(f.from()));
		}
		if (f.to() != null) {
			where.add(DISCREPANCY.BUSINESS_DATE.le(f.to()));
		}
		if (f.resolution() != null) {
			where.add(DISCREPANCY.RESOLUTION.eq(f.resolution().name()));
		}
		return dsl.select(DISCREPANCY.fields())
			.from(DISCREPANCY)
			.join(RECONCILIATION_RUN)
			.on(RECONCILIATION_RUN.ID.eq(DISCREPANCY.RUN_ID))
			.where(DSL.and(where))
			.orderBy(DISCREPANCY.ID)
			.limit(Math.max(1, Math.min(f.limit(), 1000)))
			.fetch(r -> toDiscrepancy(r.into(DISCREPANCY)));
	}

	private static Discrepancy toDiscrepancy(DiscrepancyRecord r) {
		return new Discrepancy(r.getId(), r.getRunId(), r.getAccountId(), r.getBusinessDate(),
				DiscrepancyType.valueOf(r.getType()), r.getOutTradeNo(), r.getProviderTxnId(), r.getOrderId(),
				r.getBillLine(), r.getLocalAmountMinor() == null ? null : Fen.of(r.getLocalAmountMinor()),
				r.getProviderAmountMinor() == null ? null : Fen.of(r.getProviderAmountMinor()), r.getLocalStatus(),
				r.getProviderStatus(), r.getExpectedOn(), r.getDetail(), r.getAutoRepaired(),
				Resolution.valueOf(r.getResolution()), r.getResolutionNote(), r.getAssignedTo(), r.getResolvedBy(),
				r.getResolvedAt(), r.getCarriedFrom(), r.getVersion());
	}
}
