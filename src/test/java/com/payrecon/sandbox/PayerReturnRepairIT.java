package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.repair.ProviderQueryLog;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 12 §2 (the 掉单 case): the payer paid, Alipay's notification is lost (sandbox merchant {@code ali-lost} drops
 * every one), and the payer's browser comes back to {@code /notify/alipay/{account}/return} with a signed return.
 * PayRecon asks Alipay about that order at once (the signed query answer pays it, never the return), at most once a
 * minute per order however often the return is replayed.
 */
@PayReconIT
class PayerReturnRepairIT {

	static final String ACCOUNT = "ali-lost";

	@LocalServerPort
	int port;

	@Autowired
	OrderService orderService;

	@Autowired
	OrderRepository orders;

	@Autowired
	ProviderQueryLog queries;

	@Test
	void aVerifiedReturnForAPendingOrderWhoseNotificationWasLostRepairsItAtOnce() throws Exception {
		SandboxWire wire = new SandboxWire(port);
		String no = TestData.outTradeNo();
		PaymentOrder order = pending(no, 2500);
		wire.control("POST", "/orders", Map.of("merchantId", ACCOUNT, "outTradeNo", no, "amount", 2500));
		wire.control("POST", "/orders/" + ACCOUNT + "/" + no + "/pay", Map.of());
		Thread.sleep(300); // the sandbox's notification would have come by now: it was dropped
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);

		HttpResponse<String> page = browserReturn(no, "25.00");

		assertThat(page.body()).contains("payment was submitted");
		PaymentOrder paid = await(order, OrderStatus.PAID);
		OrderEvent event = orders.events(order.id()).get(1);
		assertThat(event.source()).isEqualTo(EventSource.QUERY);
		assertThat(event.actor()).startsWith("payer-return:");
		assertThat(paid.providerTxnId()).isNotBlank();
	}

	@Test
	void aReturnNeverPaysByItselfAndAReplayedReturnAsksAtMostOnceAMinute() throws Exception {
		SandboxWire wire = new SandboxWire(port);
		String no = TestData.outTradeNo();
		PaymentOrder order = pending(no, 1200);
		wire.control("POST", "/orders", Map.of("merchantId", ACCOUNT, "outTradeNo", no, "amount", 1200)); // never paid

		for (int i = 0; i < 5; i++) {
			assertThat(browserReturn(no, "12.00").statusCode()).isEqualTo(200);
		}

		List<ProviderQueryLog.Entry> asked = awaitQuestions(order, 1);
		Thread.sleep(500);
		assertThat(queries.forOrder(order.id())).as("one question for five returns").hasSize(1);
		assertThat(asked.get(0).actor()).startsWith("payer-return:");
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);
	}

	private PaymentOrder pending(String no, long fen) {
		return orderService.create(new CreateOrder(ACCOUNT, no, Fen.of(fen), "CNY", "payer return", null),
				Cause.api("test", "set-up")).order();
	}

	/** The payer's browser coming back from Alipay: the return parameters, signed by Alipay (the test key). */
	private HttpResponse<String> browserReturn(String no, String yuan) {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("charset", "utf-8");
		params.put("out_trade_no", no);
		params.put("method", "alipay.trade.page.pay.return");
		params.put("total_amount", yuan);
		params.put("trade_no", TestData.transactionId());
		params.put("auth_app_id", "2021000000000012");
		params.put("version", "1.0");
		params.put("app_id", "2021000000000012");
		params.put("seller_id", "2088000000000012");
		params.put("timestamp", "2026-11-23 10:00:00");
		String query = new String(Notifications.alipayForm(params), StandardCharsets.US_ASCII);
		return new Http(port).get("/notify/alipay/" + ACCOUNT + "/return?" + query, Map.of());
	}

	private PaymentOrder await(PaymentOrder order, OrderStatus status) throws InterruptedException {
		Instant end = Instant.now().plus(Duration.ofSeconds(10));
		while (Instant.now().isBefore(end)) {
			PaymentOrder now = orders.findById(order.id()).orElseThrow();
			if (now.status() == status) {
				return now;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("order " + order.outTradeNo() + " never became " + status);
	}

	private List<ProviderQueryLog.Entry> awaitQuestions(PaymentOrder order, int count) throws InterruptedException {
		Instant end = Instant.now().plus(Duration.ofSeconds(10));
		while (Instant.now().isBefore(end)) {
			List<ProviderQueryLog.Entry> asked = queries.forOrder(order.id());
			if (asked.size() >= count) {
				return asked;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("the provider was never asked about " + order.outTradeNo());
	}
}
