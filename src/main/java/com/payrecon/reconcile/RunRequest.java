package com.payrecon.reconcile;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A finance user's proposal to reconcile (or re-run) an account's day, and an admin's decision on it.
 *
 * @param state PROPOSED, APPROVED (the run was started: {@code jobRequest}) or REJECTED
 */
public record RunRequest(long id, String accountId, LocalDate businessDate, String reason, String state,
		String proposedBy, Instant proposedAt, String decidedBy, Instant decidedAt, String decisionNote,
		String jobRequest, int version) {

	public static final String PROPOSED = "PROPOSED";
	public static final String APPROVED = "APPROVED";
	public static final String REJECTED = "REJECTED";

	public boolean pending() {
		return PROPOSED.equals(state);
	}
}
