package com.payrecon.checkout;

import static com.payrecon.db.Tables.MICROPAY_ATTEMPT;

import java.time.Instant;
import java.util.List;

import com.payrecon.order.PaymentOrder;
import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/** Micropay charges still in progress, so that polling survives a restart. */
@Repository
public class MicropayAttempts {

	static final String POLLING = "POLLING";
	static final String DONE = "DONE";
	/** The reverse failed too often: nobody polls or reverses it any more; a person must look (console, gauge). */
	public static final String NEEDS_PERSON = "NEEDS_PERSON";

	private final DSLContext dsl;

	MicropayAttempts(DSLContext dsl) {
		this.dsl = dsl;
	}

	/** An attempt that nobody polled for a while, for the watchdog. */
	public record Attempt(long id, long orderId, String accountId, String outTradeNo, String actor, Instant deadlineAt,
			Instant lastPolledAt, int version) {
	}

	/** Records a charge in progress (public for tests that leave one behind as a crashed process would). */
	public void start(PaymentOrder order, String actor, Instant now, Instant deadline) {
		dsl.insertInto(MICROPAY_ATTEMPT)
			.set(MICROPAY_ATTEMPT.ORDER_ID, order.id())
			.set(MICROPAY_ATTEMPT.ACCOUNT_ID, order.accountId())
			.set(MICROPAY_ATTEMPT.OUT_TRADE_NO, order.outTradeNo())
			.set(MICROPAY_ATTEMPT.ACTOR, actor)
			.set(MICROPAY_ATTEMPT.STATE, POLLING)
			.set(MICROPAY_ATTEMPT.STARTED_AT, now)
			.set(MICROPAY_ATTEMPT.DEADLINE_AT, deadline)
			.set(MICROPAY_ATTEMPT.LAST_POLLED_AT, now)
			.onDuplicateKeyIgnore()
			.execute();
	}

	void polled(String accountId, String outTradeNo, Instant now) {
		dsl.update(MICROPAY_ATTEMPT)
			.set(MICROPAY_ATTEMPT.LAST_POLLED_AT, now)
			.set(MICROPAY_ATTEMPT.POLLS, MICROPAY_ATTEMPT.POLLS.plus(1))
			.where(MICROPAY_ATTEMPT.ACCOUNT_ID.eq(accountId), MICROPAY_ATTEMPT.OUT_TRADE_NO.eq(outTradeNo),
					MICROPAY_ATTEMPT.STATE.eq(POLLING))
			.execute();
	}

	void done(String accountId, String outTradeNo, String outcome) {
		dsl.update(MICROPAY_ATTEMPT)
			.set(MICROPAY_ATTEMPT.STATE, DONE)
			.set(MICROPAY_ATTEMPT.OUTCOME, outcome.length() > 512 ? outcome.substring(0, 511) + "…" : outcome)
			.set(MICROPAY_ATTEMPT.VERSION, MICROPAY_ATTEMPT.VERSION.plus(1))
			.where(MICROPAY_ATTEMPT.ACCOUNT_ID.eq(accountId), MICROPAY_ATTEMPT.OUT_TRADE_NO.eq(outTradeNo),
					MICROPAY_ATTEMPT.STATE.eq(POLLING))
			.execute();
	}

	/** Counts a failed reverse and keeps the provider's answer; returns how many reverses failed so far. */
	int reverseFailed(String accountId, String outTradeNo, String lastError) {
		dsl.update(MICROPAY_ATTEMPT)
			.set(MICROPAY_ATTEMPT.REVERSE_ATTEMPTS, MICROPAY_ATTEMPT.REVERSE_ATTEMPTS.plus(1))
			.set(MICROPAY_ATTEMPT.LAST_ERROR, lastError.length() > 255 ? lastError.substring(0, 254) + "…" : lastError)
			.where(MICROPAY_ATTEMPT.ACCOUNT_ID.eq(accountId), MICROPAY_ATTEMPT.OUT_TRADE_NO.eq(outTradeNo),
					MICROPAY_ATTEMPT.STATE.eq(POLLING))
			.execute();
		Integer failed = dsl.select(MICROPAY_ATTEMPT.REVERSE_ATTEMPTS).from(MICROPAY_ATTEMPT)
			.where(MICROPAY_ATTEMPT.ACCOUNT_ID.eq(accountId), MICROPAY_ATTEMPT.OUT_TRADE_NO.eq(outTradeNo))
			.fetchOne(MICROPAY_ATTEMPT.REVERSE_ATTEMPTS);
		return failed == null ? 0 : failed;
	}

	/** POLLING → NEEDS_PERSON (compare-and-set): polling and reversing stop; false when it was settled meanwhile. */
	boolean needsPerson(String accountId, String outTradeNo, String outcome) {
		return dsl.update(MICROPAY_ATTEMPT)
			.set(MICROPAY_ATTEMPT.STATE, NEEDS_PERSON)
			.set(MICROPAY_ATTEMPT.OUTCOME, outcome.length() > 512 ? outcome.substring(0, 511) + "…" : outcome)
			.set(MICROPAY_ATTEMPT.VERSION, MICROPAY_ATTEMPT.VERSION.plus(1))
			.where(MICROPAY_ATTEMPT.ACCOUNT_ID.eq(accountId), MICROPAY_ATTEMPT.OUT_TRADE_NO.eq(outTradeNo),
					MICROPAY_ATTEMPT.STATE.eq(POLLING))
			.execute() == 1;
	}

	/** Attempts still POLLING that nobody polled since {@code quietSince}. */
	public List<Attempt> orphaned(Instant quietSince, int limit) {
		return dsl.selectFrom(MICROPAY_ATTEMPT)
			.where(MICROPAY_ATTEMPT.STATE.eq(POLLING), MICROPAY_ATTEMPT.LAST_POLLED_AT.lt(quietSince))
			.orderBy(MICROPAY_ATTEMPT.ID)
			.limit(limit)
			.fetch(r -> new Attempt(r.getId(), r.getOrderId(), r.getAccountId(), r.getOutTradeNo(), r.getActor(),
					r.getDeadlineAt(), r.getLastPolledAt(), r.getVersion()));
	}

	/** Whether any attempt is orphaned (for the scheduler's work probe): one indexed probe. */
	boolean anyOrphaned(Instant quietSince) {
		return dsl.fetchExists(MICROPAY_ATTEMPT, MICROPAY_ATTEMPT.STATE.eq(POLLING),
				MICROPAY_ATTEMPT.LAST_POLLED_AT.lt(quietSince));
	}

	/** Claims an orphaned attempt for one poll (compare-and-set), so that two nodes never poll it at once. */
	boolean claim(Attempt attempt, Instant now) {
		return dsl.update(MICROPAY_ATTEMPT)
			.set(MICROPAY_ATTEMPT.LAST_POLLED_AT, now)
			.set(MICROPAY_ATTEMPT.VERSION, MICROPAY_ATTEMPT.VERSION.plus(1))
			.where(MICROPAY_ATTEMPT.ID.eq(attempt.id()), MICROPAY_ATTEMPT.VERSION.eq(attempt.version()),
					MICROPAY_ATTEMPT.STATE.eq(POLLING))
			.execute() == 1;
	}

	public String state(long orderId) {
		return dsl.select(MICROPAY_ATTEMPT.STATE).from(MICROPAY_ATTEMPT).where(MICROPAY_ATTEMPT.ORDER_ID.eq(orderId))
			.fetchOne(MICROPAY_ATTEMPT.STATE);
	}
}
