package com.payrecon.notify;

/**
 * What PayRecon decided about one stored notification, and whether the provider is told "success" (stop
 * retrying) or "failure" (retry later). The policy, in short:
 * <ul>
 * <li>authenticated and settled, whatever the business outcome: <b>acknowledge</b>, so the provider stops; anything
 * inconsistent is kept for review and never changes an order;</li>
 * <li>unauthenticated or unreadable: <b>fail with 4xx</b>; the provider's retries cannot make it valid, but a genuine
 * message that we misread gets another chance;</li>
 * <li>our own trouble (database away, unknown v3 key): <b>fail with 5xx</b> quickly, so the provider retries.</li>
 * </ul>
 */
public enum Verdict {

	APPLIED(true, 200, "payment applied"),
	DUPLICATE(true, 200, "already settled"),
	LATE_PAYMENT(true, 200, "payment for a closed order, flagged for review"),
	CONFLICTING_PAYMENT(true, 200, "order already paid by another transaction, flagged for review"),
	AMOUNT_MISMATCH(true, 200, "amount differs from the order"),
	CURRENCY_MISMATCH(true, 200, "currency differs from the order"),
	MERCHANT_MISMATCH(true, 200, "not for this merchant"),
	UNKNOWN_ORDER(true, 200, "no such order"),
	NOT_PAID(true, 200, "not a successful payment"),
	INVALID_FIELDS(true, 200, "authenticated, but business fields unusable"),
	/** before issue 14: a v2 refund notification was decrypted and recorded only (kept for stored rows) */
	REFUND_NOTICE(true, 200, "refund notification recorded"),
	REFUND_APPLIED(true, 200, "refund state applied"),
	REFUND_RECORDED(true, 200, "refund made outside PayRecon recorded"),
	REFUND_MISMATCH(true, 200, "refund differs from our record, kept for review and confirmed by a query"),
	REFUND_UNCONFIRMED(true, 200, "refund unknown here or order unpaid: confirmed by a query first"),
	RETURN_VERIFIED(true, 200, "browser return verified (never marks an order paid)"),

	MALFORMED(false, 400, "malformed"),
	BAD_SIGNATURE(false, 401, "signature invalid"),
	DECRYPT_FAILED(false, 400, "resource decryption failed"),
	REPLAYED(false, 400, "timestamp outside the window"),
	TOO_LARGE(false, 413, "body too large"),
	UNKNOWN_ACCOUNT(false, 404, "unknown account"),
	UNKNOWN_KEY(false, 503, "unknown signing key"),
	ERROR(false, 503, "temporary failure, retry");

	private final boolean acknowledged;
	private final int httpStatus;
	private final String summary;

	Verdict(boolean acknowledged, int httpStatus, String summary) {
		this.acknowledged = acknowledged;
		this.httpStatus = httpStatus;
		this.summary = summary;
	}

	/** true: the provider is told success and stops retrying. */
	public boolean acknowledged() {
		return acknowledged;
	}

	public int httpStatus() {
		return httpStatus;
	}

	public String summary() {
		return summary;
	}

	/**
	 * An order was decided on with this notification (paid, already paid by it, flagged for review): a later delivery
	 * with the same provider notification id is a duplicate. The other verdicts touched no order (no such order yet,
	 * a mismatch, not a payment): the same notification is decided again when it comes back or is re-processed.
	 */
	public boolean bindsNotifyId() {
		return switch (this) {
			case APPLIED, DUPLICATE, LATE_PAYMENT, CONFLICTING_PAYMENT -> true;
			default -> false;
		};
	}

	/** Acknowledged, but inconsistent with our records: nothing changed, a person should look. */
	public boolean keptForReview() {
		return switch (this) {
			case LATE_PAYMENT, CONFLICTING_PAYMENT, AMOUNT_MISMATCH, CURRENCY_MISMATCH, MERCHANT_MISMATCH, UNKNOWN_ORDER,
					INVALID_FIELDS, REFUND_MISMATCH -> true;
			default -> false;
		};
	}
}
