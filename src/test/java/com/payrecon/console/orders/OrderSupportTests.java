package com.payrecon.console.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.payrecon.order.OrderStatus;
import org.junit.jupiter.api.Test;

/** The re-query preview's status comparison: which provider answers say what the local status says. */
class OrderSupportTests {

	@Test
	void notPaidYetAndStillPayingAreWhatPendingMeans() {
		assertThat(OrderSupport.sameState(OrderStatus.PENDING, "NOT_PAID")).isTrue();
		assertThat(OrderSupport.sameState(OrderStatus.PENDING, "USER_PAYING")).isTrue();
		assertThat(OrderSupport.sameState(OrderStatus.PENDING, "PAID")).isFalse();
		assertThat(OrderSupport.sameState(OrderStatus.PENDING, "NOT_FOUND")).isFalse();
		assertThat(OrderSupport.sameState(OrderStatus.CLOSED, "NOT_PAID")).isFalse();
	}

	@Test
	void finalStatesMustMatchExactlyAndNoAnswerIsNoDifference() {
		assertThat(OrderSupport.sameState(OrderStatus.PAID, "PAID")).isTrue();
		assertThat(OrderSupport.sameState(OrderStatus.PAID, "REFUNDED")).isFalse();
		assertThat(OrderSupport.sameState(OrderStatus.REFUNDED, "REFUNDED")).isTrue();
		assertThat(OrderSupport.sameState(OrderStatus.REVERSED, "REVERSED")).isTrue();
		assertThat(OrderSupport.sameState(OrderStatus.CLOSED, "CLOSED")).isTrue();
		assertThat(OrderSupport.sameState(OrderStatus.FAILED, "CLOSED")).isFalse();
		assertThat(OrderSupport.sameState(OrderStatus.FAILED, "ERROR")).isTrue();
	}
}
