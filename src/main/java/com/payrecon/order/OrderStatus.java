package com.payrecon.order;

/**
 * An order's life. The transition table lives here; every writer goes through {@link OrderService}. CLOSED → PAID
 * exists for one door only: {@link OrderService#reopenForLatePayment}, a late payment applied by maker-checker (a
 * notification or query paying a closed order only flags it for review).
 */
public enum OrderStatus {

	PENDING, PAID, CLOSED, FAILED, REVERSED, REFUNDED;

	public boolean canMoveTo(OrderStatus next) {
		return switch (this) { // exhaustive: a new status breaks compilation here
			case PENDING -> next == PAID || next == CLOSED || next == FAILED || next == REVERSED;
			case PAID -> next == REFUNDED || next == REVERSED;
			case CLOSED -> next == PAID;
			case FAILED, REVERSED, REFUNDED -> false;
		};
	}

	/** A payment for an order in one of these states is money received for an order we no longer sell. */
	public boolean isTerminalWithoutPayment() {
		return this == CLOSED || this == FAILED || this == REVERSED;
	}
}
