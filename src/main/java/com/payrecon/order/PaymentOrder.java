package com.payrecon.order;

import java.time.Instant;

import com.payrecon.support.money.Fen;

/**
 * An order as stored.
 *
 * @param refunded the sum of the order's SUCCESS refunds (0 while none; PARTIALLY_REFUNDED / REFUNDED follow from it)
 */
public record PaymentOrder(long id, String accountId, String outTradeNo, Fen amount, String currency,
		String description, OrderStatus status, String providerTxnId, Instant paidAt, Instant expiresAt,
		boolean needsReview, String reviewReason, String createdBy, Instant createdAt, Instant updatedAt, int version,
		Instant nextCheckAt, int checkCount, Fen refunded) {
}
