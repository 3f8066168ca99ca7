package com.payrecon.refund;

import java.time.Instant;

import com.payrecon.order.EventSource;

/** One line of a refund's history: who or what changed it, and why. */
public record RefundEvent(long id, long refundId, String eventType, RefundStatus fromStatus, RefundStatus toStatus,
		EventSource source, String actor, Long rawNotificationId, String reason, String details, Instant createdAt) {

	public static final String CREATED = "CREATED";
	public static final String APPROVED = "APPROVED";
	public static final String STATUS_CHANGED = "STATUS_CHANGED";
	/** the request was sent to the provider (REQUESTED → PROCESSING) */
	public static final String SUBMITTED = "SUBMITTED";
	/** sent again with the same number, after the provider said it never received it */
	public static final String RESUBMITTED = "RESUBMITTED";
	/** the provider's answer to a request or query was not definite: nothing changed */
	public static final String ANSWER_UNKNOWN = "ANSWER_UNKNOWN";
	/** the provider's word disagrees with the refund (amount, order, refund id): kept for review, nothing changed */
	public static final String MISMATCH = "MISMATCH";
	/** the provider named its refund id */
	public static final String PROVIDER_ID = "PROVIDER_ID";
}
