package com.payrecon.order;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.outbox.EventCause;
import com.payrecon.outbox.EventType;
import com.payrecon.outbox.NewEvent;
import com.payrecon.outbox.Outbox;

import org.springframework.stereotype.Component;

/**
 * The outbound events of order changes: what {@link OrderService} tells the merchant's own systems, in the
 * transaction of the change ({@link Outbox}). The data holds the order as it is after the change (amounts in fen),
 * never a secret, an operator's login or an API client's name.
 */
@Component
class OrderOutbox {

	private final Outbox outbox;

	OrderOutbox(Outbox outbox) {
		this.outbox = outbox;
	}

	/** The event of a status change; which one follows from the new status. */
	void statusChanged(PaymentOrder before, PaymentOrder after, long orderEventId, Cause cause, Instant now) {
		EventType type = switch (after.status()) { // exhaustive: a new status breaks compilation here
			case PAID -> EventType.ORDER_PAID;
			case CLOSED -> EventType.ORDER_CLOSED;
			case FAILED -> EventType.ORDER_FAILED;
			case REVERSED -> EventType.ORDER_REVERSED;
			case PARTIALLY_REFUNDED -> EventType.ORDER_PARTIALLY_REFUNDED;
			case REFUNDED -> EventType.ORDER_REFUNDED;
			case PENDING -> throw new IllegalStateException("no transition leads back to PENDING");
		};
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("order", order(after, before.status()));
		if (type == EventType.ORDER_PAID && before.status() != OrderStatus.PENDING) {
			data.put("late", true); // CLOSED → PAID: a late payment applied by maker-checker
		}
		append(type, after, orderEventId, cause, now, data);
	}

	/**
	 * A payment held for review without changing the order's status: a late payment for a CLOSED, FAILED or REVERSED
	 * order, or a second, different payment for a PAID one.
	 */
	void paymentHeld(PaymentOrder order, ProviderPayment payment, boolean late, long orderEventId, Cause cause,
			Instant now) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("order", order(order, order.status()));
		Map<String, Object> held = new LinkedHashMap<>();
		held.put("providerTxnId", payment.providerTxnId());
		held.put("amount", payment.amount().value());
		held.put("currency", payment.currency());
		if (payment.paidAt() != null) {
			held.put("paidAt", payment.paidAt().toString());
		}
		data.put("payment", held);
		append(late ? EventType.ORDER_PAID_LATE : EventType.ORDER_PAYMENT_CONFLICT, order, orderEventId, cause, now, data);
	}

	/** The order's review flag was cleared by a person (the status is unchanged). */
	void reviewCleared(PaymentOrder order, long orderEventId, Cause cause, Instant now) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("order", order(order, order.status()));
		append(EventType.ORDER_REVIEW_CLEARED, order, orderEventId, cause, now, data);
	}

	private void append(EventType type, PaymentOrder order, long orderEventId, Cause cause, Instant now,
			Map<String, Object> data) {
		outbox.append(new NewEvent(type, order.accountId(), order.id(), orderEventId, order.outTradeNo(), null,
				cause(cause.source()), trigger(cause), now, data));
	}

	static Map<String, Object> order(PaymentOrder o, OrderStatus previous) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("outTradeNo", o.outTradeNo());
		m.put("status", o.status().name());
		m.put("previousStatus", previous.name());
		m.put("amount", o.amount().value());
		m.put("currency", o.currency());
		if (o.refunded().value() > 0) {
			m.put("refunded", o.refunded().value()); // fen, the sum of its SUCCESS refunds (issue 14)
		}
		if (o.providerTxnId() != null) {
			m.put("providerTxnId", o.providerTxnId());
		}
		if (o.paidAt() != null) {
			m.put("paidAt", o.paidAt().toString());
		}
		m.put("needsReview", o.needsReview());
		return m;
	}

	static EventCause cause(EventSource source) {
		return switch (source) { // exhaustive: a new source breaks compilation here
			case NOTIFY -> EventCause.NOTIFICATION;
			case QUERY -> EventCause.QUERY;
			case OPERATOR -> EventCause.OPERATOR;
			case API -> EventCause.API;
			case JOB -> EventCause.JOB;
		};
	}

	/** For provider queries and jobs: which job or path asked (no run ids, no names). */
	static String trigger(Cause cause) {
		return cause.source() == EventSource.QUERY || cause.source() == EventSource.JOB ? Cause.triggerOf(cause.actor())
				: null;
	}
}
