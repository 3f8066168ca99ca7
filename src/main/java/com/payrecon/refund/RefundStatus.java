package com.payrecon.refund;

/**
 * A refund's life. The transition table lives here; every writer goes through {@link RefundService}.
 * <ul>
 * <li>REQUESTED: recorded, not sent yet (waiting for its approval, or about to be sent);</li>
 * <li>PROCESSING: sent to the provider (or its answer unknown): settled by the provider's word alone;</li>
 * <li>SUCCESS: the money went back (final; counts in the order's refunded amount);</li>
 * <li>CLOSED: no money moved (rejected by the checker, refused or closed by the provider; final);</li>
 * <li>ABNORMAL: the provider could not pay it back to the original card; the merchant settles it in the provider's
 * platform, and the provider's later word (SUCCESS or CLOSED) is followed.</li>
 * </ul>
 */
public enum RefundStatus {

	REQUESTED, PROCESSING, SUCCESS, CLOSED, ABNORMAL;

	public boolean canMoveTo(RefundStatus next) {
		return switch (this) { // exhaustive: a new status breaks compilation here
			case REQUESTED -> next == PROCESSING || next == CLOSED;
			case PROCESSING -> next == SUCCESS || next == CLOSED || next == ABNORMAL;
			case ABNORMAL -> next == SUCCESS || next == CLOSED;
			case SUCCESS, CLOSED -> false;
		};
	}

	/** Counts against what may still be refunded: everything but CLOSED (the money may go, or went, back). */
	public boolean holdsAmount() {
		return this != CLOSED;
	}

	/** Nothing moves it any more. */
	public boolean isFinal() {
		return this == SUCCESS || this == CLOSED;
	}

	/** Waiting for the provider's word: the refund sweep asks about these. */
	public boolean awaitsProvider() {
		return this == PROCESSING || this == ABNORMAL;
	}
}
