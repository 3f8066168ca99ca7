package com.payrecon.order;

import java.time.Instant;

/**
 * Test fixture for {@code OutboxWritersTests}: a state change without its outbound event, which the rule must
 * report. Never a bean, never called.
 */
public final class SilentStateChange {

	private final OrderRepository orders;

	SilentStateChange(OrderRepository orders) {
		this.orders = orders;
	}

	void closeQuietly(PaymentOrder order) {
		orders.moveStatus(order, OrderStatus.CLOSED, Instant.now());
	}
}
