package com.payrecon.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * CLOSED → PAID, the maker-checker door for a late payment: only for a CLOSED order, only with its amount and
 * currency, only with an operator's cause, exactly one event.
 */
@PayReconIT
class LatePaymentReopenIT {

	static final String ACCOUNT = "wx2-md5";
	static final Cause APPROVED = new Cause(EventSource.OPERATOR, "checker", null, "proposed by maker, approved by checker");

	@Autowired
	OrderService orders;

	@Autowired
	OrderRepository repository;

	@Test
	void aClosedOrderIsPaidByTheLatePaymentWithOneOperatorEvent() {
		PaymentOrder closed = closed(990);
		String txn = TestData.transactionId();
		Instant paidAt = Instant.parse("2026-11-10T02:00:00Z");

		PaymentOrder paid = orders.reopenForLatePayment(ACCOUNT,
				new ProviderPayment(closed.outTradeNo(), txn, Fen.of(990), "CNY", paidAt), APPROVED).orElseThrow();

		assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
		assertThat(paid.providerTxnId()).isEqualTo(txn);
		assertThat(paid.paidAt()).isEqualTo(paidAt);
		OrderEvent last = repository.events(closed.id()).getLast();
		assertThat(last.fromStatus()).isEqualTo(OrderStatus.CLOSED);
		assertThat(last.toStatus()).isEqualTo(OrderStatus.PAID);
		assertThat(last.source()).isEqualTo(EventSource.OPERATOR);
		assertThat(last.reason()).isEqualTo(APPROVED.reason());
		assertThat(last.details()).contains(txn);
		// once PAID, the door is shut
		int events = repository.events(closed.id()).size();
		assertThat(orders.reopenForLatePayment(ACCOUNT, new ProviderPayment(closed.outTradeNo(), txn, Fen.of(990), "CNY", paidAt),
				APPROVED)).isEmpty();
		assertThat(repository.events(closed.id())).hasSize(events);
	}

	@Test
	void anythingButTheOrdersOwnAmountOnAClosedOrderWithAnOperatorsCauseIsRefused() {
		PaymentOrder closed = closed(500);
		Instant now = Instant.now();
		assertThat(orders.reopenForLatePayment(ACCOUNT, new ProviderPayment(closed.outTradeNo(), "t1", Fen.of(501), "CNY", now), APPROVED))
			.isEmpty();
		assertThat(orders.reopenForLatePayment(ACCOUNT, new ProviderPayment(closed.outTradeNo(), "t1", Fen.of(500), "USD", now), APPROVED))
			.isEmpty();
		assertThatThrownBy(() -> orders.reopenForLatePayment(ACCOUNT,
				new ProviderPayment(closed.outTradeNo(), "t1", Fen.of(500), "CNY", now), Cause.api("checkout", "late")))
			.isInstanceOf(IllegalArgumentException.class);
		PaymentOrder pending = create(500);
		assertThat(orders.reopenForLatePayment(ACCOUNT, new ProviderPayment(pending.outTradeNo(), "t2", Fen.of(500), "CNY", now), APPROVED))
			.isEmpty();
		assertThat(repository.findById(closed.id()).orElseThrow().status()).isEqualTo(OrderStatus.CLOSED);
		assertThat(repository.events(closed.id())).extracting(OrderEvent::toStatus)
			.containsExactly(OrderStatus.PENDING, OrderStatus.CLOSED);
		assertThat(repository.findById(pending.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);
	}

	private PaymentOrder create(long fen) {
		return orders.create(new CreateOrder(ACCOUNT, TestData.outTradeNo(), Fen.of(fen), "CNY", "late payment test", null),
				Cause.api("test", "set-up")).order();
	}

	private PaymentOrder closed(long fen) {
		PaymentOrder order = create(fen);
		return orders.transition(ACCOUNT, order.outTradeNo(), OrderStatus.CLOSED, Cause.api("test", "expired")).orElseThrow();
	}
}
