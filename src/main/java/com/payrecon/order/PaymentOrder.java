package com.payrecon.order;

import java.time.Instant;

import com.payrecon.support.money.Fen;

/** An order as stored. */
public record PaymentOrder(long id, String accountId, String outTradeNo, Fen amount, String currency,
		String description, OrderStatus status, String providerTxnId, Instant paidAt, Instant expiresAt,
		boolean needsReview, String reviewReason, String createdBy, Instant createdAt, Instant updatedAt, int version,
		Instant nextCheckAt, int checkCount) {
}
