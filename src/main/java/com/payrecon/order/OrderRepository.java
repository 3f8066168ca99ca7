package com.payrecon.order;

import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.payrecon.db.tables.records.OrderEventRecord;
import com.payrecon.db.tables.records.PaymentOrderRecord;
import com.payrecon.rollup.DayRollup;
import com.payrecon.support.money.Fen;
import com.payrecon.support.db.HotStatement;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import org.springframework.stereotype.Repository;

/** Orders and their events. Status writes are compare-and-set: 0 rows means another writer got there first. */
@Repository
public class OrderRepository {

	private final DSLContext dsl;

	private final DayRollup rollup;

	/** The statements of every payment, rendered once (HotStatement, issue 17). */
	private final HotStatement markPaid;
	private final HotStatement appendEvent;
	private final HotStatement lockByNumber;

	OrderRepository(DSLContext dsl, DayRollup rollup) {
		this.dsl = dsl;
		this.rollup = rollup;
		this.markPaid = HotStatement.of(dsl, dsl.update(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.STATUS, DSL.inline(OrderStatus.PAID.name()))
			.set(PAYMENT_ORDER.PROVIDER_TXN_ID, HotStatement.at(0, PAYMENT_ORDER.PROVIDER_TXN_ID))
			.set(PAYMENT_ORDER.PAID_AT, HotStatement.at(1, PAYMENT_ORDER.PAID_AT))
			.set(PAYMENT_ORDER.UPDATED_AT, HotStatement.at(2, PAYMENT_ORDER.UPDATED_AT))
			.set(PAYMENT_ORDER.VERSION, PAYMENT_ORDER.VERSION.plus(DSL.inline(1)))
			.where(PAYMENT_ORDER.ID.eq(HotStatement.at(3, PAYMENT_ORDER.ID)),
					PAYMENT_ORDER.STATUS.eq(HotStatement.at(4, PAYMENT_ORDER.STATUS)),
					PAYMENT_ORDER.VERSION.eq(HotStatement.at(5, PAYMENT_ORDER.VERSION))));
		this.lockByNumber = HotStatement.of(dsl, dsl.select(PAYMENT_ORDER.fields())
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(HotStatement.at(0, PAYMENT_ORDER.ACCOUNT_ID)),
					PAYMENT_ORDER.OUT_TRADE_NO.eq(HotStatement.at(1, PAYMENT_ORDER.OUT_TRADE_NO)))
			.forUpdate());
		this.appendEvent = HotStatement.insert(dsl, ORDER_EVENT, ORDER_EVENT.ORDER_ID, ORDER_EVENT.EVENT_TYPE,
				ORDER_EVENT.FROM_STATUS, ORDER_EVENT.TO_STATUS, ORDER_EVENT.SOURCE, ORDER_EVENT.ACTOR,
				ORDER_EVENT.RAW_NOTIFICATION_ID, ORDER_EVENT.REASON, ORDER_EVENT.DETAILS, ORDER_EVENT.CREATED_AT);
	}

	public Optional<PaymentOrder> find(String accountId, String outTradeNo) {
		return dsl.selectFrom(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(accountId), PAYMENT_ORDER.OUT_TRADE_NO.eq(outTradeNo))
			.fetchOptional(OrderRepository::toOrder);
	}

	public Optional<PaymentOrder> findById(long id) {
		return dsl.selectFrom(PAYMENT_ORDER).where(PAYMENT_ORDER.ID.eq(id)).fetchOptional(OrderRepository::toOrder);
	}

	/** {@code SELECT … FOR UPDATE} by id: call inside a transaction. */
	Optional<PaymentOrder> lockForUpdate(long id) {
		return dsl.selectFrom(PAYMENT_ORDER).where(PAYMENT_ORDER.ID.eq(id)).forUpdate().fetchOptional(OrderRepository::toOrder);
	}

	/** {@code SELECT … FOR UPDATE}: call inside a transaction. */
	Optional<PaymentOrder> lockForUpdate(String accountId, String outTradeNo) {
		return lockByNumber.fetch(accountId, outTradeNo)
			.stream()
			.findFirst()
			.map(r -> toOrder(r.into(PAYMENT_ORDER)));
	}

	/** Inserts a new order; returns empty when (account, out_trade_no) exists already. */
	Optional<PaymentOrder> insertIfAbsent(String accountId, String outTradeNo, Fen amount, String currency,
			String description, Instant expiresAt, String createdBy, Instant now) {
		int inserted = dsl.insertInto(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.ACCOUNT_ID, accountId)
			.set(PAYMENT_ORDER.OUT_TRADE_NO, outTradeNo)
			.set(PAYMENT_ORDER.AMOUNT_MINOR, amount.value())
			.set(PAYMENT_ORDER.CURRENCY, currency)
			.set(PAYMENT_ORDER.DESCRIPTION, description)
			.set(PAYMENT_ORDER.STATUS, OrderStatus.PENDING.name())
			.set(PAYMENT_ORDER.EXPIRES_AT, expiresAt)
			.set(PAYMENT_ORDER.CREATED_BY, createdBy)
			.set(PAYMENT_ORDER.CREATED_AT, now)
			.set(PAYMENT_ORDER.UPDATED_AT, now)
			.onDuplicateKeyIgnore()
			.execute();
		return inserted == 1 ? find(accountId, outTradeNo) : Optional.empty();
	}

	/** PENDING → PAID, only if nobody changed the row since it was read. */
	boolean markPaid(PaymentOrder order, ProviderPayment payment, Instant now) {
		return markPaid(order, OrderStatus.PENDING, payment, now);
	}

	/**
	 * The order as {@link #markPaid} left it (no second read): PAID with the payment's transaction and time, updated
	 * {@code now}, the next version. Only after {@code markPaid} returned true, under the row's lock.
	 */
	static PaymentOrder asPaid(PaymentOrder order, ProviderPayment payment, Instant now) {
		return new PaymentOrder(order.id(), order.accountId(), order.outTradeNo(), order.amount(), order.currency(),
				order.description(), OrderStatus.PAID, payment.providerTxnId(), payment.paidAt(), order.expiresAt(),
				order.needsReview(), order.reviewReason(), order.createdBy(), order.createdAt(), now, order.version() + 1,
				order.nextCheckAt(), order.checkCount(), order.refunded());
	}

	/** CLOSED → PAID (a late payment approved by maker-checker), only if nobody changed the row since it was read. */
	boolean reopenPaid(PaymentOrder order, ProviderPayment payment, Instant now) {
		return markPaid(order, OrderStatus.CLOSED, payment, now);
	}

	private boolean markPaid(PaymentOrder order, OrderStatus from, ProviderPayment payment, Instant now) {
		return statusChanged(order, markPaid.execute(payment.providerTxnId(), payment.paidAt(), now, order.id(), from.name(),
				order.version()));
	}

	/** Sets an unknown paid time, only if it is still unknown and nobody changed the row since it was read. */
	boolean setPaidTime(PaymentOrder order, Instant paidAt, Instant now) {
		return dsl.update(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.PAID_AT, paidAt)
			.set(PAYMENT_ORDER.UPDATED_AT, now)
			.set(PAYMENT_ORDER.VERSION, PAYMENT_ORDER.VERSION.plus(1))
			.where(PAYMENT_ORDER.ID.eq(order.id()), PAYMENT_ORDER.PAID_AT.isNull(), PAYMENT_ORDER.VERSION.eq(order.version()))
			.execute() == 1;
	}

	/** Any allowed transition other than payment (close, fail, reverse, refund), compare-and-set. */
	boolean moveStatus(PaymentOrder order, OrderStatus to, Instant now) {
		return statusChanged(order, dsl.update(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.STATUS, to.name())
			.set(PAYMENT_ORDER.UPDATED_AT, now)
			.set(PAYMENT_ORDER.VERSION, PAYMENT_ORDER.VERSION.plus(1))
			.where(PAYMENT_ORDER.ID.eq(order.id()), PAYMENT_ORDER.STATUS.eq(order.status().name()),
					PAYMENT_ORDER.VERSION.eq(order.version()))
			.execute());
	}

	/**
	 * The refunded amount and the status that follows from it, only if nobody changed the row since it was read (the
	 * caller holds its lock).
	 */
	boolean setRefunded(PaymentOrder order, OrderStatus to, Fen refunded, Instant now) {
		int updated = dsl.update(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.STATUS, to.name())
			.set(PAYMENT_ORDER.REFUNDED_MINOR, refunded.value())
			.set(PAYMENT_ORDER.UPDATED_AT, now)
			.set(PAYMENT_ORDER.VERSION, PAYMENT_ORDER.VERSION.plus(1))
			.where(PAYMENT_ORDER.ID.eq(order.id()), PAYMENT_ORDER.STATUS.eq(order.status().name()),
					PAYMENT_ORDER.VERSION.eq(order.version()))
			.execute();
		return to == order.status() ? updated == 1 : statusChanged(order, updated);
	}

	/** After a compare-and-set of the status: the figures of the order's day, if closed, are outdated with it. */
	private boolean statusChanged(PaymentOrder order, int updated) {
		if (updated != 1) {
			return false;
		}
		rollup.rowChanged(order.accountId(), order.createdAt());
		return true;
	}

	boolean flagForReview(PaymentOrder order, String reason, Instant now) {
		return dsl.update(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.NEEDS_REVIEW, true)
			.set(PAYMENT_ORDER.REVIEW_REASON, reason)
			.set(PAYMENT_ORDER.UPDATED_AT, now)
			.set(PAYMENT_ORDER.VERSION, PAYMENT_ORDER.VERSION.plus(1))
			.where(PAYMENT_ORDER.ID.eq(order.id()), PAYMENT_ORDER.VERSION.eq(order.version()))
			.execute() == 1;
	}

	boolean clearReview(PaymentOrder order, Instant now) {
		return dsl.update(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.NEEDS_REVIEW, false)
			.set(PAYMENT_ORDER.REVIEW_REASON, (String) null)
			.set(PAYMENT_ORDER.UPDATED_AT, now)
			.set(PAYMENT_ORDER.VERSION, PAYMENT_ORDER.VERSION.plus(1))
			.where(PAYMENT_ORDER.ID.eq(order.id()), PAYMENT_ORDER.NEEDS_REVIEW.isTrue(),
					PAYMENT_ORDER.VERSION.eq(order.version()))
			.execute() == 1;
	}

	/** Appends a line to the order's history; returns its id. */
	long appendEvent(long orderId, String eventType, OrderStatus from, OrderStatus to, Cause cause, String details,
			Instant now) {
		return appendEvent.executeForKey(orderId, eventType, from == null ? null : from.name(), to == null ? null : to.name(),
				cause.source().name(), truncate(cause.actor(), 128), cause.rawNotificationId(), truncate(cause.reason(), 512),
				details, now);
	}

	/** After a question to the provider: count it and set when the order is due next (null: never again). */
	public void scheduleNextCheck(long orderId, Instant nextCheckAt) {
		dsl.update(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.NEXT_CHECK_AT, nextCheckAt)
			.set(PAYMENT_ORDER.CHECK_COUNT, PAYMENT_ORDER.CHECK_COUNT.plus(1))
			.where(PAYMENT_ORDER.ID.eq(orderId))
			.execute();
	}

	/**
	 * PENDING orders of an account created before {@code createdBefore} whose next check is due, oldest due first,
	 * after the keyset position {@code afterId} (0 to start).
	 */
	public List<PaymentOrder> dueForCheck(String accountId, Instant createdBefore, Instant now, long afterId, int limit) {
		return dsl.selectFrom(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(accountId), PAYMENT_ORDER.STATUS.eq(OrderStatus.PENDING.name()),
					PAYMENT_ORDER.CREATED_AT.le(createdBefore),
					PAYMENT_ORDER.NEXT_CHECK_AT.isNull().or(PAYMENT_ORDER.NEXT_CHECK_AT.le(now)),
					PAYMENT_ORDER.ID.gt(afterId))
			.orderBy(PAYMENT_ORDER.ID)
			.limit(limit)
			.fetch(OrderRepository::toOrder);
	}

	/** Whether any PENDING order of these accounts (empty: all) is due for a check: one indexed probe, no rows read. */
	public boolean anyDueForCheck(java.util.Collection<String> accountIds, Instant createdBefore, Instant now) {
		var due = PAYMENT_ORDER.STATUS.eq(OrderStatus.PENDING.name())
			.and(PAYMENT_ORDER.NEXT_CHECK_AT.isNull().or(PAYMENT_ORDER.NEXT_CHECK_AT.le(now)))
			.and(PAYMENT_ORDER.CREATED_AT.le(createdBefore));
		if (!accountIds.isEmpty()) {
			due = due.and(PAYMENT_ORDER.ACCOUNT_ID.in(accountIds));
		}
		return dsl.fetchExists(PAYMENT_ORDER, due);
	}

	public int checkCount(long orderId) {
		return dsl.select(PAYMENT_ORDER.CHECK_COUNT).from(PAYMENT_ORDER).where(PAYMENT_ORDER.ID.eq(orderId)).fetchOne(PAYMENT_ORDER.CHECK_COUNT);
	}

	public List<OrderEvent> events(long orderId) {
		return dsl.selectFrom(ORDER_EVENT)
			.where(ORDER_EVENT.ORDER_ID.eq(orderId))
			.orderBy(ORDER_EVENT.ID)
			.fetch(OrderRepository::toEvent);
	}

	private static PaymentOrder toOrder(PaymentOrderRecord r) {
		return new PaymentOrder(r.getId(), r.getAccountId(), r.getOutTradeNo(), Fen.of(r.getAmountMinor()),
				r.getCurrency(), r.getDescription(), OrderStatus.valueOf(r.getStatus()), r.getProviderTxnId(),
				r.getPaidAt(), r.getExpiresAt(), r.getNeedsReview(), r.getReviewReason(), r.getCreatedBy(),
				r.getCreatedAt(), r.getUpdatedAt(), r.getVersion(), r.getNextCheckAt(), r.getCheckCount(),
				Fen.of(r.getRefundedMinor()));
	}

	private static OrderEvent toEvent(OrderEventRecord r) {
		return new OrderEvent(r.getId(), r.getOrderId(), r.getEventType(),
				r.getFromStatus() == null ? null : OrderStatus.valueOf(r.getFromStatus()),
				r.getToStatus() == null ? null : OrderStatus.valueOf(r.getToStatus()), EventSource.valueOf(r.getSource()),
				r.getActor(), r.getRawNotificationId(), r.getReason(), r.getDetails(), r.getCreatedAt());
	}

	private static String truncate(String text, int max) {
		return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
	}
}
