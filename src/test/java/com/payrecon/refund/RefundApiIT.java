package com.payrecon.refund;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The refund API against the sandbox's WeChat Pay v2 (refund-wx2): asked for, sent once, PROCESSING, settled by the
 * provider's refund notification; the order's refunded amount and status follow; idempotency, field errors, 422.
 */
@PayReconIT
class RefundApiIT {

	static final String ACCOUNT = "refund-wx2";

	@LocalServerPort
	int port;

	RefundWire wire;

	@BeforeEach
	void setUp() {
		wire = new RefundWire(port);
		wire.control("DELETE", "/merchants/" + ACCOUNT + "/faults", null);
	}

	@Test
	void twoPartialRefundsAreSentOnceEachAndTheOrderFollowsFromThem() {
		String no = TestData.outTradeNo();
		wire.paidOrder(ACCOUNT, no, 1000);

		HttpResponse<String> first = wire.refund(ACCOUNT, no, no + "-R1", 300, "size did not fit");

		assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
		JsonNode sent = RefundWire.JSON.readTree(first.body());
		assertThat(sent.path("status").asString()).isIn("PROCESSING", "SUCCESS");
		assertThat(sent.path("providerRefundId").asString()).startsWith("5030");
		assertThat(sent.path("source").asString()).isEqualTo("API");
		JsonNode done = RefundWire.await(() -> wire.getRefund(ACCOUNT, no, no + "-R1"),
				r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));
		assertThat(types(done)).containsSubsequence("CREATED", "SUBMITTED", "STATUS_CHANGED");
		JsonNode success = last(done, "STATUS_CHANGED");
		assertThat(success.path("to").asString()).isEqualTo("SUCCESS");
		assertThat(success.path("source").asString()).isEqualTo("NOTIFY");
		assertThat(success.path("rawNotificationId").isNumber()).isTrue();
		JsonNode order = wire.order(ACCOUNT, no);
		assertThat(order.path("status").asString()).isEqualTo("PARTIALLY_REFUNDED");
		assertThat(order.path("refunded").asLong()).isEqualTo(300);

		assertThat(wire.refund(ACCOUNT, no, no + "-R2", 700, null).statusCode()).isEqualTo(201);
		RefundWire.await(() -> wire.order(ACCOUNT, no), o -> "REFUNDED".equals(o.path("status").asString()),
				Duration.ofSeconds(20));
		order = wire.order(ACCOUNT, no);
		assertThat(order.path("refunded").asLong()).isEqualTo(1000);
		JsonNode statusEvents = order.path("events");
		assertThat(statusEvents.toString()).contains("\"to\":\"PARTIALLY_REFUNDED\"").contains("\"to\":\"REFUNDED\"");
		// at the provider: two refunds, each asked for once
		assertThat(wire.sandboxRefund(ACCOUNT, no, no + "-R1").path("requestCount").asInt()).isEqualTo(1);
		assertThat(wire.sandboxRefund(ACCOUNT, no, no + "-R2").path("requestCount").asInt()).isEqualTo(1);
		// nothing is left to refund
		HttpResponse<String> more = wire.refund(ACCOUNT, no, no + "-R3", 1, null);
		assertThat(more.statusCode()).isEqualTo(422);
		assertThat(RefundWire.JSON.readTree(more.body()).path("refundable").asLong()).isZero();
	}

	@Test
	void theSameRefundAgainAnswersItAndADifferentOneConflicts() {
		String no = TestData.outTradeNo();
		wire.paidOrder(ACCOUNT, no, 500);
		String refundNo = no + "-R";

		HttpResponse<String> created = wire.refund(ACCOUNT, no, refundNo, 200, "broken");
		HttpResponse<String> again = wire.refund(ACCOUNT, no, refundNo, 200, "broken");
		HttpResponse<String> otherAmount = wire.refund(ACCOUNT, no, refundNo, 201, "broken");
		HttpResponse<String> otherReason = wire.refund(ACCOUNT, no, refundNo, 200, "late");

		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(RefundWire.JSON.readTree(again.body()).path("outRefundNo").asString()).isEqualTo(refundNo);
		assertThat(otherAmount.statusCode()).isEqualTo(409);
		assertThat(RefundWire.JSON.readTree(otherAmount.body()).path("field").asString()).isEqualTo("amount");
		assertThat(otherReason.statusCode()).isEqualTo(409);
		assertThat(RefundWire.JSON.readTree(otherReason.body()).path("field").asString()).isEqualTo("reason");
		// the same number on another order of the account is another refund: refused too
		String other = TestData.outTradeNo();
		wire.paidOrder(ACCOUNT, other, 500);
		HttpResponse<String> elsewhere = wire.refund(ACCOUNT, other, refundNo, 200, "broken");
		assertThat(elsewhere.statusCode()).isEqualTo(409);
		assertThat(RefundWire.JSON.readTree(elsewhere.body()).path("field").asString()).isEqualTo("outTradeNo");
		// sent to the provider once
		assertThat(wire.sandboxRefund(ACCOUNT, no, refundNo).path("requestCount").asInt()).isEqualTo(1);
		assertThat(wire.getRefund(ACCOUNT, no, refundNo).path("events").toString().split("SUBMITTED", -1)).hasSize(2);
	}

	@Test
	void badInputIsRefusedNamingTheField() {
		String no = TestData.outTradeNo();
		wire.paidOrder(ACCOUNT, no, 500);
		Map<String, String> cases = Map.of(
				"{\"amount\":100}", "outRefundNo",
				"{\"outRefundNo\":\"bad number!\",\"amount\":100}", "outRefundNo",
				"{\"outRefundNo\":\"R1\",\"amount\":\"100\"}", "amount",
				"{\"outRefundNo\":\"R1\",\"amount\":1.5}", "amount",
				"{\"outRefundNo\":\"R1\",\"amount\":0}", "amount",
				"{\"outRefundNo\":\"R1\",\"amount\":100,\"reason\":12}", "reason",
				"{\"outRefundNo\":\"R1\",\"amount\":100,\"reason\":\"" + "x".repeat(81) + "\"}", "reason");
		cases.forEach((body, field) -> {
			HttpResponse<String> response = wire.refund(ACCOUNT, no, body);
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(RefundWire.JSON.readTree(response.body()).path("field").asString()).as(body).isEqualTo(field);
		});
		assertThat(wire.refund(ACCOUNT, no, "{\"outRefundNo\":\"R1\",\"amount\":100,\"amount\":200}").statusCode())
			.isEqualTo(400);
		assertThat(wire.refund(ACCOUNT, no, "not json").statusCode()).isEqualTo(400);
		assertThat(wire.refund(ACCOUNT, "NOPE" + no, no + "-R", 100, null).statusCode()).isEqualTo(404);
		assertThat(wire.refund("no-such-account", no, no + "-R", 100, null).statusCode()).isEqualTo(404);
		assertThat(wire.http.get("/api/orders/" + ACCOUNT + "/" + no + "/refunds/NOPE", Map.of()).statusCode()).isEqualTo(401);
		assertThat(wire.http.get("/api/orders/" + ACCOUNT + "/" + no + "/refunds/NOPE", RefundWire.AUTH).statusCode())
			.isEqualTo(404);
	}

	@Test
	void aboveWhatIsRefundableOrOnAnUnpaidOrderIs422AndNothingIsSent() {
		String no = TestData.outTradeNo();
		wire.paidOrder(ACCOUNT, no, 500);

		HttpResponse<String> above = wire.refund(ACCOUNT, no, no + "-R1", 501, null);

		assertThat(above.statusCode()).isEqualTo(422);
		JsonNode body = RefundWire.JSON.readTree(above.body());
		assertThat(body.path("field").asString()).isEqualTo("amount");
		assertThat(body.path("refundable").asLong()).isEqualTo(500);
		assertThat(wire.sandboxRefund(ACCOUNT, no, no + "-R1")).isNull();
		assertThat(wire.http.get("/api/orders/" + ACCOUNT + "/" + no + "/refunds/" + no + "-R1", RefundWire.AUTH).statusCode())
			.isEqualTo(404);

		String unpaid = TestData.outTradeNo();
		wire.http.post("/api/orders", "application/json", RefundWire.json(Map.of("accountId", ACCOUNT, "outTradeNo", unpaid,
				"amount", 500, "currency", "CNY", "description", "unpaid")).getBytes(), RefundWire.AUTH);
		HttpResponse<String> notPaid = wire.refund(ACCOUNT, unpaid, unpaid + "-R", 100, null);
		assertThat(notPaid.statusCode()).isEqualTo(422);
		assertThat(RefundWire.JSON.readTree(notPaid.body()).path("message").asString()).contains("PENDING");
	}

	@Test
	void anOrdersRefundsAreListedWithTheRefundedAmount() {
		String no = TestData.outTradeNo();
		wire.paidOrder(ACCOUNT, no, 900);
		wire.refund(ACCOUNT, no, no + "-A", 100, null);
		wire.refund(ACCOUNT, no, no + "-B", 200, null);
		RefundWire.await(() -> RefundWire.JSON.readTree(wire.http.get("/api/orders/" + ACCOUNT + "/" + no + "/refunds",
				RefundWire.AUTH).body()), l -> l.path("refunded").asLong() == 300, Duration.ofSeconds(20));

		JsonNode list = RefundWire.JSON.readTree(wire.http.get("/api/orders/" + ACCOUNT + "/" + no + "/refunds",
				RefundWire.AUTH).body());

		assertThat(list.path("status").asString()).isEqualTo("PARTIALLY_REFUNDED");
		List<String> numbers = new ArrayList<>();
		list.path("refunds").forEach(r -> numbers.add(r.path("outRefundNo").asString()));
		assertThat(numbers).containsExactly(no + "-A", no + "-B");
	}

	/** application-it.yaml: the client {@code limited-it} may use the account wx2-hmac only (issue 11). */
	static final Map<String, String> LIMITED = Map.of("Authorization", "Bearer it-limited-token-0123456789");

	@Test
	void aClientLimitedToAnotherAccountNeitherRefundsNorSeesRefunds() {
		String no = TestData.outTradeNo();
		wire.paidOrder(ACCOUNT, no, 500);
		assertThat(wire.refund(ACCOUNT, no, no + "-R", 100, null).statusCode()).isEqualTo(201);
		String base = "/api/orders/" + ACCOUNT + "/" + no + "/refunds";

		HttpResponse<String> refused = wire.http.post(base, "application/json",
				RefundWire.json(Map.of("outRefundNo", no + "-L", "amount", 100)).getBytes(java.nio.charset.StandardCharsets.UTF_8),
				LIMITED);

		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
		assertThat(wire.http.get(base, LIMITED).statusCode()).isEqualTo(404);
		assertThat(wire.http.get(base + "/" + no + "-R", LIMITED).statusCode()).isEqualTo(404);
		// nothing was recorded or sent for the limited client
		assertThat(wire.http.get(base + "/" + no + "-L", RefundWire.AUTH).statusCode()).isEqualTo(404);
		assertThat(wire.sandboxRefund(ACCOUNT, no, no + "-L")).isNull();
	}

	@Autowired
	RefundService refundService;

	@Test
	void theApiNamesNoConsoleUserBehindARefund() {
		String no = TestData.outTradeNo();
		wire.paidOrder(ACCOUNT, no, 500);
		var proposed = refundService.request(new RefundService.RequestRefund(ACCOUNT, no, no + "-C",
				com.payrecon.support.money.Fen.of(100), "returned", RefundSource.CONSOLE, "finance.secret-login", true),
				new com.payrecon.order.Cause(com.payrecon.order.EventSource.OPERATOR, "finance.secret-login", null,
						"proposed after a call with the shop: note for colleagues"));
		assertThat(proposed).isInstanceOf(RefundService.Created.class);

		String one = wire.http.get("/api/orders/" + ACCOUNT + "/" + no + "/refunds/" + no + "-C", RefundWire.AUTH).body();
		String list = wire.http.get("/api/orders/" + ACCOUNT + "/" + no + "/refunds", RefundWire.AUTH).body();

		for (String body : List.of(one, list)) {
			assertThat(body).doesNotContain("finance.secret-login").doesNotContain("note for colleagues");
		}
		JsonNode refund = RefundWire.JSON.readTree(one);
		assertThat(refund.path("requestedBy").asString()).isEqualTo("operator");
		assertThat(last(refund, "CREATED").path("actor").asString()).isEqualTo("operator");
	}

	static List<String> types(JsonNode refund) {
		List<String> types = new ArrayList<>();
		refund.path("events").forEach(e -> types.add(e.path("type").asString()));
		return types;
	}

	static JsonNode last(JsonNode refund, String type) {
		JsonNode found = null;
		for (JsonNode e : refund.path("events")) {
			if (type.equals(e.path("type").asString())) {
				found = e;
			}
		}
		return found;
	}
}
