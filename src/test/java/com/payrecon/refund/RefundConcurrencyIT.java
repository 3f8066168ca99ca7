package com.payrecon.refund;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.payrecon.notify.Notifications;
import com.payrecon.notify.Notifications.V3Delivery;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.PaymentOrder;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import tools.jackson.databind.JsonNode;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The sum of an order's refunds never passes the amount paid, and nothing is applied or sent twice, with requests,
 * notifications and the sweep racing each other for real (threads released together against the running application
 * and MariaDB).
 */
@PayReconIT
class RefundConcurrencyIT {

	@LocalServerPort
	int port;

	@Autowired
	RefundRepository refunds;

	@Autowired
	OrderRepository orders;

	@Autowired
	RefundSweep sweep;

	@Autowired
	DSLContext dsl;

	RefundWire wire;

	@BeforeEach
	void setUp() {
		wire = new RefundWire(port);
		for (String account : Set.of("refund-wx2", "refund-wx3")) {
			wire.control("DELETE", "/merchants/" + account + "/faults", null);
		}
	}

	/** Runs the tasks on their own threads, released together; their results in order. */
	static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<T>> futures = new ArrayList<>();
		try (ExecutorService threads = Executors.newFixedThreadPool(tasks.size())) {
			for (Callable<T> task : tasks) {
				futures.add(threads.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> f : futures) {
				results.add(f.get());
			}
			return results;
		}
	}

	@Test
	void twentyRacingRefundsOfATenthEachNeverPassTheAmountPaid() throws Exception {
		String no = TestData.outTradeNo();
		wire.paidOrder("refund-wx2", no, 1000);
		List<Callable<Integer>> requests = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String number = no + "-R" + i;
			requests.add(() -> wire.refund("refund-wx2", no, number, 100, null).statusCode());
		}

		List<Integer> statuses = race(requests);

		assertThat(statuses).filteredOn(s -> s == 201).hasSize(10);
		assertThat(statuses).filteredOn(s -> s == 422).hasSize(10);
		PaymentOrder order = orders.find("refund-wx2", no).orElseThrow();
		List<Refund> recorded = refunds.forOrder(order.id());
		assertThat(recorded).hasSize(10);
		assertThat(recorded.stream().mapToLong(r -> r.amount().value()).sum()).isEqualTo(1000);
		JsonNode settled = RefundWire.await(() -> wire.order("refund-wx2", no),
				o -> "REFUNDED".equals(o.path("status").asString()), Duration.ofSeconds(30));
		assertThat(settled.path("refunded").asLong()).isEqualTo(1000);
		for (Refund r : recorded) {
			assertThat(wire.sandboxRefund("refund-wx2", no, r.outRefundNo()).path("requestCount").asInt()).isEqualTo(1);
		}
	}

	@Test
	void twelveRacingRequestsWithOneNumberAreOneRefundSentOnce() throws Exception {
		String no = TestData.outTradeNo();
		wire.paidOrder("refund-wx2", no, 900);
		List<Callable<Integer>> requests = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			requests.add(() -> wire.refund("refund-wx2", no, no + "-R", 300, "one refund").statusCode());
		}

		List<Integer> statuses = race(requests);

		assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
		assertThat(statuses).filteredOn(s -> s == 200).hasSize(11);
		PaymentOrder order = orders.find("refund-wx2", no).orElseThrow();
		assertThat(refunds.forOrder(order.id())).hasSize(1);
		Refund refund = refunds.find("refund-wx2", no + "-R").orElseThrow();
		assertThat(refund.submitCount()).isEqualTo(1);
		assertThat(refunds.events(refund.id())).filteredOn(e -> e.eventType().equals(RefundEvent.SUBMITTED)).hasSize(1);
		assertThat(wire.sandboxRefund("refund-wx2", no, no + "-R").path("requestCount").asInt()).isEqualTo(1);
	}

	@Test
	void sixteenCopiesOfOneRefundNotificationAtOnceApplyItOnce() throws Exception {
		String no = TestData.outTradeNo();
		wire.paidOrder("refund-wx2", no, 700);
		wire.control("PUT", "/merchants/refund-wx2/faults", Map.of("dropShare", 1.0));
		assertThat(wire.refund("refund-wx2", no, no + "-R", 700, null).statusCode()).isEqualTo(201);
		RefundWire.await(() -> wire.sandboxRefund("refund-wx2", no, no + "-R"),
				r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(10));
		Refund refund = refunds.find("refund-wx2", no + "-R").orElseThrow();
		String txn = orders.find("refund-wx2", no).orElseThrow().providerTxnId();
		byte[] notice = Notifications.v2Refund(Notifications.v2RefundPlain(no, txn, no + "-R", refund.providerRefundId(),
				700, 700, "SUCCESS"), Notifications.REFUND_V2_KEY).getBytes(StandardCharsets.UTF_8);
		long before = lastRawId();
		List<Callable<Integer>> deliveries = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			deliveries.add(() -> wire.http.post("/notify/wechatpay-v2/refund-wx2", "text/xml", notice, Map.of()).statusCode());
		}

		List<Integer> statuses = race(deliveries);

		assertThat(statuses).containsOnly(200);
		List<String> verdicts = dsl.select(RAW_NOTIFICATION.VERDICT).from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ACCOUNT_ID.eq("refund-wx2"), RAW_NOTIFICATION.ID.gt(before))
			.fetch(RAW_NOTIFICATION.VERDICT);
		assertThat(verdicts).hasSize(16);
		assertThat(verdicts).filteredOn("REFUND_APPLIED"::equals).hasSize(1);
		assertThat(verdicts).filteredOn("DUPLICATE"::equals).hasSize(15);
		assertThat(refunds.events(refund.id())).filteredOn(e -> e.toStatus() == RefundStatus.SUCCESS).hasSize(1);
		PaymentOrder order = orders.find("refund-wx2", no).orElseThrow();
		assertThat(order.refunded().value()).isEqualTo(700);
		assertThat(orders.events(order.id())).filteredOn(e -> e.toStatus() != null && e.toStatus().followsRefunds()).hasSize(1);
	}

	@Test
	void aNotificationAndTheSweepRacingOnOneRefundApplyItOnce() throws Exception {
		String no = TestData.outTradeNo();
		wire.paidOrder("refund-wx3", no, 500);
		wire.control("PUT", "/merchants/refund-wx3/faults", Map.of("dropShare", 1.0));
		assertThat(wire.refund("refund-wx3", no, no + "-R", 200, null).statusCode()).isEqualTo(201);
		RefundWire.await(() -> wire.sandboxRefund("refund-wx3", no, no + "-R"),
				r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(10));
		Refund refund = refunds.find("refund-wx3", no + "-R").orElseThrow();
		String txn = orders.find("refund-wx3", no).orElseThrow().providerTxnId();
		V3Delivery notice = Notifications.v3Refund("EV-" + UUID.randomUUID(), "REFUND.SUCCESS",
				Notifications.v3RefundResource(no, txn, no + "-R", refund.providerRefundId(), 200, 500, "SUCCESS"), Instant.now());
		Thread.sleep(2500); // payrecon.refunds.first-check-after in the it profile: the sweep may ask now

		race(List.<Callable<Object>>of(
				() -> wire.http.post("/notify/wechatpay-v3/refund-wx3", "application/json", notice.body(), notice.headers()),
				() -> sweep.sweep(new RefundSweep.Parameters(Duration.ZERO, 2, 100, Set.of("refund-wx3")), "refund-sweep#race")));

		assertThat(refunds.findById(refund.id()).orElseThrow().status()).isEqualTo(RefundStatus.SUCCESS);
		assertThat(refunds.events(refund.id())).filteredOn(e -> e.toStatus() == RefundStatus.SUCCESS).hasSize(1);
		assertThat(orders.find("refund-wx3", no).orElseThrow().refunded().value()).isEqualTo(200);
	}

	@Test
	void twoRefundsMadeElsewhereThatTogetherPassTheAmountPaidAreNotBothRecorded() throws Exception {
		String no = TestData.outTradeNo();
		wire.paidOrder("refund-wx3", no, 1000);
		String txn = orders.find("refund-wx3", no).orElseThrow().providerTxnId();
		List<Callable<HttpResponse<String>>> notices = new ArrayList<>();
		for (String suffix : List.of("-A", "-B")) {
			V3Delivery n = Notifications.v3Refund("EV-" + UUID.randomUUID(), "REFUND.SUCCESS",
					Notifications.v3RefundResource(no, txn, no + suffix, "5030" + TestData.transactionId(), 600, 1000, "SUCCESS"),
					Instant.now());
			notices.add(() -> wire.http.post("/notify/wechatpay-v3/refund-wx3", "application/json", n.body(), n.headers()));
		}

		race(notices);

		PaymentOrder order = orders.find("refund-wx3", no).orElseThrow();
		assertThat(refunds.forOrder(order.id())).hasSize(1);
		assertThat(order.refunded().value()).isEqualTo(600);
	}

	private long lastRawId() {
		Long id = dsl.select(org.jooq.impl.DSL.max(RAW_NOTIFICATION.ID)).from(RAW_NOTIFICATION).fetchOne(0, Long.class);
		return id == null ? 0 : id;
	}
}
