package com.payrecon.outbox;

import java.util.Arrays;
import java.util.Optional;

/**
 * What happened, as the merchant's systems see it: the {@code type} of an event, dot-separated as Standard Webhooks
 * asks ({@code order.paid}). docs/webhooks.md describes each ("The event catalogue") and how a new one is added: a
 * constant here, its row there, and its writer calling {@link Outbox#append} in the change's transaction.
 */
public enum EventType {

	/** The order became PAID (PENDING → PAID; or CLOSED → PAID, a late payment applied by maker-checker). */
	ORDER_PAID("order.paid"),
	/** A payment arrived for an order that is CLOSED, FAILED or REVERSED: held for review, the order is unchanged. */
	ORDER_PAID_LATE("order.paid_late"),
	/** A second, different payment for a PAID order: held for review, the order is unchanged. */
	ORDER_PAYMENT_CONFLICT("order.payment_conflict"),
	/** A person settled what an order was held for (late or conflicting payment): its review flag is cleared. */
	ORDER_REVIEW_CLEARED("order.review_cleared"),
	ORDER_CLOSED("order.closed"),
	ORDER_FAILED("order.failed"),
	ORDER_REVERSED("order.reversed"),
	/**
	 * Part of the order was refunded (PAID → PARTIALLY_REFUNDED), or more of it while it stays partially refunded: the
	 * order's {@code refunded} amount grew (issue 14).
	 */
	ORDER_PARTIALLY_REFUNDED("order.partially_refunded"),
	/** The order is fully refunded (PAID or PARTIALLY_REFUNDED → REFUNDED). */
	ORDER_REFUNDED("order.refunded"),

	// Refunds (issue 14): declared so that endpoints may subscribe to them now; written by the refund module once it
	// lands (REQUESTED → PROCESSING → SUCCESS | CLOSED | ABNORMAL), each with the refund's id in NewEvent.refundId.

	/** A refund was asked for (REQUESTED). Issue 14: not written yet. */
	REFUND_REQUESTED("refund.requested"),
	/** The provider refunded it (SUCCESS). Issue 14: not written yet. */
	REFUND_SUCCEEDED("refund.succeeded"),
	/** The provider closed it without refunding (CLOSED). Issue 14: not written yet. */
	REFUND_CLOSED("refund.closed"),
	/** The provider reports it abnormal (ABNORMAL: e.g. the payer's card account is gone). Issue 14: not written yet. */
	REFUND_ABNORMAL("refund.abnormal");

	private final String wireName;

	EventType(String wireName) {
		this.wireName = wireName;
	}

	public String wireName() {
		return wireName;
	}

	public static Optional<EventType> fromWire(String name) {
		return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
	}
}
