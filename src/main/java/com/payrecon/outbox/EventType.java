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

	// Refunds (issue 14): written by RefundService with every change of a refund's state, each with the refund's id
	// in NewEvent.refundId.

	/** A refund was asked for (REQUESTED; waiting for its approval or about to be sent). */
	REFUND_REQUESTED("refund.requested"),
	/** The refund was sent to the provider (REQUESTED → PROCESSING), or a refund made elsewhere is processing. */
	REFUND_PROCESSING("refund.processing"),
	/** The provider refunded it (SUCCESS). */
	REFUND_SUCCEEDED("refund.succeeded"),
	/** It was closed without any money moving (CLOSED: rejected by the checker, refused or closed by the provider). */
	REFUND_CLOSED("refund.closed"),
	/** The provider reports it abnormal (ABNORMAL: e.g. the payer's card account is gone). */
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
