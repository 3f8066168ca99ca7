package com.payrecon.order;

import java.time.Instant;

/** One line of an order's history. */
public record OrderEvent(long id, long orderId, String eventType, OrderStatus fromStatus, OrderStatus toStatus,
		EventSource source, String actor, Long rawNotificationId, String reason, String details, Instant createdAt) {

	public static final String CREATED = "CREATED";
	public static final String STATUS_CHANGED = "STATUS_CHANGED";
	public static final String LATE_PAYMENT = "LATE_PAYMENT";
	public static final String CONFLICTING_PAYMENT = "CONFLICTING_PAYMENT";
	/** a refund of the order succeeded; the status stays (PARTIALLY_REFUNDED with more refunded) */
	public static final String REFUNDED_AMOUNT = "REFUNDED_AMOUNT";
	/** a paid order whose paid time was unknown got the provider's time (from the bill line) */
	public static final String PAID_TIME_SET = "PAID_TIME_SET";
	/** the order's review flag was cleared: a person settled what it was raised for (the event says who and why) */
	public static final String REVIEW_CLEARED = "REVIEW_CLEARED";
}
