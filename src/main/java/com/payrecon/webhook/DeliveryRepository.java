package com.payrecon.webhook;

import static com.payrecon.db.Tables.WEBHOOK_ATTEMPT;
import static com.payrecon.db.Tables.WEBHOOK_DELIVERY;
import static com.payrecon.db.Tables.WEBHOOK_FANOUT;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.db.tables.records.WebhookDeliveryRecord;
import com.payrecon.outbox.OutboxEvent;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import org.springframework.stereotype.Repository;

/**
 * The only writer of {@code webhook_delivery}, {@code webhook_attempt} and {@code webhook_fanout}. An attempt is
 * claimed with {@code SELECT … FOR UPDATE SKIP LOCKED} and a compare-and-set of its number; only the claimer of
 * attempt n records its outcome (again a compare-and-set on n).
 */
@Repository
class DeliveryRepository {

	private final DSLContext dsl;

	DeliveryRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	// ---- fan-out ---------------------------------------------------------------------------------------------------

	/** Makes sure the account has a fan-out row (own statement, committed at once: no lock kept). */
	void ensureFanout(String accountId) {
		dsl.insertInto(WEBHOOK_FANOUT)
			.set(WEBHOOK_FANOUT.ACCOUNT_ID, accountId)
			.set(WEBHOOK_FANOUT.LAST_SEQ, 0L)
			.onDuplicateKeyIgnore()
			.execute();
	}

	/** How far the fan-out got, by account. */
	Map<String, Long> fanoutPositions() {
		Map<String, Long> positions = new LinkedHashMap<>();
		dsl.select(WEBHOOK_FANOUT.ACCOUNT_ID, WEBHOOK_FANOUT.LAST_SEQ)
			.from(WEBHOOK_FANOUT)
			.forEach(r -> positions.put(r.value1(), r.value2()));
		return positions;
	}

	/** The account's fan-out position, locked; empty when another node holds it (skipped, not waited for). */
	Optional<Long> lockFanout(String accountId) {
		return dsl.select(WEBHOOK_FANOUT.LAST_SEQ)
			.from(WEBHOOK_FANOUT)
			.where(WEBHOOK_FANOUT.ACCOUNT_ID.eq(accountId))
			.forUpdate()
			.skipLocked()
			.fetchOptional(WEBHOOK_FANOUT.LAST_SEQ);
	}

	void moveFanout(String accountId, long lastSeq) {
		dsl.update(WEBHOOK_FANOUT)
			.set(WEBHOOK_FANOUT.LAST_SEQ, lastSeq)
			.set(WEBHOOK_FANOUT.VERSION, WEBHOOK_FANOUT.VERSION.plus(1))
			.where(WEBHOOK_FANOUT.ACCOUNT_ID.eq(accountId))
			.execute();
	}

	/** A PENDING delivery per (endpoint, event); an existing one is left as it is. */
	int insertPending(Collection<Long> endpointIds, OutboxEvent event, Instant now) {
		if (endpointIds.isEmpty()) {
			return 0;
		}
		var insert = dsl.insertInto(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.ENDPOINT_ID, WEBHOOK_DELIVERY.EVENT_ID,
				WEBHOOK_DELIVERY.ACCOUNT_ID, WEBHOOK_DELIVERY.ORDER_ID, WEBHOOK_DELIVERY.STATUS,
				WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, WEBHOOK_DELIVERY.CREATED_AT, WEBHOOK_DELIVERY.UPDATED_AT);
		for (long endpointId : endpointIds) {
			insert = insert.values(endpointId, event.id(), event.accountId(), event.orderId(),
					DeliveryStatus.PENDING.name(), now, now, now);
		}
		return insert.onDuplicateKeyIgnore().execute();
	}

	// ---- claiming ---------------------------------------------------------------------------------------------------

	/**
	 * Due PENDING deliveries of these endpoints, locked, skipping rows other nodes hold; never one whose order has an
	 * earlier PENDING delivery to the same endpoint (still being retried, or in flight): per endpoint, the events of
	 * one order go out one at a time, in order.
	 */
	List<Delivery> lockDue(Collection<Long> endpointIds, Instant now, int limit) {
		if (endpointIds.isEmpty()) {
			return List.of();
		}
		var d = WEBHOOK_DELIVERY.as("d");
		var earlier = WEBHOOK_DELIVERY.as("e");
		return dsl.selectFrom(d)
			.where(d.STATUS.eq(DeliveryStatus.PENDING.name()), d.NEXT_ATTEMPT_AT.le(now), d.ENDPOINT_ID.in(endpointIds),
					DSL.notExists(DSL.selectOne()
						.from(earlier)
						.where(earlier.ENDPOINT_ID.eq(d.ENDPOINT_ID), earlier.ORDER_ID.eq(d.ORDER_ID),
								earlier.EVENT_ID.lt(d.EVENT_ID), earlier.STATUS.eq(DeliveryStatus.PENDING.name()))))
			.orderBy(d.NEXT_ATTEMPT_AT, d.ID)
			.limit(limit)
			.forUpdate()
			.skipLocked()
			.fetch(r -> toDelivery(r.into(WEBHOOK_DELIVERY)));
	}

	/** Attempt {@code attempts + 1} is this node's until {@code leaseEnd} (then another node may take it over). */
	boolean claim(Delivery d, String node, Instant now, Instant leaseEnd) {
		return dsl.update(WEBHOOK_DELIVERY)
			.set(WEBHOOK_DELIVERY.ATTEMPTS, d.attempts() + 1)
			.set(WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, leaseEnd)
			.set(WEBHOOK_DELIVERY.LEASED_BY, node)
			.set(WEBHOOK_DELIVERY.LAST_ATTEMPT_AT, now)
			.set(WEBHOOK_DELIVERY.UPDATED_AT, now)
			.set(WEBHOOK_DELIVERY.VERSION, WEBHOOK_DELIVERY.VERSION.plus(1))
			.where(WEBHOOK_DELIVERY.ID.eq(d.id()), WEBHOOK_DELIVERY.ATTEMPTS.eq(d.attempts()),
					WEBHOOK_DELIVERY.STATUS.eq(DeliveryStatus.PENDING.name()))
			.execute() == 1;
	}

	/**
	 * The outcome of attempt {@code attempt}: only while it is still the delivery's last attempt (its lease may have
	 * run out and another node taken the next one). {@code to} PENDING: retried at {@code nextAttemptAt}.
	 */
	boolean settle(long deliveryId, int attempt, DeliveryStatus to, Instant nextAttemptAt, Integer httpStatus,
			AttemptOutcome outcome, Instant now) {
		return dsl.update(WEBHOOK_DELIVERY)
			.set(WEBHOOK_DELIVERY.STATUS, to.name())
			.set(WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, nextAttemptAt)
			.set(WEBHOOK_DELIVERY.LAST_STATUS, httpStatus)
			.set(WEBHOOK_DELIVERY.LAST_OUTCOME, outcome.name())
			.setNull(WEBHOOK_DELIVERY.LEASED_BY)
			.set(WEBHOOK_DELIVERY.DELIVERED_AT, to == DeliveryStatus.DELIVERED ? now : null)
			.set(WEBHOOK_DELIVERY.UPDATED_AT, now)
			.set(WEBHOOK_DELIVERY.VERSION, WEBHOOK_DELIVERY.VERSION.plus(1))
			.where(WEBHOOK_DELIVERY.ID.eq(deliveryId), WEBHOOK_DELIVERY.ATTEMPTS.eq(attempt),
					WEBHOOK_DELIVERY.STATUS.eq(DeliveryStatus.PENDING.name()))
			.execute() == 1;
	}

	void insertAttempt(long deliveryId, int attempt, String node, boolean manual, Instant startedAt,
			WebhookSender.Result result) {
		dsl.insertInto(WEBHOOK_ATTEMPT)
			.set(WEBHOOK_ATTEMPT.DELIVERY_ID, deliveryId)
			.set(WEBHOOK_ATTEMPT.ATTEMPT_NO, attempt)
			.set(WEBHOOK_ATTEMPT.NODE, node)
			.set(WEBHOOK_ATTEMPT.MANUAL, manual)
			.set(WEBHOOK_ATTEMPT.STARTED_AT, startedAt)
			.set(WEBHOOK_ATTEMPT.DURATION_MS, result.millis())
			.set(WEBHOOK_ATTEMPT.HTTP_STATUS, result.status())
			.set(WEBHOOK_ATTEMPT.OUTCOME, result.outcome().name())
			.set(WEBHOOK_ATTEMPT.RESPONSE_EXCERPT, result.excerpt())
			.set(WEBHOOK_ATTEMPT.ERROR, result.error())
			.execute();
	}

	// ---- redelivery -------------------------------------------------------------------------------------------------

	Optional<Delivery> find(long endpointId, long eventId) {
		return dsl.selectFrom(WEBHOOK_DELIVERY)
			.where(WEBHOOK_DELIVERY.ENDPOINT_ID.eq(endpointId), WEBHOOK_DELIVERY.EVENT_ID.eq(eventId))
			.fetchOptional(DeliveryRepository::toDelivery);
	}

	Optional<Delivery> lock(long deliveryId) {
		return dsl.selectFrom(WEBHOOK_DELIVERY)
			.where(WEBHOOK_DELIVERY.ID.eq(deliveryId))
			.forUpdate()
			.fetchOptional(DeliveryRepository::toDelivery);
	}

	/** A new round for a settled delivery (DELIVERED or FAILED → PENDING), or "now" for a PENDING one. */
	boolean redeliver(Delivery d, Instant now) {
		var update = dsl.update(WEBHOOK_DELIVERY)
			.set(WEBHOOK_DELIVERY.STATUS, DeliveryStatus.PENDING.name())
			.set(WEBHOOK_DELIVERY.MANUAL, true)
			.set(WEBHOOK_DELIVERY.UPDATED_AT, now)
			.set(WEBHOOK_DELIVERY.VERSION, WEBHOOK_DELIVERY.VERSION.plus(1));
		if (d.status() != DeliveryStatus.PENDING) {
			update = update.set(WEBHOOK_DELIVERY.ROUND_START, d.attempts())
				.set(WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, now)
				.setNull(WEBHOOK_DELIVERY.DELIVERED_AT);
		}
		else if (d.leasedBy() == null) { // waiting for its next retry: now instead (one in flight keeps its lease)
			update = update.set(WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, now);
		}
		return update.where(WEBHOOK_DELIVERY.ID.eq(d.id()), WEBHOOK_DELIVERY.VERSION.eq(d.version())).execute() == 1;
	}

	/** A manual delivery of an event the endpoint never got (it was disabled, or created later). */
	boolean insertManual(long endpointId, OutboxEvent event, Instant now) {
		return dsl.insertInto(WEBHOOK_DELIVERY)
			.set(WEBHOOK_DELIVERY.ENDPOINT_ID, endpointId)
			.set(WEBHOOK_DELIVERY.EVENT_ID, event.id())
			.set(WEBHOOK_DELIVERY.ACCOUNT_ID, event.accountId())
			.set(WEBHOOK_DELIVERY.ORDER_ID, event.orderId())
			.set(WEBHOOK_DELIVERY.STATUS, DeliveryStatus.PENDING.name())
			.set(WEBHOOK_DELIVERY.MANUAL, true)
			.set(WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, now)
			.set(WEBHOOK_DELIVERY.CREATED_AT, now)
			.set(WEBHOOK_DELIVERY.UPDATED_AT, now)
			.onDuplicateKeyIgnore()
			.execute() == 1;
	}

	// ---- reads for the deliverer and gauges ------------------------------------------------------------------------

	/** Per endpoint: the oldest event (outbox row id) it has a PENDING delivery of. */
	Map<Long, Long> oldestPending() {
		Map<Long, Long> oldest = new LinkedHashMap<>();
		dsl.select(WEBHOOK_DELIVERY.ENDPOINT_ID, DSL.min(WEBHOOK_DELIVERY.EVENT_ID))
			.from(WEBHOOK_DELIVERY)
			.where(WEBHOOK_DELIVERY.STATUS.eq(DeliveryStatus.PENDING.name()))
			.groupBy(WEBHOOK_DELIVERY.ENDPOINT_ID)
			.forEach(r -> oldest.put(r.value1(), r.value2()));
		return oldest;
	}

	// ---- reads for the console ------------------------------------------------------------------------------------

	/** The endpoint's deliveries, newest event first, at most {@code limit}. */
	List<Delivery> recent(long endpointId, int limit) {
		return dsl.selectFrom(WEBHOOK_DELIVERY)
			.where(WEBHOOK_DELIVERY.ENDPOINT_ID.eq(endpointId))
			.orderBy(WEBHOOK_DELIVERY.EVENT_ID.desc())
			.limit(limit)
			.fetch(DeliveryRepository::toDelivery);
	}

	/** Every attempt of a delivery, first first. */
	List<Attempt> attempts(long deliveryId) {
		return dsl.selectFrom(WEBHOOK_ATTEMPT)
			.where(WEBHOOK_ATTEMPT.DELIVERY_ID.eq(deliveryId))
			.orderBy(WEBHOOK_ATTEMPT.ATTEMPT_NO)
			.fetch(r -> new Attempt(r.getAttemptNo(), r.getNode(), r.getManual(), r.getStartedAt(), r.getDurationMs(),
					r.getHttpStatus(), r.getOutcome(), r.getResponseExcerpt(), r.getError()));
	}

	static Delivery toDelivery(WebhookDeliveryRecord r) {
		return new Delivery(r.getId(), r.getEndpointId(), r.getEventId(), r.getAccountId(), r.getOrderId(),
				DeliveryStatus.valueOf(r.getStatus()), r.getAttempts(), r.getRoundStart(), r.getManual(),
				r.getNextAttemptAt(), r.getLastAttemptAt(), r.getLastStatus(), r.getLastOutcome(), r.getLeasedBy(),
				r.getDeliveredAt(), r.getCreatedAt(), r.getVersion());
	}
}
