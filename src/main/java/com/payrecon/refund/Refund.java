package com.payrecon.refund;

import java.time.Instant;

import com.payrecon.support.money.Fen;

/**
 * A refund as stored.
 *
 * @param submitCount requests sent to the provider (0 before the first; more only after the provider said it had none)
 * @param providerStatus the provider's last word about it (its state or error code)
 */
public record Refund(long id, String accountId, long orderId, String outTradeNo, String outRefundNo, Fen amount,
		String currency, String reason, RefundStatus status, RefundSource source, String providerRefundId,
		String requestedBy, boolean approvalRequired, String approvedBy, Instant approvedAt, int submitCount,
		Instant submittedAt, Instant succeededAt, Instant finishedAt, String providerStatus, Instant nextCheckAt,
		int checkCount, boolean needsReview, String reviewReason, Instant createdAt, Instant updatedAt, int version) {

	/** Recorded, and waiting for a second person's approval before it is sent. */
	public boolean awaitsApproval() {
		return status == RefundStatus.REQUESTED && approvalRequired && approvedBy == null;
	}

	/** Recorded and free to be sent (approved, or no approval needed). */
	public boolean readyToSend() {
		return status == RefundStatus.REQUESTED && (!approvalRequired || approvedBy != null);
	}
}
