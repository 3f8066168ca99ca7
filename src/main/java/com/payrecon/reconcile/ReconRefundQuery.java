package com.payrecon.reconcile;

import static com.payrecon.db.Tables.RECONCILIATION_REFUND_MATCH;
import static com.payrecon.db.Tables.REFUND;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.payrecon.db.tables.records.RefundRecord;
import com.payrecon.refund.RefundSource;
import com.payrecon.refund.RefundStatus;
import com.payrecon.support.money.Fen;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

import org.springframework.stereotype.Component;

/**
 * Reads the refunds a run matches refund lines against (read only: refunds change through the refund module's query
 * alone). A refund belongs to the day it was asked for (its first request; for a refund made elsewhere, the time the
 * provider says it succeeded), as the providers' bills list it: WeChat on the day the refund was requested, Alipay on
 * the day it completed (immediately).
 */
@Component
class ReconRefundQuery {

	/** The day a refund belongs to: when it was sent, else (made elsewhere) when it succeeded. */
	static final Field<Instant> REFUND_TIME = DSL.coalesce(REFUND.SUBMITTED_AT, REFUND.SUCCEEDED_AT);

	private final DSLContext dsl;

	ReconRefundQuery(DSLContext dsl) {
		this.dsl = dsl;
	}

	/** The refunds of one chunk, by out_refund_no and by the provider's refund id: two queries per chunk at most. */
	Lookup byNumbers(String accountId, Collection<String> outRefundNos, Collection<String> providerRefundIds) {
		Map<String, LocalRefund> byNo = outRefundNos.isEmpty() ? Map.of()
				: dsl.selectFrom(REFUND)
					.where(REFUND.ACCOUNT_ID.eq(accountId), REFUND.OUT_REFUND_NO.in(outRefundNos))
					.fetch(ReconRefundQuery::toRefund)
					.stream()
					.collect(Collectors.toMap(LocalRefund::outRefundNo, Function.identity()));
		Map<String, LocalRefund> byId = providerRefundIds.isEmpty() ? Map.of()
				: dsl.selectFrom(REFUND)
					.where(REFUND.ACCOUNT_ID.eq(accountId), REFUND.PROVIDER_REFUND_ID.in(providerRefundIds))
					.fetch(ReconRefundQuery::toRefund)
					.stream()
					.collect(Collectors.toMap(LocalRefund::providerRefundId, Function.identity(), (a, b) -> a));
		return new Lookup(byNo, byId);
	}

	/** A chunk's refunds; a line finds its refund by its merchant number first, else by the provider's refund id. */
	record Lookup(Map<String, LocalRefund> byNo, Map<String, LocalRefund> byProviderId) {

		Optional<LocalRefund> find(String outRefundNo, String providerRefundId) {
			LocalRefund r = outRefundNo == null ? null : byNo.get(outRefundNo);
			if (r == null && providerRefundId != null) {
				r = byProviderId.get(providerRefundId);
			}
			return Optional.ofNullable(r);
		}
	}

	Optional<LocalRefund> byNumber(String accountId, String outRefundNo) {
		return dsl.selectFrom(REFUND)
			.where(REFUND.ACCOUNT_ID.eq(accountId), REFUND.OUT_REFUND_NO.eq(outRefundNo))
			.fetchOptional(ReconRefundQuery::toRefund);
	}

	/**
	 * One page (keyset by id) of the refunds of [from, to) that succeeded here and that no refund line of the given
	 * runs matched (MIGRATED ones, whole-order refunds from before refunds had rows, are left out: they have no number
	 * a bill could carry).
	 */
	List<LocalRefund> succeededWithoutMatch(String accountId, Instant from, Instant to, Collection<Long> runIds,
			long afterId, int limit) {
		return dsl.selectFrom(REFUND)
			.where(day(accountId, from, to), REFUND.SOURCE.ne(RefundSource.MIGRATED.name()), REFUND.ID.gt(afterId))
			.andNotExists(DSL.selectOne()
				.from(RECONCILIATION_REFUND_MATCH)
				.where(RECONCILIATION_REFUND_MATCH.REFUND_ID.eq(REFUND.ID), RECONCILIATION_REFUND_MATCH.RUN_ID.in(runIds)))
			.orderBy(REFUND.ID)
			.limit(limit)
			.fetch(ReconRefundQuery::toRefund);
	}

	/** SUCCESS refunds of the account belonging to [from, to); a refund succeeds after it is sent (index on succeeded_at). */
	static Condition day(String accountId, Instant from, Instant to) {
		return REFUND.STATUS.eq(RefundStatus.SUCCESS.name())
			.and(REFUND.SUCCEEDED_AT.ge(from))
			.and(REFUND.ACCOUNT_ID.eq(accountId))
			.and(REFUND_TIME.ge(from))
			.and(REFUND_TIME.lt(to));
	}

	private static LocalRefund toRefund(RefundRecord r) {
		return new LocalRefund(r.getId(), r.getOrderId(), r.getOutTradeNo(), r.getOutRefundNo(), r.getProviderRefundId(),
				Fen.of(r.getAmountMinor()), RefundStatus.valueOf(r.getStatus()), RefundSource.valueOf(r.getSource()),
				r.getSubmittedAt() != null ? r.getSubmittedAt() : r.getSucceededAt());
	}
}
