package com.payrecon.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.EnumSet;
import java.util.Set;

import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

class OrderStatusTests {

	@Test
	void theTransitionTableIsExactlyThis() {
		assertThat(allowedFrom(OrderStatus.PENDING)).containsExactlyInAnyOrder(OrderStatus.PAID, OrderStatus.CLOSED,
				OrderStatus.FAILED, OrderStatus.REVERSED);
		// refunds: PARTIALLY_REFUNDED and REFUNDED follow from the refunds' sum (OrderService.applyRefunds)
		assertThat(allowedFrom(OrderStatus.PAID)).containsExactlyInAnyOrder(OrderStatus.PARTIALLY_REFUNDED,
				OrderStatus.REFUNDED, OrderStatus.REVERSED);
		assertThat(allowedFrom(OrderStatus.PARTIALLY_REFUNDED)).containsExactly(OrderStatus.REFUNDED);
		// CLOSED → PAID: a late payment, applied only through maker-checker (OrderService.reopenForLatePayment)
		assertThat(allowedFrom(OrderStatus.CLOSED)).containsExactly(OrderStatus.PAID);
		for (OrderStatus terminal : EnumSet.of(OrderStatus.FAILED, OrderStatus.REVERSED, OrderStatus.REFUNDED)) {
			assertThat(allowedFrom(terminal)).as(terminal.name()).isEmpty();
		}
	}

	@Test
	void theStatusAfterRefundsFollowsTheirSum() {
		assertThat(OrderStatus.afterRefunds(Fen.of(1000), Fen.ZERO)).isEqualTo(OrderStatus.PAID);
		assertThat(OrderStatus.afterRefunds(Fen.of(1000), Fen.of(1))).isEqualTo(OrderStatus.PARTIALLY_REFUNDED);
		assertThat(OrderStatus.afterRefunds(Fen.of(1000), Fen.of(999))).isEqualTo(OrderStatus.PARTIALLY_REFUNDED);
		assertThat(OrderStatus.afterRefunds(Fen.of(1000), Fen.of(1000))).isEqualTo(OrderStatus.REFUNDED);
		assertThatIllegalArgumentException().isThrownBy(() -> OrderStatus.afterRefunds(Fen.of(1000), Fen.of(1001)));
		assertThatIllegalArgumentException().isThrownBy(() -> OrderStatus.afterRefunds(Fen.of(1000), Fen.of(-1)));
	}

	@Test
	void paidMeansPaidWhateverWasRefunded() {
		assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(OrderStatus::isPaid))
			.containsExactlyInAnyOrder(OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED);
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
