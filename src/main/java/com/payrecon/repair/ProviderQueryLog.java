package com.payrecon.repair;

import static com.payrecon.db.Tables.PROVIDER_QUERY;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.payrecon.db.tables.records.ProviderQueryRecord;
import com.payrecon.order.Cause;
import com.payrecon.order.PaymentOrder;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/** Every question asked of a provider about an order, with the answer as received. */
@Repository
public class ProviderQueryLog {

	private final DSLContext dsl;

	ProviderQueryLog(DSLContext dsl) {
		this.dsl = dsl;
	}

	/** One question and its answer; {@code txnId}, {@code amount}, {@code currency}, {@code paidAt} as the provider said. */
	public record Entry(long id, long orderId, String operation, String source, String actor, Instant askedAt,
			String answerStatus, String errorCode, String rawResponse, String outcome, String txnId, Fen amount,
			String currency, Instant paidAt) {
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
			.set(PROVIDER_QUERY.ANSWER_TXN_ID, fits(answer.providerTxnId(), 64))
			.set(PROVIDER_QUERY.ANSWER_AMOUNT_MINOR, answer.amount() == null ? null : answer.amount().value())
			.set(PROVIDER_QUERY.ANSWER_CURRENCY, fits(answer.currency(), 3))
			.set(PROVIDER_QUERY.ANSWER_PAID_AT, answer.paidAt())
			.set(PROVIDER_QUERY.OUTCOME, bounded(outcome))
			.returning(PROVIDER_QUERY.ID)
			.fetchOne(PROVIDER_QUERY.ID);
	}

	/** The outcome, once known, of a question recorded before it was acted on. */
	void outcome(long id, String outcome) {
		dsl.update(PROVIDER_QUERY).set(PROVIDER_QUERY.OUTCOME, bounded(outcome)).where(PROVIDER_QUERY.ID.eq(id)).execute();
	}

	/**
	 * The answers that changed nothing and prove nothing (the provider had no definite answer, or the payer had not
	 * paid yet): most of the log, as the sweep asks every pending order again and again.
	 */
	static final List<String> INDEFINITE = List.of(ProviderAnswer.Status.ERROR.name(), ProviderAnswer.Status.USER_PAYING.name(),
			ProviderAnswer.Status.NOT_PAID.name());

	/**
	 * Deletes up to {@code limit} questions, oldest first: those with an indefinite answer asked before
	 * {@code indefiniteBefore}, and any asked before {@code allBefore} (a definite, signed answer is evidence of a repair
	 * and is kept as long as the raw notifications). One statement, no transaction around it.
	 */
	public int purgeChunk(Instant indefiniteBefore, Instant allBefore, int limit) {
		int n = dsl.deleteFrom(PROVIDER_QUERY)
			.where(PROVIDER_QUERY.ASKED_AT.lt(indefiniteBefore), PROVIDER_QUERY.ANSWER_STATUS.in(INDEFINITE))
			.orderBy(PROVIDER_QUERY.ASKED_AT, PROVIDER_QUERY.ID)
			.limit(limit)
			.execute();
		if (n > 0) {
			return n;
		}
		return dsl.deleteFrom(PROVIDER_QUERY)
			.where(PROVIDER_QUERY.ASKED_AT.lt(allBefore))
			.orderBy(PROVIDER_QUERY.ASKED_AT, PROVIDER_QUERY.ID)
			.limit(limit)
			.execute();
	}

	public List<Entry> forOrder(long orderId) {
		return dsl.selectFrom(PROVIDER_QUERY)
			.where(PROVIDER_QUERY.ORDER_ID.eq(orderId))
			.orderBy(PROVIDER_QUERY.ID)
			.fetch(ProviderQueryLog::toEntry);
	}

	public Optional<Entry> find(long id) {
		return dsl.selectFrom(PROVIDER_QUERY).where(PROVIDER_QUERY.ID.eq(id)).fetchOptional(ProviderQueryLog::toEntry);
	}

	private static Entry toEntry(ProviderQueryRecord r) {
		return new Entry(r.getId(), r.getOrderId(), r.getOperation(), r.getSource(), r.getActor(), r.getAskedAt(),
				r.getAnswerStatus(), r.getErrorCode(), r.getRawResponse(), r.getOutcome(), r.getAnswerTxnId(),
				r.getAnswerAmountMinor() == null ? null : Fen.of(r.getAnswerAmountMinor()), r.getAnswerCurrency(),
				r.getAnswerPaidAt());
	}

	/** A value too long for its column is not a value we act on: kept only in the raw response. */
	private static String fits(String value, int max) {
		return value == null || value.length() > max ? null : value;
	}

	private static String bounded(String outcome) {
		return outcome.length() > 512 ? outcome.substring(0, 511) + "…" : outcome;
	}
}
