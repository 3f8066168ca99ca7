package com.payrecon.refund;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.payrecon.operations.Scrape;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Refunds end to end against the sandbox, per channel (WeChat Pay v2 and v3, Alipay): the request and the provider's
 * refund notification; a notification that never comes, repaired by the refund sweep's query; a request whose
 * answer was lost, settled by query and never sent again; a request that never arrived, sent again with the same
 * number; a refund made in the provider's merchant platform, recorded as EXTERNAL.
 */
@PayReconIT
class RefundChannelsIT {

	@LocalServerPort
	int port;

	@Autowired
	RefundSweep sweep;

	@Autowired
	MeterRegistry meters;

	RefundWire wire;

	@BeforeEach
	void setUp() {
		wire = new RefundWire(port);
		for (String account : Set.of("refund-wx2", "refund-wx3", "refund-ali")) {
			wire.control("DELETE", "/merchants/" + account + "/faults", null);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "refund-wx2", "refund-wx3", "refund-ali" })
	void aRefundSucceedsAndItsNotificationIsAppliedOnce(String account) {
		String no = TestData.outTradeNo();
		wire.paidOrder(account, no, 1000);

		assertThat(wire.refund(account, no, no + "-R", 400, "returned").statusCode()).isEqualTo(201);

		JsonNode refund = RefundWire.await(() -> wire.getRefund(account, no, no + "-R"),
				r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));
		JsonNode success = RefundApiIT.last(refund, "STATUS_CHANGED");
		// WeChat refunds finish later and are notified; Alipay's answer to the request says SUCCESS at once
		assertThat(success.path("source").asString()).isEqualTo(account.equals("refund-ali") ? "QUERY" : "NOTIFY");
		JsonNode order = wire.order(account, no);
		assertThat(order.path("status").asString()).isEqualTo("PARTIALLY_REFUNDED");
		assertThat(order.path("refunded").asLong()).isEqualTo(400);
		// the provider's notifications (Alipay's too) were all delivered, and applied no second time
		awaitDelivered(account, no);
		assertThat(RefundApiIT.types(wire.getRefund(account, no, no + "-R"))).filteredOn("STATUS_CHANGED"::equals).hasSize(1);
		assertThat(wire.sandboxRefund(account, no, no + "-R").path("requestCount").asInt()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "refund-wx2", "refund-wx3", "refund-ali" })
	void aRefundWhoseAnswerAndNotificationAreLostIsSettledByTheSweepsQueryNeverSentAgain(String account) throws Exception {
		String no = TestData.outTradeNo();
		wire.paidOrder(account, no, 800);
		wire.control("PUT", "/merchants/" + account + "/faults", Map.of("dropShare", 1.0, "refundLostAnswerShare", 1.0));

		JsonNode sent = RefundWire.JSON.readTree(wire.refund(account, no, no + "-R", 800, null).body());

		assertThat(sent.path("status").asString()).isEqualTo("PROCESSING"); // the provider's answer never came
		assertThat(RefundApiIT.types(wire.getRefund(account, no, no + "-R"))).contains("ANSWER_UNKNOWN");
		double repairsBefore = repairs(account);
		Thread.sleep(2500); // payrecon.refunds.first-check-after in the it profile
		RefundWire.await(() -> {
			sweep.sweep(new RefundSweep.Parameters(Duration.ZERO, 2, 100, Set.of(account)), "refund-sweep#it");
			return wire.getRefund(account, no, no + "-R");
		}, r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));
		JsonNode refund = wire.getRefund(account, no, no + "-R");
		JsonNode success = RefundApiIT.last(refund, "STATUS_CHANGED");
		assertThat(success.path("source").asString()).isEqualTo("QUERY");
		assertThat(success.path("actor").asString()).isEqualTo("refund-sweep#it");
		assertThat(wire.order(account, no).path("status").asString()).isEqualTo("REFUNDED");
		// asked once at the provider: the unknown answer was settled by the query, not by sending it again
		assertThat(wire.sandboxRefund(account, no, no + "-R").path("requestCount").asInt()).isEqualTo(1);
		assertThat(RefundApiIT.types(refund)).doesNotContain("RESUBMITTED");
		assertThat(repairs(account)).isEqualTo(repairsBefore + 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "refund-wx2", "refund-wx3", "refund-ali" })
	void aRequestThatNeverArrivedIsSentAgainWithTheSameNumber(String account) throws Exception {
		String no = TestData.outTradeNo();
		wire.paidOrder(account, no, 600);
		wire.control("PUT", "/merchants/" + account + "/faults", Map.of("queryHttpErrorShare", 1.0));

		JsonNode sent = RefundWire.JSON.readTree(wire.refund(account, no, no + "-R", 250, null).body());

		assertThat(sent.path("status").asString()).isEqualTo("PROCESSING");
		assertThat(wire.sandboxRefund(account, no, no + "-R")).isNull(); // refused with a 502 before the provider saw it
		wire.control("DELETE", "/merchants/" + account + "/faults", null);
		Thread.sleep(2500);
		RefundWire.await(() -> {
			sweep.sweep(new RefundSweep.Parameters(Duration.ZERO, 2, 100, Set.of(account)), "refund-sweep#it");
			return wire.getRefund(account, no, no + "-R");
		}, r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));
		JsonNode refund = wire.getRefund(account, no, no + "-R");
		assertThat(RefundApiIT.types(refund)).containsSubsequence("SUBMITTED", "ANSWER_UNKNOWN", "RESUBMITTED");
		assertThat(wire.sandboxRefund(account, no, no + "-R").path("requestCount").asInt()).isEqualTo(1);
		assertThat(wire.order(account, no).path("refunded").asLong()).isEqualTo(250);
	}

	@ParameterizedTest
	@ValueSource(strings = { "refund-wx2", "refund-wx3", "refund-ali" })
	void aRefundMadeInTheMerchantPlatformIsRecordedAsExternal(String account) {
		String no = TestData.outTradeNo();
		wire.paidOrder(account, no, 900);

		wire.control("POST", "/orders/" + account + "/" + no + "/refund", Map.of("amount", 300, "outRefundNo", no + "-P"));

		// v3: recorded from its signed notification; v2 (encryption only) and Alipay (no refund amount): confirmed by a
		// refund query first
		JsonNode refund = RefundWire.await(() -> wire.getRefund(account, no, no + "-P"),
				r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));
		assertThat(refund.path("source").asString()).isEqualTo("EXTERNAL");
		assertThat(refund.path("amount").asLong()).isEqualTo(300);
		JsonNode created = refund.path("events").get(0);
		assertThat(created.path("type").asString()).isEqualTo("CREATED");
		assertThat(created.path("source").asString()).isEqualTo(account.equals("refund-wx3") ? "NOTIFY" : "QUERY");
		JsonNode order = wire.order(account, no);
		assertThat(order.path("status").asString()).isEqualTo("PARTIALLY_REFUNDED");
		assertThat(order.path("refunded").asLong()).isEqualTo(300);
		// what is left to refund here knows about it
		assertThat(wire.refund(account, no, no + "-R", 601, null).statusCode()).isEqualTo(422);
	}

	@Test
	void refundsAreScrapedByChannelAndStatusWithTheAmountPerDay() {
		String no = TestData.outTradeNo();
		wire.paidOrder("refund-wx3", no, 1000);
		Map<String, String> account = Map.of("account", "refund-wx3");
		Scrape before = Scrape.of(wire.http);

		assertThat(wire.refund("refund-wx3", no, no + "-R", 345, null).statusCode()).isEqualTo(201);
		RefundWire.await(() -> wire.getRefund("refund-wx3", no, no + "-R"),
				r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));

		// the day's gauge is read from the database at most every payrecon.operations.gauge-cache (5 s)
		Instant end = Instant.now().plusSeconds(20);
		Scrape after = Scrape.of(wire.http);
		while (after.value("payrecon_refunds_today_fen", account) == before.value("payrecon_refunds_today_fen", account)
				&& Instant.now().isBefore(end)) {
			sleep(500);
			after = Scrape.of(wire.http);
		}
		assertThat(after.value("payrecon_refunds_today_fen", account) - before.value("payrecon_refunds_today_fen", account))
			.isEqualTo(345);
		assertThat(after.value("payrecon_refunds_amount_fen_total", account)
				- before.value("payrecon_refunds_amount_fen_total", account)).isEqualTo(345);
		for (String status : List.of("PROCESSING", "SUCCESS")) {
			Map<String, String> labels = Map.of("channel", "wechatpay-v3", "status", status);
			assertThat(after.value("payrecon_refunds_total", labels) - before.value("payrecon_refunds_total", labels))
				.as(status).isGreaterThanOrEqualTo(1);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void awaitDelivered(String account, String no) {
		RefundWire.await(() -> wire.control("GET", "/deliveries?merchantId=" + account + "&outTradeNo=" + no, null),
				ds -> {
					for (JsonNode d : ds) {
						if (!"DELIVERED".equals(d.path("status").asString())) {
							return false;
						}
					}
					return ds.size() >= 2; // the payment's and the refund's
				}, Duration.ofSeconds(20));
	}

	private double repairs(String account) {
		var counter = meters.find(RefundQueries.REPAIR_METRIC).tag("account", account).tag("trigger", "refund-sweep").counter();
		return counter == null ? 0 : counter.count();
	}
}
