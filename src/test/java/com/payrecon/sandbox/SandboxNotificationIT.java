package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Notification delivery: retry schedules (time scale 1000 in the it profile), the exact success answers, and the
 * notification faults, with PayRecon's own notify endpoint as the receiver where it can be.
 */
@PayReconIT
class SandboxNotificationIT {

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	SandboxWire wire;
	HttpServer receiver;
	final List<String> received = Collections.synchronizedList(new ArrayList<>());

	@BeforeEach
	void setUp() {
		clock.reset();
		wire = new SandboxWire(port);
		for (String m : List.of("wx2-md5", "wx2-hmac", "wx3", "ali")) {
			wire.control("DELETE", "/merchants/" + m + "/faults", null);
		}
	}

	@AfterEach
	void tearDown() {
		if (receiver != null) {
			receiver.stop(0);
		}
	}

	/** Registers and pays an order in the sandbox (and, for PayRecon receivers, creates it in PayRecon first). */
	private void placeAndPay(String merchant, String no, long amount, String notifyUrl, boolean inPayRecon) {
		if (inPayRecon) {
			wire.createPayReconOrder(merchant, no, amount);
		}
		Map<String, Object> order = new java.util.LinkedHashMap<>(Map.of("merchantId", merchant, "outTradeNo", no, "amount", amount));
		if (notifyUrl != null) {
			order.put("notifyUrl", notifyUrl);
		}
		wire.control("POST", "/orders", order);
		wire.control("POST", "/orders/" + merchant + "/" + no + "/pay", Map.of());
	}

	private JsonNode deliveries(String merchant, String no) {
		return wire.control("GET", "/deliveries?merchantId=" + merchant + "&outTradeNo=" + no, null);
	}

	private static List<Instant> attemptTimes(JsonNode delivery) {
		List<Instant> times = new ArrayList<>();
		delivery.path("attempts").forEach(a -> times.add(Instant.parse(a.path("attemptedAt").asString())));
		return times;
	}

	@Test
	void retriesOnTheV3ScheduleUntilPayReconAcceptsAndStops() throws Exception {
		wire.control("PUT", "/merchants/wx3/faults", Map.of("badSignatureFirstAttempts", 4));
		String no = TestData.outTradeNo();
		placeAndPay("wx3", no, 1234, null, true);
		SandboxWire.await(() -> wire.payReconOrder("wx3", no), o -> "PAID".equals(o.path("status").asString()), Duration.ofSeconds(30));
		JsonNode d = SandboxWire.await(() -> deliveries("wx3", no).get(0), x -> "DELIVERED".equals(x.path("status").asString()),
				Duration.ofSeconds(10));
		JsonNode attempts = d.path("attempts");
		assertThat(attempts).hasSize(5);
		for (int i = 0; i < 4; i++) {
			assertThat(attempts.get(i).path("httpStatus").asInt()).isEqualTo(401); // PayRecon refused the broken signature
			assertThat(attempts.get(i).path("success").asBoolean()).isFalse();
		}
		assertThat(attempts.get(4).path("httpStatus").asInt()).isIn(200, 204);
		List<Instant> t = attemptTimes(d);
		long[] expectedSeconds = { 15, 15, 30, 180 }; // scaled by 1000: 15 ms, 15 ms, 30 ms, 180 ms
		for (int i = 0; i < 4; i++) {
			assertThat(Duration.between(t.get(i), t.get(i + 1)).toMillis()).isGreaterThanOrEqualTo(expectedSeconds[i]);
		}
		Thread.sleep(1000); // the next step would have been 600 ms later: nothing more after the success answer
		assertThat(deliveries("wx3", no).get(0).path("attempts")).hasSize(5);
		// paid exactly once: by the 5th delivery, or earlier by PayRecon's query after the first failed verification
		String events = wire.payReconOrder("wx3", no).path("events").toString();
		assertThat(events.split("\"to\":\"PAID\"", -1)).hasSize(2);
	}

	@Test
	void onlyTheExactSuccessAnswerStopsRetries() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/v2", exchange -> {
			exchange.getRequestBody().readAllBytes();
			int n = calls.incrementAndGet();
			String answer = n == 1 ? "SUCCESS" // plain string: not accepted for v2
					: n == 2 ? "<xml><return_code>FAIL</return_code></xml>"
							: "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>";
			reply(exchange, 200, answer);
		});
		AtomicInteger aliCalls = new AtomicInteger();
		receiver.createContext("/ali", exchange -> {
			received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			int n = aliCalls.incrementAndGet();
			reply(exchange, n == 1 ? 500 : 200, n == 2 ? "success\n" : n == 3 ? "SUCCESS" : "success");
		});
		receiver.start();
		String base = "http://127.0.0.1:" + receiver.getAddress().getPort();

		String v2 = TestData.outTradeNo();
		placeAndPay("wx2-md5", v2, 100, base + "/v2", false);
		JsonNode d2 = SandboxWire.await(() -> deliveries("wx2-md5", v2).get(0), x -> "DELIVERED".equals(x.path("status").asString()),
				Duration.ofSeconds(10));
		assertThat(d2.path("attempts")).hasSize(3);

		String ali = TestData.outTradeNo();
		placeAndPay("ali", ali, 100, base + "/ali", false);
		// Alipay's first gaps are 4 min and 10 min: 240 ms and 600 ms at scale 1000
		JsonNode da = SandboxWire.await(() -> deliveries("ali", ali).get(0), x -> "DELIVERED".equals(x.path("status").asString()),
				Duration.ofSeconds(20));
		assertThat(da.path("attempts")).hasSize(4);
		List<Instant> t = attemptTimes(da);
		assertThat(Duration.between(t.get(0), t.get(1)).toMillis()).isGreaterThanOrEqualTo(240);
		assertThat(Duration.between(t.get(1), t.get(2)).toMillis()).isGreaterThanOrEqualTo(600);
		// notify_id stays the same across retries
		List<String> ids = received.stream().map(b -> b.replaceAll(".*notify_id=([0-9]+).*", "$1")).distinct().toList();
		assertThat(ids).hasSize(1);
		assertThat(received).hasSize(4);
	}

	private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

	@Test
	void droppedNotificationsAreRecordedAndNeverSent() {
		wire.control("PUT", "/merchants/wx2-hmac/faults", Map.of("dropShare", 1.0));
		String no = TestData.outTradeNo();
		placeAndPay("wx2-hmac", no, 700, null, true);
		JsonNode d = deliveries("wx2-hmac", no);
		assertThat(d).hasSize(1);
		assertThat(d.get(0).path("status").asString()).isEqualTo("DROPPED");
		assertThat(d.get(0).path("attempts")).isEmpty();
		assertThat(wire.payReconOrder("wx2-hmac", no).path("status").asString()).isNotEqualTo("PAID");
	}

	@Test
	void duplicatesCarryTheSameIdAndPayReconAppliesOnce() {
		wire.control("PUT", "/merchants/ali/faults", Map.of("duplicateShare", 1.0));
		String no = TestData.outTradeNo();
		placeAndPay("ali", no, 990, null, true);
		JsonNode d = SandboxWire.await(() -> deliveries("ali", no),
				x -> x.size() == 2 && "DELIVERED".equals(x.get(0).path("status").asString())
						&& "DELIVERED".equals(x.get(1).path("status").asString()),
				Duration.ofSeconds(15));
		assertThat(d.get(0).path("notifyId").asString()).isEqualTo(d.get(1).path("notifyId").asString());
		JsonNode order = wire.payReconOrder("ali", no);
		assertThat(order.path("status").asString()).isEqualTo("PAID");
		long applied = 0;
		for (JsonNode e : order.path("events")) {
			if ("PAID".equals(e.path("to").asString())) {
				applied++;
			}
		}
		assertThat(applied).isEqualTo(1);
	}

	@Test
	void forgedAmountsAndBrokenSignaturesAreRefusedByPayRecon() {
		for (String merchant : List.of("wx2-md5", "wx3", "ali")) {
			wire.control("PUT", "/merchants/" + merchant + "/faults", Map.of("tamperAmountShare", 1.0));
			String tampered = TestData.outTradeNo();
			placeAndPay(merchant, tampered, 5000, null, true);
			JsonNode d = SandboxWire.await(() -> deliveries(merchant, tampered).get(0), x -> x.path("attempts").size() >= 2,
					Duration.ofSeconds(15));
			assertThat(d.path("fault").asString()).isEqualTo("TAMPERED_AMOUNT");
			assertThat(d.path("attempts").get(0).path("success").asBoolean()).as(merchant).isFalse();
			// the forged notification changes nothing; PayRecon may only mark the order paid from the provider's
			// signed query answer (its follow-up to a failed verification), never from the notification
			assertNotPaidByNotification(wire.payReconOrder(merchant, tampered));

			wire.control("PUT", "/merchants/" + merchant + "/faults", Map.of("badSignatureShare", 1.0));
			String broken = TestData.outTradeNo();
			placeAndPay(merchant, broken, 5000, null, true);
			JsonNode b = SandboxWire.await(() -> deliveries(merchant, broken).get(0), x -> x.path("attempts").size() >= 2,
					Duration.ofSeconds(15));
			assertThat(b.path("attempts").get(0).path("success").asBoolean()).isFalse();
			assertNotPaidByNotification(wire.payReconOrder(merchant, broken));
			wire.control("DELETE", "/merchants/" + merchant + "/faults", null);
		}
	}

	private static void assertNotPaidByNotification(JsonNode order) {
		for (JsonNode event : order.path("events")) {
			if ("PAID".equals(event.path("to").asString())) {
				assertThat(event.path("source").asString()).as(event.toString()).isEqualTo("QUERY");
				assertThat(event.path("actor").asString()).startsWith("verification-failure:");
			}
		}
	}

	@Test
	void unknownOrderNotificationsAreSignedAndAcknowledged() {
		wire.control("PUT", "/merchants/wx2-md5/faults", Map.of("unknownOrderShare", 1.0));
		String no = TestData.outTradeNo();
		placeAndPay("wx2-md5", no, 300, null, true);
		JsonNode all = SandboxWire.await(() -> wire.control("GET", "/deliveries?merchantId=wx2-md5&limit=20", null),
				x -> {
					for (JsonNode d : x) {
						if ("UNKNOWN_ORDER".equals(d.path("fault").asString()) && "DELIVERED".equals(d.path("status").asString())) {
							return true;
						}
					}
					return false;
				}, Duration.ofSeconds(10));
		assertThat(all.toString()).contains("UNKNOWN");
		JsonNode explicit = wire.control("POST", "/merchants/wx2-md5/unknown-order-notifications", Map.of());
		assertThat(explicit.path("fault").asString()).isEqualTo("UNKNOWN_ORDER");
	}

	@Test
	void outagesHoldDeliveriesAndSeedsRepeatDecisions() {
		Instant now = Instant.now();
		wire.control("PUT", "/merchants/wx2-hmac/faults", Map.of("outages",
				List.of(Map.of("from", now.minusSeconds(1).toString(), "to", now.plusSeconds(3).toString()))));
		String held = TestData.outTradeNo();
		placeAndPay("wx2-hmac", held, 100, null, true);
		try {
			Thread.sleep(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		assertThat(deliveries("wx2-hmac", held).get(0).path("attempts")).isEmpty();
		JsonNode delivered = SandboxWire.await(() -> deliveries("wx2-hmac", held).get(0),
				x -> "DELIVERED".equals(x.path("status").asString()), Duration.ofSeconds(10));
		assertThat(Instant.parse(delivered.path("attempts").get(0).path("attemptedAt").asString())).isAfter(now.plusSeconds(2));

		List<String> first = dropPattern(77);
		List<String> second = dropPattern(77);
		assertThat(first).isEqualTo(second).contains("DROPPED", "PENDING");
	}

	private List<String> dropPattern(long seed) {
		wire.control("PUT", "/merchants/wx2-md5/faults", Map.of("dropShare", 0.5, "seed", seed));
		List<String> pattern = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			String no = TestData.outTradeNo();
			placeAndPay("wx2-md5", no, 100, "http://127.0.0.1:9/none", false);
			pattern.add("DROPPED".equals(deliveries("wx2-md5", no).get(0).path("status").asString()) ? "DROPPED" : "PENDING");
		}
		return pattern;
	}

	/** Lingering retries (forged, refused) must not reach PayRecon while other test classes count notifications. */
	@org.junit.jupiter.api.AfterEach
	void stopLingeringDeliveries() {
		for (String m : java.util.List.of("wx2-md5", "wx2-hmac", "wx3", "ali")) {
			new SandboxWire(port).control("DELETE", "/merchants/" + m + "/pending-deliveries", null);
			new SandboxWire(port).control("DELETE", "/merchants/" + m + "/faults", null);
		}
	}

}
