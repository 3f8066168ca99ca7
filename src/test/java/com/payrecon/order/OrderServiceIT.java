package com.payrecon.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

@PayReconIT
class OrderServiceIT {

	@Autowired
	OrderService orderService;

	@Autowired
	OrderRepository orders;

	@Test
	void everyChangeRecordsWhoOrWhatDidItAndWhy() {
		String no = TestData.outTradeNo();
		PaymentOrder order = orderService.create(new CreateOrder("wx2-md5", no, Fen.of(100), "CNY", "tea", null),
				Cause.api("checkout", "order created")).order();

		orderService.transition("wx2-md5", no, OrderStatus.CLOSED, new Cause(EventSource.JOB, "stale-sweep#42", null, "expired unpaid"));

		List<OrderEvent> events = orders.events(order.id());
		assertThat(events).extracting(OrderEvent::source).containsExactly(EventSource.API, EventSource.JOB);
		assertThat(events).extracting(OrderEvent::actor).containsExactly("checkout", "stale-sweep#42");
		assertThat(events.get(1).reason()).isEqualTo("expired unpaid");
		assertThat(events.get(1).fromStatus()).isEqualTo(OrderStatus.PENDING);
		assertThat(events.get(1).toStatus()).isEqualTo(OrderStatus.CLOSED);
	}

	@Test
	void anIllegalTransitionIsRefusedAndChangesNothing() {
		String no = TestData.outTradeNo();
		orderService.create(new CreateOrder("wx2-md5", no, Fen.of(100), "CNY", "tea", null), Cause.api("checkout", "x"));
		Cause operator = new Cause(EventSource.OPERATOR, "support-1", null, "try");
		orderService.transition("wx2-md5", no, OrderStatus.CLOSED, operator);
		PaymentOrder closed = orders.find("wx2-md5", no).orElseThrow();

		assertThat(orderService.transition("wx2-md5", no, OrderStatus.REFUNDED, operator)).isEmpty();
		assertThat(orderService.transition("wx2-md5", no, OrderStatus.PAID, operator)).isEmpty();
		assertThat(orders.find("wx2-md5", no).orElseThrow()).isEqualTo(closed);
		assertThat(orders.events(closed.id())).hasSize(2);
	}

	@Test
	void paidOrdersCanOnlyBePaidThroughApplyPaymentNotThroughTransition() {
		String no = TestData.outTradeNo();
		orderService.create(new CreateOrder("wx2-md5", no, Fen.of(100), "CNY", "tea", null), Cause.api("checkout", "x"));

		assertThat(orderService.transition("wx2-md5", no, OrderStatus.PAID, new Cause(EventSource.OPERATOR, "x", null, "x"))).isEmpty();
		assertThat(orders.find("wx2-md5", no).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);
	}

	@Test
	void orderNumbersAreCaseSensitiveLikeTheProvidersOnes() {
		String no = TestData.outTradeNo() + "abc";
		orderService.create(new CreateOrder("ali", no, Fen.of(100), "CNY", "tea", null), Cause.api("checkout", "x"));

		var upper = orderService.create(new CreateOrder("ali", no.toUpperCase(), Fen.of(200), "CNY", "tea", null), Cause.api("checkout", "x"));

		assertThat(upper).isInstanceOf(OrderService.Created.class);
		assertThat(orders.find("ali", no).orElseThrow().amount()).isEqualTo(Fen.of(100));
		assertThat(orders.find("ali", no.toUpperCase()).orElseThrow().amount()).isEqualTo(Fen.of(200));
	}
}
