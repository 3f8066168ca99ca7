package com.payrecon.repair;

import static com.payrecon.db.Tables.PROVIDER_QUERY;

import java.time.Instant;
import java.util.List;

import com.payrecon.order.Cause;
import com.payrecon.order.PaymentOrder;
import com.payrecon.provider.ProviderAnswer;
import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/** Every question asked of a provider about an order, with the answer as received. */
@Repository
public class ProviderQueryLog {

	private final DSLContext dsl;

	ProviderQueryLog(DSLContext dsl) {
		this.dsl = dsl;
	}

	public record Entry(long id, long orderId, String operation, String source, String actor, Instant askedAt,
			String answerStatus, String errorCode, String rawResponse, String outcome) {
	}

	long record(PaymentOrder order, String operation, Cause cause, Instant askedAt, ProviderAnswer answer, String outcome) {
		return dsl.insertInto(PROVIDER_QUERY)
			.set(PROVIDER_QUERY.ORDER_ID, order.id())
			.set(PROVIDER_QUERY.ACCOUNT_ID, order.accountId())
			.set(PROVIDER_QUERY.OUT_TRADE_NO, order.outTradeNo())
			.set(PROVIDER_QUERY.OPERATION, operation)
			.set(PROVIDER_QUERY.SOURCE, cause.source().name())
			.set(PROVIDER_QUERY.ACTOR, cause.actor())
			.set(PROVIDER_QUERY.ASKED_AT, askedAt)
			.set(PROVIDER_QUERY.ANSWER_STATUS, answer.status().name())
			.set(PROVIDER_QUERY.ERROR_CODE, answer.errorCode())
			.set(PROVIDER_QUERY.RAW_RESPONSE, answer.rawResponse())
			.set(PROVIDER_QUERY.OUTCOME, outcome.length() > 512 ? outcome.substring(0, 511) + "…" : outcome)
			.returning(PROVIDER_QUERY.ID)
			.fetchOne(PROVIDER_QUERY.ID);
	}

	public List<Entry> forOrder(long orderId) {
		return dsl.selectFrom(PROVIDER_QUERY)
			.where(PROVIDER_QUERY.ORDER_ID.eq(orderId))
			.orderBy(PROVIDER_QUERY.ID)
			.fetch(r -> new Entry(r.getId(), r.getOrderId(), r.getOperation(), r.getSource(), r.getActor(), r.getAskedAt(),
					r.getAnswerStatus(), r.getErrorCode(), r.getRawResponse(), r.getOutcome()));
	}
}
