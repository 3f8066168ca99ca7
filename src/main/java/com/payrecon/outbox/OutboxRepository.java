package com.payrecon.outbox;

import static com.payrecon.db.Tables.EVENT_SEQUENCE;
import static com.payrecon.db.Tables.OUTBOX_EVENT;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.db.tables.records.OutboxEventRecord;
import com.payrecon.support.db.HotStatement;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.impl.DSL;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Repository;

/**
 * The only writer of {@code outbox_event} and {@code event_sequence}. Numbers come from the account's
 * {@code event_sequence} row, incremented with {@code LAST_INSERT_ID(expr)} (one statement, the row stays locked
 * to the end of the transaction): no gap, no number twice, numbers in commit order.
 */
@Repository
public class OutboxRepository {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final DSLContext dsl;

	/** The two writes of every event, rendered once (HotStatement, issue 17). */
	private final HotStatement allocate;
	private final HotStatement insert;

	OutboxRepository(DSLContext dsl) {
		this.dsl = dsl;
		this.allocate = HotStatement.of(dsl, dsl.update(EVENT_SEQUENCE)
			.set(EVENT_SEQUENCE.LAST_SEQ, DSL.field("LAST_INSERT_ID({0})", Long.class,
					EVENT_SEQUENCE.LAST_SEQ.plus(HotStatement.at(0, EVENT_SEQUENCE.LAST_SEQ))))
			.where(EVENT_SEQUENCE.ACCOUNT_ID.eq(HotStatement.at(1, EVENT_SEQUENCE.ACCOUNT_ID))));
		this.insert = HotStatement.insert(dsl, OUTBOX_EVENT, OUTBOX_EVENT.EVENT_ID, OUTBOX_EVENT.ACCOUNT_ID,
				OUTBOX_EVENT.SEQ, OUTBOX_EVENT.EVENT_TYPE, OUTBOX_EVENT.ORDER_ID, OUTBOX_EVENT.ORDER_EVENT_ID,
				OUTBOX_EVENT.OUT_TRADE_NO, OUTBOX_EVENT.REFUND_ID, OUTBOX_EVENT.CAUSE, OUTBOX_EVENT.OCCURRED_AT,
				OUTBOX_EVENT.BODY);
	}

	/**
	 * Takes {@code count} numbers of the account's sequence in the current transaction and returns the first; the
	 * account's counter row stays locked until the transaction ends.
	 */
	long allocate(String accountId, int count) {
		// LAST_INSERT_ID(expr) puts the new number into the update's OK packet, which the driver hands out as the key,
		// so no SELECT LAST_INSERT_ID() follows (a round trip fewer on every payment, issue 17). Inside the caller's
		// transaction: jOOQ's connection provider gives its connection.
		Long updated = allocate.executeForKey((long) count, accountId);
		if (updated != null) {
			return updated - count + 1;
		}
		// the account's first event (or a concurrent first: then the update clause runs)
		// plain template: jOOQ's MYSQL rendering of ON DUPLICATE KEY UPDATE adds "AS excluded", which MariaDB refuses
		dsl.execute("insert into {0} ({1}, {2}) values ({3}, last_insert_id({4})) "
				+ "on duplicate key update {2} = last_insert_id({2} + {4})", EVENT_SEQUENCE,
				EVENT_SEQUENCE.ACCOUNT_ID.getUnqualifiedName(), EVENT_SEQUENCE.LAST_SEQ.getUnqualifiedName(),
				DSL.val(accountId), DSL.val((long) count));
		long last = dsl.select(DSL.field("LAST_INSERT_ID()", Long.class)).fetchSingle().value1();
		return last - count + 1;
	}

	/** One event, numbered {@code seq}, with its body rendered here. Returns the stored event. */
	OutboxEvent insert(NewEvent event, String eventId, long seq) {
		String body = body(event, eventId, seq);
		long id = insert.executeForKey(eventId, event.accountId(), seq, event.type().wireName(), event.orderId(),
				event.orderEventId(), event.outTradeNo(), event.refundId(), event.cause().wireName(), event.occurredAt(), body);
		return new OutboxEvent(id, eventId, event.accountId(), seq, event.type().wireName(), event.orderId(),
				event.outTradeNo(), event.refundId(), event.cause().wireName(), event.occurredAt(), body);
	}

	/**
	 * The JSON body: Standard Webhooks' {@code type}, {@code timestamp} (when it happened) and {@code data}, with the
	 * event's {@code id}, {@code account} and {@code sequence} beside them.
	 */
	static String body(NewEvent event, String eventId, long seq) {
		Map<String, Object> cause = new LinkedHashMap<>();
		cause.put("type", event.cause().wireName());
		if (event.trigger() != null) {
			cause.put("trigger", event.trigger());
		}
		Map<String, Object> data = new LinkedHashMap<>(event.data());
		data.put("cause", cause);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", eventId);
		body.put("type", event.type().wireName());
		body.put("timestamp", event.occurredAt().toString());
		body.put("account", event.accountId());
		body.put("sequence", seq);
		body.put("data", data);
		return JSON.writeValueAsString(body);
	}

	// ---- reads ----------------------------------------------------------------------------------------------------

	public Optional<OutboxEvent> find(long id) {
		return dsl.selectFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.ID.eq(id)).fetchOptional(OutboxRepository::toEvent);
	}

	/** These events (by row id), in no particular order; ids not found are left out. */
	public List<OutboxEvent> findAll(Collection<Long> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return dsl.selectFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.ID.in(ids)).fetch(OutboxRepository::toEvent);
	}

	public Optional<OutboxEvent> findByEventId(String eventId) {
		return dsl.selectFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchOptional(OutboxRepository::toEvent);
	}

	/**
	 * The account's events after {@code afterSeq}, in sequence order, up to the first number not visible yet. Committed
	 * numbers have no gap (a rollback gives its number back, events are never deleted), and the counter's row lock
	 * orders the commits; but InnoDB can make a transaction's rows visible to a new read a moment after the next
	 * transaction of the account, which took the lock when the first released it, is visible already (seen once in
	 * {@code OutboxIT}'s concurrent writers: "after 114 came 117"). A reader that moves its position to the last event
	 * it got (the webhook fan-out, the event feed) would then skip the late ones for good; it gets only the numbers
	 * without a gap, and the rest on its next read.
	 */
	public List<OutboxEvent> after(String accountId, long afterSeq, int limit) {
		return withoutGap(dsl.selectFrom(OUTBOX_EVENT)
			.where(OUTBOX_EVENT.ACCOUNT_ID.eq(accountId), OUTBOX_EVENT.SEQ.gt(afterSeq))
			.orderBy(OUTBOX_EVENT.SEQ)
			.limit(limit)
			.fetch(OutboxRepository::toEvent), afterSeq);
	}

	/** The events numbered {@code afterSeq + 1, afterSeq + 2, …} at the head of {@code events} (in sequence order). */
	static List<OutboxEvent> withoutGap(List<OutboxEvent> events, long afterSeq) {
		int n = 0;
		while (n < events.size() && events.get(n).seq() == afterSeq + 1 + n) {
			n++;
		}
		return n == events.size() ? events : List.copyOf(events.subList(0, n));
	}

	/** The last number taken in each of these accounts (0 when none). */
	public Map<String, Long> lastSeq(Collection<String> accounts) {
		Map<String, Long> last = new LinkedHashMap<>();
		accounts.forEach(a -> last.put(a, 0L));
		dsl.select(EVENT_SEQUENCE.ACCOUNT_ID, EVENT_SEQUENCE.LAST_SEQ)
			.from(EVENT_SEQUENCE)
			.where(EVENT_SEQUENCE.ACCOUNT_ID.in(accounts))
			.forEach(r -> last.put(r.value1(), r.value2()));
		return last;
	}

	/** Every account with events and its last number. */
	public Map<String, Long> lastSeqOfAll() {
		Map<String, Long> last = new LinkedHashMap<>();
		dsl.select(EVENT_SEQUENCE.ACCOUNT_ID, EVENT_SEQUENCE.LAST_SEQ)
			.from(EVENT_SEQUENCE)
			.orderBy(EVENT_SEQUENCE.ACCOUNT_ID)
			.forEach(r -> last.put(r.value1(), r.value2()));
		return last;
	}

	/** When the account's event number {@code seq} happened (empty: no such event yet). */
	public Optional<java.time.Instant> occurredAt(String accountId, long seq) {
		return dsl.select(OUTBOX_EVENT.OCCURRED_AT)
			.from(OUTBOX_EVENT)
			.where(OUTBOX_EVENT.ACCOUNT_ID.eq(accountId), OUTBOX_EVENT.SEQ.eq(seq))
			.fetchOptional(OUTBOX_EVENT.OCCURRED_AT);
	}

	/** The events of an order, oldest first. */
	public List<OutboxEvent> ofOrder(long orderId) {
		return dsl.selectFrom(OUTBOX_EVENT)
			.where(OUTBOX_EVENT.ORDER_ID.eq(orderId))
			.orderBy(OUTBOX_EVENT.ID)
			.fetch(OutboxRepository::toEvent);
	}

	/** The highest row id so far (0 when none): a new webhook endpoint gets the events after it. */
	public long maxId() {
		Long max = dsl.select(DSL.max(OUTBOX_EVENT.ID)).from(OUTBOX_EVENT).fetchSingle().value1();
		return max == null ? 0 : max;
	}

	/** Events of the given accounts that occurred in [from, to), by row id, at most {@code limit}. */
	public List<OutboxEvent> between(Collection<String> accounts, java.time.Instant from, java.time.Instant to, int limit) {
		return dsl.selectFrom(OUTBOX_EVENT)
			.where(OUTBOX_EVENT.OCCURRED_AT.ge(from), OUTBOX_EVENT.OCCURRED_AT.lt(to),
					accounts.isEmpty() ? DSL.noCondition() : OUTBOX_EVENT.ACCOUNT_ID.in(accounts))
			.orderBy(OUTBOX_EVENT.ID)
			.limit(limit)
			.fetch(OutboxRepository::toEvent);
	}

	static OutboxEvent toEvent(OutboxEventRecord r) {
		return new OutboxEvent(r.getId(), r.getEventId(), r.getAccountId(), r.getSeq(), r.getEventType(), r.getOrderId(),
				r.getOutTradeNo(), r.getRefundId(), r.getCause(), r.getOccurredAt(), r.getBody());
	}
}
