package com.payrecon.order;

import com.payrecon.support.money.Fen;

/**
 * An order's life. The transition table lives here; every writer goes through {@link OrderService}. CLOSED → PAID
 * exists for one door only: {@link OrderService#reopenForLatePayment}, a late payment applied by maker-checker (a
 * notification or query paying a closed order only flags it for review). PARTIALLY_REFUNDED and REFUNDED are never
 * chosen by anyone: they follow from the order's SUCCESS refunds ({@link #afterRefunds}, applied by
 * {@link OrderService#applyRefunds}).
 */
public enum OrderStatus {

	PENDING, PAID, CLOSED, FAILED, REVERSED, PARTIALLY_REFUNDED, REFUNDED;

	public boolean canMoveTo(OrderStatus next) {
		return switch (this) { // exhaustive: a new status breaks compilation here
			case PENDING -> next == PAID || next == CLOSED || next == FAILED || next == REVERSED;
			case PAID -> next == PARTIALLY_REFUNDED || next == REFUNDED || next == REVERSED;
			case PARTIALLY_REFUNDED -> next == REFUNDED;
			case CLOSED -> next == PAID;
			case FAILED, REVERSED, REFUNDED -> false;
		};
	}

	/** A payment for an order in one of these states is money received for an order we no longer sell. */
	public boolean isTerminalWithoutPayment() {
		return this == CLOSED || this == FAILED || this == REVERSED;
	}

	/** The payer paid (whatever was refunded since): PAID, PARTIALLY_REFUNDED or REFUNDED. */
	public boolean isPaid() {
		return this == PAID || this == PARTIALLY_REFUNDED || this == REFUNDED;
	}

	/** Set only by {@link OrderService#applyRefunds}, from the refunds' sum. */
	public boolean followsRefunds() {
		return this == PARTIALLY_REFUNDED || this == REFUNDED;
	}

	/**
	 * The status of a paid order of {@code amount} of which {@code refunded} went back: PAID (nothing), REFUNDED (all)
	 * or PARTIALLY_REFUNDED.
	 * @throws IllegalArgumentException when {@code refunded} is negative or above {@code amount}
	 */
	public static OrderStatus afterRefunds(Fen amount, Fen refunded) {
		if (refunded.value() < 0 || refunded.compareTo(amount) > 0) {
			throw new IllegalArgumentException("refunded " + refunded + " of an order of " + amount);
		}
		return refunded.value() == 0 ? PAID : refunded.equals(amount) ? REFUNDED : PARTIALLY_REFUNDED;
	}
}
