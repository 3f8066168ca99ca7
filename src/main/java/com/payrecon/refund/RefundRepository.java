package com.payrecon.refund;

import static com.payrecon.db.Tables.REFUND;
import static com.payrecon.db.Tables.REFUND_EVENT;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.db.tables.records.RefundEventRecord;
import com.payrecon.db.tables.records.RefundRecord;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.support.money.Fen;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import org.springframework.stereotype.Repository;

/**
 * Refunds and their events: the only writer of refund rows (RefundStateWritersTests). Status writes are
 * compare-and-set on status and version: 0 rows means another writer got there first.
 */
@Repository
public class RefundRepository {

	private final DSLContext dsl;

	RefundRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	public Optional<Refund> find(String accountId, String outRefundNo) {
		return dsl.selectFrom(REFUND)
			.where(REFUND.ACCOUNT_ID.eq(accountId), REFUND.OUT_REFUND_NO.eq(outRefundNo))
			.fetchOptional(RefundRepository::toRefund);
	}

	public Optional<Refund> findById(long id) {
		return dsl.selectFrom(REFUND).where(REFUND.ID.eq(id)).fetchOptional(RefundRepository::toRefund);
	}

	/** The refunds of an order, oldest first. */
	public List<Refund> forOrder(long orderId) {
		return dsl.selectFrom(REFUND).where(REFUND.ORDER_ID.eq(orderId)).orderBy(REFUND.ID).fetch(RefundRepository::toRefund);
	}

	// What RefundService decides on under the order's lock is read with locking reads (FOR UPDATE): under MariaDB's
	// REPEATABLE READ a plain SELECT answers from the snapshot of the transaction's first read, which misses the
	// refunds that the order lock's previous holder committed meanwhile (RefundConcurrencyIT: 20 racing refunds of a
	// tenth each were all accepted on an order until these reads locked).

	/** {@code SELECT … FOR UPDATE}: call inside a transaction, after locking the refund's order. */
	Optional<Refund> lock(long id) {
		return dsl.selectFrom(REFUND).where(REFUND.ID.eq(id)).forUpdate().fetchOptional(RefundRepository::toRefund);
	}

	/** The refund with this number as last committed, locked; after locking the order it would belong to. */
	Optional<Refund> lock(String accountId, String outRefundNo) {
		return dsl.selectFrom(REFUND)
			.where(REFUND.ACCOUNT_ID.eq(accountId), REFUND.OUT_REFUND_NO.eq(outRefundNo))
			.forUpdate()
			.fetchOptional(RefundRepository::toRefund);
	}

	/** The refund with the provider's id as last committed, locked; after locking its order. */
	Optional<Refund> lockByProviderId(String accountId, String providerRefundId) {
		return dsl.selectFrom(REFUND)
			.where(REFUND.ACCOUNT_ID.eq(accountId), REFUND.PROVIDER_REFUND_ID.eq(providerRefundId))
			.orderBy(REFUND.ID)
			.limit(1)
			.forUpdate()
			.fetchOptional(RefundRepository::toRefund);
	}

	/** Sum of the order's refunds that hold their amount (every status but CLOSED); a locking read. */
	Fen held(long orderId) {
		return lockedSum(REFUND.ORDER_ID.eq(orderId).and(REFUND.STATUS.ne(RefundStatus.CLOSED.name())));
	}

	/** Sum of the order's SUCCESS refunds: the order's refunded amount; a locking read. */
	Fen succeeded(long orderId) {
		return lockedSum(REFUND.ORDER_ID.eq(orderId).and(REFUND.STATUS.eq(RefundStatus.SUCCESS.name())));
	}

	private Fen lockedSum(Condition condition) {
		BigDecimal sum = dsl.select(DSL.coalesce(DSL.sum(REFUND.AMOUNT_MINOR), DSL.inline(BigDecimal.ZERO)))
			.from(REFUND)
			.where(condition)
			.forUpdate()
			.fetchOne(0, BigDecimal.class);
		return Fen.of(sum.longValueExact());
	}

	/** A new refund as decided by {@link RefundService}. */
	record NewRefund(String accountId, long orderId, String outTradeNo, String outRefundNo, Fen amount, String currency,
			String reason, RefundStatus status, RefundSource source, String providerRefundId, String requestedBy,
			boolean approvalRequired, Instant succeededAt, String providerStatus) {
	}

	/** Inserts a refund; empty when the account has that out_refund_no already. */
	Optional<Refund> insertIfAbsent(NewRefund r, Instant now) {
		int inserted = dsl.insertInto(REFUND)
			.set(REFUND.ACCOUNT_ID, r.accountId())
			.set(REFUND.ORDER_ID, r.orderId())
			.set(REFUND.OUT_TRADE_NO, r.outTradeNo())
			.set(REFUND.OUT_REFUND_NO, r.outRefundNo())
			.set(REFUND.AMOUNT_MINOR, r.amount().value())
			.set(REFUND.CURRENCY, r.currency())
			.set(REFUND.REASON, truncate(r.reason(), 256))
			.set(REFUND.STATUS, r.status().name())
			.set(REFUND.SOURCE, r.source().name())
			.set(REFUND.PROVIDER_REFUND_ID, r.providerRefundId())
			.set(REFUND.REQUESTED_BY, truncate(r.requestedBy(), 128))
			.set(REFUND.APPROVAL_REQUIRED, r.approvalRequired())
			.set(REFUND.SUCCEEDED_AT, r.succeededAt())
			.set(REFUND.FINISHED_AT, r.status().isFinal() ? now : null)
			.set(REFUND.PROVIDER_STATUS, truncate(r.providerStatus(), 64))
			.set(REFUND.CREATED_AT, now)
			.set(REFUND.UPDATED_AT, now)
			.onDuplicateKeyIgnore()
			.execute();
		return inserted == 1 ? lock(r.accountId(), r.outRefundNo()) : Optional.empty();
	}

	/** {@code from} → {@code to}, with what the provider said; compare-and-set. */
	boolean moveStatus(Refund refund, RefundStatus to, String providerRefundId, String providerStatus,
			Instant succeededAt, Instant now) {
		return dsl.update(REFUND)
			.set(REFUND.STATUS, to.name())
			.set(REFUND.PROVIDER_REFUND_ID, providerRefundId != null ? providerRefundId : refund.providerRefundId())
			.set(REFUND.PROVIDER_STATUS, providerStatus != null ? truncate(providerStatus, 64) : refund.providerStatus())
			.set(REFUND.SUCCEEDED_AT, to == RefundStatus.SUCCESS ? (succeededAt != null ? succeededAt : now) : null)
			.set(REFUND.FINISHED_AT, to.isFinal() ? now : null)
			.set(REFUND.NEXT_CHECK_AT, to.awaitsProvider() ? refund.nextCheckAt() : null)
			.set(REFUND.UPDATED_AT, now)
			.set(REFUND.VERSION, REFUND.VERSION.plus(1))
			.where(REFUND.ID.eq(refund.id()), REFUND.STATUS.eq(refund.status().name()), REFUND.VERSION.eq(refund.version()))
			.execute() == 1;
	}

	/** REQUESTED → PROCESSING, or PROCESSING again with one more request: counts the request first. */
	boolean markSubmitted(Refund refund, Instant nextCheckAt, Instant now) {
		return dsl.update(REFUND)
			.set(REFUND.STATUS, RefundStatus.PROCESSING.name())
			.set(REFUND.SUBMIT_COUNT, REFUND.SUBMIT_COUNT.plus(1))
			.set(REFUND.SUBMITTED_AT, now)
			.set(REFUND.NEXT_CHECK_AT, nextCheckAt)
			.set(REFUND.UPDATED_AT, now)
			.set(REFUND.VERSION, REFUND.VERSION.plus(1))
			.where(REFUND.ID.eq(refund.id()), REFUND.STATUS.eq(refund.status().name()), REFUND.VERSION.eq(refund.version()),
					REFUND.SUBMIT_COUNT.eq(refund.submitCount()))
			.execute() == 1;
	}

	boolean approve(Refund refund, String approver, Instant now) {
		return dsl.update(REFUND)
			.set(REFUND.APPROVED_BY, truncate(approver, 128))
			.set(REFUND.APPROVED_AT, now)
			.set(REFUND.UPDATED_AT, now)
			.set(REFUND.VERSION, REFUND.VERSION.plus(1))
			.where(REFUND.ID.eq(refund.id()), REFUND.STATUS.eq(RefundStatus.REQUESTED.name()),
					REFUND.APPROVED_BY.isNull(), REFUND.VERSION.eq(refund.version()))
			.execute() == 1;
	}

	/** The provider's refund id (and word), when it names them without the state changing. */
	boolean noteProvider(Refund refund, String providerRefundId, String providerStatus, Instant now) {
		return dsl.update(REFUND)
			.set(REFUND.PROVIDER_REFUND_ID, providerRefundId != null ? providerRefundId : refund.providerRefundId())
			.set(REFUND.PROVIDER_STATUS, providerStatus != null ? truncate(providerStatus, 64) : refund.providerStatus())
			.set(REFUND.UPDATED_AT, now)
			.set(REFUND.VERSION, REFUND.VERSION.plus(1))
			.where(REFUND.ID.eq(refund.id()), REFUND.VERSION.eq(refund.version()))
			.execute() == 1;
	}

	boolean flagForReview(Refund refund, String reason, Instant now) {
		return dsl.update(REFUND)
			.set(REFUND.NEEDS_REVIEW, true)
			.set(REFUND.REVIEW_REASON, truncate(reason, 512))
			.set(REFUND.UPDATED_AT, now)
			.set(REFUND.VERSION, REFUND.VERSION.plus(1))
			.where(REFUND.ID.eq(refund.id()), REFUND.VERSION.eq(refund.version()))
			.execute() == 1;
	}

	/** After a question to the provider: count it and set when the refund is due next (null: never again). */
	void scheduleNextCheck(long refundId, Instant nextCheckAt) {
		dsl.update(REFUND)
			.set(REFUND.NEXT_CHECK_AT, nextCheckAt)
			.set(REFUND.CHECK_COUNT, REFUND.CHECK_COUNT.plus(1))
			.where(REFUND.ID.eq(refundId))
			.execute();
	}

	void appendEvent(long refundId, String eventType, RefundStatus from, RefundStatus to, Cause cause, String details,
			Instant now) {
		dsl.insertInto(REFUND_EVENT)
			.set(REFUND_EVENT.REFUND_ID, refundId)
			.set(REFUND_EVENT.EVENT_TYPE, eventType)
			.set(REFUND_EVENT.FROM_STATUS, from == null ? null : from.name())
			.set(REFUND_EVENT.TO_STATUS, to == null ? null : to.name())
			.set(REFUND_EVENT.SOURCE, cause.source().name())
			.set(REFUND_EVENT.ACTOR, truncate(cause.actor(), 128))
			.set(REFUND_EVENT.RAW_NOTIFICATION_ID, cause.rawNotificationId())
			.set(REFUND_EVENT.REASON, truncate(cause.reason(), 512))
			.set(REFUND_EVENT.DETAILS, details)
			.set(REFUND_EVENT.CREATED_AT, now)
			.execute();
	}

	public List<RefundEvent> events(long refundId) {
		return dsl.selectFrom(REFUND_EVENT)
			.where(REFUND_EVENT.REFUND_ID.eq(refundId))
			.orderBy(REFUND_EVENT.ID)
			.fetch(RefundRepository::toEvent);
	}

	/** The events of all refunds of an order, oldest first (the order's timeline). */
	public List<RefundEvent> eventsOfOrder(long orderId) {
		return dsl.select(REFUND_EVENT.fields())
			.from(REFUND_EVENT)
			.join(REFUND)
			.on(REFUND.ID.eq(REFUND_EVENT.REFUND_ID))
			.where(REFUND.ORDER_ID.eq(orderId))
			.orderBy(REFUND_EVENT.ID)
			.fetch(r -> toEvent(r.into(REFUND_EVENT)));
	}

	/**
	 * Refunds of an account waiting for the provider's word (PROCESSING, ABNORMAL) whose next check is due and that
	 * were last sent before {@code sentBefore}, after the keyset position {@code afterId}.
	 */
	public List<Refund> dueForCheck(String accountId, Instant sentBefore, Instant now, long afterId, int limit) {
		return dsl.selectFrom(REFUND)
			.where(REFUND.ACCOUNT_ID.eq(accountId),
					REFUND.STATUS.in(RefundStatus.PROCESSING.name(), RefundStatus.ABNORMAL.name()),
					REFUND.NEXT_CHECK_AT.isNull().or(REFUND.NEXT_CHECK_AT.le(now)),
					REFUND.SUBMITTED_AT.isNull().or(REFUND.SUBMITTED_AT.le(sentBefore)), REFUND.ID.gt(afterId))
			.orderBy(REFUND.ID)
			.limit(limit)
			.fetch(RefundRepository::toRefund);
	}

	/** Refunds recorded and free to be sent but never sent (a crash between recording and sending). */
	public List<Refund> unsent(String accountId, Instant createdBefore, long afterId, int limit) {
		return dsl.selectFrom(REFUND)
			.where(REFUND.ACCOUNT_ID.eq(accountId), REFUND.STATUS.eq(RefundStatus.REQUESTED.name()),
					REFUND.APPROVAL_REQUIRED.isFalse().or(REFUND.APPROVED_BY.isNotNull()),
					REFUND.CREATED_AT.le(createdBefore), REFUND.ID.gt(afterId))
			.orderBy(REFUND.ID)
			.limit(limit)
			.fetch(RefundRepository::toRefund);
	}

	/** Fen refunded (SUCCESS) since {@code from}, per account of {@code accountIds}. */
	Map<String, Long> succeededSince(Collection<String> accountIds, Instant from) {
		return dsl.select(REFUND.ACCOUNT_ID, DSL.sum(REFUND.AMOUNT_MINOR))
			.from(REFUND)
			.where(REFUND.STATUS.eq(RefundStatus.SUCCESS.name()), REFUND.SUCCEEDED_AT.ge(from), REFUND.ACCOUNT_ID.in(accountIds))
			.groupBy(REFUND.ACCOUNT_ID)
			.fetchMap(REFUND.ACCOUNT_ID, r -> r.value2() == null ? 0L : r.value2().longValueExact());
	}

	static Refund toRefund(RefundRecord r) {
		return new Refund(r.getId(), r.getAccountId(), r.getOrderId(), r.getOutTradeNo(), r.getOutRefundNo(),
				Fen.of(r.getAmountMinor()), r.getCurrency(), r.getReason(), RefundStatus.valueOf(r.getStatus()),
				RefundSource.valueOf(r.getSource()), r.getProviderRefundId(), r.getRequestedBy(), r.getApprovalRequired(),
				r.getApprovedBy(), r.getApprovedAt(), r.getSubmitCount(), r.getSubmittedAt(), r.getSucceededAt(),
				r.getFinishedAt(), r.getProviderStatus(), r.getNextCheckAt(), r.getCheckCount(), r.getNeedsReview(),
				r.getReviewReason(), r.getCreatedAt(), r.getUpdatedAt(), r.getVersion());
	}

	private static RefundEvent toEvent(RefundEventRecord r) {
		return new RefundEvent(r.getId(), r.getRefundId(), r.getEventType(),
				r.getFromStatus() == null ? null : RefundStatus.valueOf(r.getFromStatus()),
				r.getToStatus() == null ? null : RefundStatus.valueOf(r.getToStatus()), EventSource.valueOf(r.getSource()),
				r.getActor(), r.getRawNotificationId(), r.getReason(), r.getDetails(), r.getCreatedAt());
	}

	private static String truncate(String text, int max) {
		return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
	}
}
