package com.payrecon.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class OrderStatusTests {

	@Test
	void theTransitionTableIsExactlyThis() {
		assertThat(allowedFrom(OrderStatus.PENDING)).containsExactlyInAnyOrder(OrderStatus.PAID, OrderStatus.CLOSED,
				OrderStatus.FAILED, OrderStatus.REVERSED);
		assertThat(allowedFrom(OrderStatus.PAID)).containsExactlyInAnyOrder(OrderStatus.REFUNDED, OrderStatus.REVERSED);
		// CLOSED → PAID: a late payment, applied only through maker-checker (OrderService.reopenForLatePayment)
		assertThat(allowedFrom(OrderStatus.CLOSED)).containsExactly(OrderStatus.PAID);
		for (OrderStatus terminal : EnumSet.of(OrderStatus.FAILED, OrderStatus.REVERSED, OrderStatus.REFUNDED)) {
			assertThat(allowedFrom(terminal)).as(terminal.name()).isEmpty();
		}
	}

	@Test
	void onlyUnpaidEndsMakeAPaymentLate() {
		assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(OrderStatus::isTerminalWithoutPayment))
			.containsExactlyInAnyOrder(OrderStatus.CLOSED, OrderStatus.FAILED, OrderStatus.REVERSED);
	}

	private static Set<OrderStatus> allowedFrom(OrderStatus from) {
		Set<OrderStatus> allowed = EnumSet.noneOf(OrderStatus.class);
		for (OrderStatus to : OrderStatus.values()) {
			if (from.canMoveTo(to)) {
				allowed.add(to);
			}
		}
		return allowed;
	}
}
