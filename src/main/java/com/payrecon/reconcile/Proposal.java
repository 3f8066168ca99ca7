package com.payrecon.reconcile;

import java.time.Instant;
import java.time.LocalDate;

import com.payrecon.support.money.Fen;

/**
 * A maker-checker proposal as stored.
 *
 * @param state PROPOSED, then APPROVED, REJECTED or FAILED (the order refused the change at approval)
 * @param providerTime when the provider says it was paid (or refunded), from the archived bill line
 */
public record Proposal(long id, long discrepancyId, String accountId, LocalDate businessDate, long orderId,
		String outTradeNo, AdjustmentKind kind, String providerTxnId, Fen amount, String currency, Instant providerTime,
		String note, String state, String proposedBy, Instant proposedAt, String decidedBy, Instant decidedAt,
		String decisionNote, int version) {

	public static final String PROPOSED = "PROPOSED";
	public static final String APPROVED = "APPROVED";
	public static final String REJECTED = "REJECTED";
	public static final String FAILED = "FAILED";

	public boolean pending() {
		return PROPOSED.equals(state);
	}
}
