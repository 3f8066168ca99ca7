package com.payrecon.refund;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.payrecon.notify.Notifications;
import com.payrecon.notify.Notifications.V3Delivery;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import tools.jackson.databind.JsonNode;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;

/**
 * Refund notifications as an attacker or a misbehaving network would send them (docs/threat-cases.md B7, R1–R5 for
 * refunds): forged (wrong key, broken signature), tampered (an authentic-looking v2 notice with another amount, as
 * ECB block splicing allows), replayed, duplicated, out of order (a refund notice before the payment's), and claims of
 * more refunded than paid. None changes a refund or an order by itself; where the provider is asked, its signed
 * answer decides.
 */
@PayReconIT
class RefundNotifyIT {

	static final String V2_ACK = "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>";

	@LocalServerPort
	int port;

	@Autowired
	DSLContext dsl;

	RefundWire wire;

	@BeforeEach
	void setUp() {
		wire = new RefundWire(port);
		for (String account : new String[] { "refund-wx2", "refund-wx3", "refund-ali" }) {
			wire.control("DELETE", "/merchants/" + account + "/faults", null);
		}
	}

	/**
	 * A paid order with a refund sent, finished at the provider (SUCCESS there) and still PROCESSING here: its
	 * notification was dropped.
	 */
	private JsonNode processingRefund(String account, String no, long paid, long refund) {
		wire.paidOrder(account, no, paid);
		wire.control("PUT", "/merchants/" + account + "/faults", Map.of("dropShare", 1.0));
		assertThat(wire.refund(account, no, no + "-R", refund, null).statusCode()).isEqualTo(201);
		RefundWire.await(() -> wire.sandboxRefund(account, no, no + "-R"), r -> "SUCCESS".equals(r.path("status").asString()),
				Duration.ofSeconds(10));
		JsonNode r = wire.getRefund(account, no, no + "-R");
		assertThat(r.path("status").asString()).isEqualTo("PROCESSING");
		return r;
	}

	private HttpResponse<String> postV2(String xml) {
		return wire.http.post("/notify/wechatpay-v2/refund-wx2", "text/xml", xml.getBytes(StandardCharsets.UTF_8), Map.of());
	}

	private HttpResponse<String> postV3(V3Delivery delivery) {
		return wire.http.post("/notify/wechatpay-v3/refund-wx3", "application/json", delivery.body(), delivery.headers());
	}

	private HttpResponse<String> postAlipay(Map<String, String> params) {
		return wire.http.post("/notify/alipay/refund-ali", "application/x-www-form-urlencoded",
				Notifications.alipayForm(params), Map.of());
	}

	private String lastVerdict(String account) {
		return dsl.select(RAW_NOTIFICATION.VERDICT).from(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ACCOUNT_ID.eq(account))
			.orderBy(RAW_NOTIFICATION.ID.desc()).limit(1).fetchOne(RAW_NOTIFICATION.VERDICT);
	}

	@Test
	void b7_aV2NoticeWithAnotherAmountIsKeptForReviewAndTheProvidersAnswerDecides() {
		String no = TestData.outTradeNo();
		JsonNode refund = processingRefund("refund-wx2", no, 1000, 400);
		String txn = wire.order("refund-wx2", no).path("providerTransactionId").asString();
		String refundId = refund.path("providerRefundId").asString();
		// decrypts with the account's key (ECB: blocks of genuine notices spliced), but says 900 were refunded
		String tampered = Notifications.v2RefundPlain(no, txn, no + "-R", refundId, 900, 1000, "SUCCESS");

		assertThat(postV2(Notifications.v2Refund(tampered, Notifications.REFUND_V2_KEY)).body()).isEqualTo(V2_ACK);

		assertThat(lastVerdict("refund-wx2")).isEqualTo("REFUND_MISMATCH");
		// the follow-up asks the provider; its signed answer (400, SUCCESS once the sandbox finished) is applied
		JsonNode settled = RefundWire.await(() -> wire.getRefund("refund-wx2", no, no + "-R"),
				r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));
		assertThat(settled.path("amount").asLong()).isEqualTo(400);
		assertThat(settled.path("needsReview").asBoolean()).isTrue();
		assertThat(RefundApiIT.types(settled)).contains("MISMATCH");
		JsonNode applied = RefundApiIT.last(settled, "STATUS_CHANGED");
		assertThat(applied.path("source").asString()).isEqualTo("QUERY");
		assertThat(applied.path("actor").asString()).startsWith("refund-notice:");
		assertThat(wire.order("refund-wx2", no).path("refunded").asLong()).isEqualTo(400);
	}

	@Test
	void b7_aV2NoticeEncryptedWithAnotherKeyIsRefusedAndChangesNothing() {
		String no = TestData.outTradeNo();
		JsonNode refund = processingRefund("refund-wx2", no, 500, 500);
		String txn = wire.order("refund-wx2", no).path("providerTransactionId").asString();
		String plain = Notifications.v2RefundPlain(no, txn, no + "-R", refund.path("providerRefundId").asString(), 500, 500,
				"SUCCESS");

		HttpResponse<String> forged = postV2(Notifications.v2Refund(plain, "f".repeat(32)));

		assertThat(forged.statusCode()).isEqualTo(400);
		assertThat(forged.body()).contains("FAIL");
		assertThat(lastVerdict("refund-wx2")).isEqualTo("DECRYPT_FAILED");
		assertThat(wire.getRefund("refund-wx2", no, no + "-R").path("status").asString()).isEqualTo("PROCESSING");
		assertThat(wire.order("refund-wx2", no).path("status").asString()).isEqualTo("PAID");
	}

	@Test
	void r1_r4_aGenuineV2NoticeAppliesOnceAndItsReplaysAreDuplicates() {
		String no = TestData.outTradeNo();
		JsonNode refund = processingRefund("refund-wx2", no, 700, 700);
		String txn = wire.order("refund-wx2", no).path("providerTransactionId").asString();
		String genuine = Notifications.v2Refund(Notifications.v2RefundPlain(no, txn, no + "-R",
				refund.path("providerRefundId").asString(), 700, 700, "SUCCESS"), Notifications.REFUND_V2_KEY);

		assertThat(postV2(genuine).body()).isEqualTo(V2_ACK);
		assertThat(lastVerdict("refund-wx2")).isEqualTo("REFUND_APPLIED");
		assertThat(postV2(genuine).body()).isEqualTo(V2_ACK);
		assertThat(lastVerdict("refund-wx2")).isEqualTo("DUPLICATE");
		// a notice that the refund was closed, replayed later, does not undo it: kept for review
		String closed = Notifications.v2Refund(Notifications.v2RefundPlain(no, txn, no + "-R",
				refund.path("providerRefundId").asString(), 700, 700, "REFUNDCLOSE"), Notifications.REFUND_V2_KEY);
		assertThat(postV2(closed).body()).isEqualTo(V2_ACK);
		assertThat(lastVerdict("refund-wx2")).isEqualTo("REFUND_MISMATCH");

		JsonNode after = wire.getRefund("refund-wx2", no, no + "-R");
		assertThat(after.path("status").asString()).isEqualTo("SUCCESS");
		assertThat(RefundApiIT.types(after)).filteredOn("STATUS_CHANGED"::equals).hasSize(1);
		JsonNode order = wire.order("refund-wx2", no);
		assertThat(order.path("status").asString()).isEqualTo("REFUNDED");
		assertThat(order.path("refunded").asLong()).isEqualTo(700);
	}

	@Test
	void aV2NoticeOfARefundTheProviderNeverMadeRecordsNothing() {
		String no = TestData.outTradeNo();
		wire.paidOrder("refund-wx2", no, 800);
		String txn = wire.order("refund-wx2", no).path("providerTransactionId").asString();
		String spliced = Notifications.v2RefundPlain(no, txn, no + "-GHOST", "5030" + TestData.transactionId(), 800, 800,
				"SUCCESS");

		assertThat(postV2(Notifications.v2Refund(spliced, Notifications.REFUND_V2_KEY)).body()).isEqualTo(V2_ACK);

		assertThat(lastVerdict("refund-wx2")).isEqualTo("REFUND_UNCONFIRMED");
		// the provider's refund query says it has no such refund: nothing is recorded
		pause(1500);
		assertThat(wire.http.get("/api/orders/refund-wx2/" + no + "/refunds/" + no + "-GHOST", RefundWire.AUTH).statusCode())
			.isEqualTo(404);
		assertThat(wire.order("refund-wx2", no).path("status").asString()).isEqualTo("PAID");
	}

	@Test
	void a8_r3_v3NoticesWithABrokenSignatureOrAnOldTimestampAreRefused() {
		String no = TestData.outTradeNo();
		JsonNode refund = processingRefund("refund-wx3", no, 600, 600);
		String txn = wire.order("refund-wx3", no).path("providerTransactionId").asString();
		String resource = Notifications.v3RefundResource(no, txn, no + "-R", refund.path("providerRefundId").asString(), 600,
				600, "SUCCESS");
		V3Delivery genuine = Notifications.v3Refund("EV-" + UUID.randomUUID(), "REFUND.SUCCESS", resource, Instant.now());

		V3Delivery forged = new V3Delivery(new String(genuine.body(), StandardCharsets.UTF_8).replace("退款成功", "退款成功 ")
			.getBytes(StandardCharsets.UTF_8), genuine.headers());
		assertThat(postV3(forged).statusCode()).isEqualTo(401);
		assertThat(lastVerdict("refund-wx3")).isEqualTo("BAD_SIGNATURE");
		V3Delivery old = Notifications.v3Refund("EV-" + UUID.randomUUID(), "REFUND.SUCCESS", resource,
				Instant.now().minus(Duration.ofMinutes(10)));
		assertThat(postV3(old).statusCode()).isEqualTo(400);
		assertThat(lastVerdict("refund-wx3")).isEqualTo("REPLAYED");
		assertThat(wire.getRefund("refund-wx3", no, no + "-R").path("status").asString()).isEqualTo("PROCESSING");

		assertThat(postV3(genuine).statusCode()).isEqualTo(204);
		assertThat(lastVerdict("refund-wx3")).isEqualTo("REFUND_APPLIED");
		assertThat(postV3(genuine).statusCode()).isEqualTo(204); // the same notification id again
		assertThat(lastVerdict("refund-wx3")).isEqualTo("DUPLICATE");
		assertThat(wire.order("refund-wx3", no).path("status").asString()).isEqualTo("REFUNDED");
	}

	@Test
	void aV3RefundAbnormalThenSucceededIsFollowedAndAClosedAfterSuccessIsNot() {
		String no = TestData.outTradeNo();
		JsonNode refund = processingRefund("refund-wx3", no, 900, 300);
		String txn = wire.order("refund-wx3", no).path("providerTransactionId").asString();
		String id = refund.path("providerRefundId").asString();

		postV3(Notifications.v3Refund("EV-" + UUID.randomUUID(), "REFUND.ABNORMAL",
				Notifications.v3RefundResource(no, txn, no + "-R", id, 300, 900, "ABNORMAL"), Instant.now()));
		assertThat(wire.getRefund("refund-wx3", no, no + "-R").path("status").asString()).isEqualTo("ABNORMAL");
		assertThat(wire.order("refund-wx3", no).path("refunded").asLong()).isZero();
		// ABNORMAL holds its amount: only 600 are left
		assertThat(wire.refund("refund-wx3", no, no + "-X", 601, null).statusCode()).isEqualTo(422);

		postV3(Notifications.v3Refund("EV-" + UUID.randomUUID(), "REFUND.SUCCESS",
				Notifications.v3RefundResource(no, txn, no + "-R", id, 300, 900, "SUCCESS"), Instant.now()));
		postV3(Notifications.v3Refund("EV-" + UUID.randomUUID(), "REFUND.CLOSED",
				Notifications.v3RefundResource(no, txn, no + "-R", id, 300, 900, "CLOSED"), Instant.now()));

		assertThat(lastVerdict("refund-wx3")).isEqualTo("REFUND_MISMATCH");
		JsonNode after = wire.getRefund("refund-wx3", no, no + "-R");
		assertThat(after.path("status").asString()).isEqualTo("SUCCESS");
		assertThat(after.path("needsReview").asBoolean()).isTrue();
		assertThat(wire.order("refund-wx3", no).path("refunded").asLong()).isEqualTo(300);
	}

	@Test
	void overRefund_aSignedNoticeOfMoreThanIsLeftRecordsNothing() {
		String no = TestData.outTradeNo();
		wire.paidOrder("refund-wx3", no, 500);
		assertThat(wire.refund("refund-wx3", no, no + "-R", 400, null).statusCode()).isEqualTo(201);
		RefundWire.await(() -> wire.getRefund("refund-wx3", no, no + "-R"), r -> "SUCCESS".equals(r.path("status").asString()),
				Duration.ofSeconds(20));
		String txn = wire.order("refund-wx3", no).path("providerTransactionId").asString();

		// a refund made elsewhere of 200 would make 600 refunded of 500 paid
		postV3(Notifications.v3Refund("EV-" + UUID.randomUUID(), "REFUND.SUCCESS",
				Notifications.v3RefundResource(no, txn, no + "-ELSE", "5030" + TestData.transactionId(), 200, 500, "SUCCESS"),
				Instant.now()));

		assertThat(lastVerdict("refund-wx3")).isEqualTo("REFUND_MISMATCH");
		assertThat(wire.http.get("/api/orders/refund-wx3/" + no + "/refunds/" + no + "-ELSE", RefundWire.AUTH).statusCode())
			.isEqualTo(404);
		assertThat(wire.order("refund-wx3", no).path("refunded").asLong()).isEqualTo(400);
	}

	@Test
	void r5_aRefundNoticeBeforeThePaymentsRepairsThePaymentFirst() {
		// paid at the provider, but its payment notification was dropped: PENDING here
		String no = TestData.outTradeNo();
		wire.http.post("/api/orders", "application/json", RefundWire.json(Map.of("accountId", "refund-wx3", "outTradeNo", no,
				"amount", 1200, "currency", "CNY", "description", "R5")).getBytes(StandardCharsets.UTF_8), RefundWire.AUTH);
		wire.control("PUT", "/merchants/refund-wx3/faults", Map.of("dropShare", 1.0));
		wire.control("POST", "/orders", Map.of("merchantId", "refund-wx3", "outTradeNo", no, "amount", 1200));
		wire.control("POST", "/orders/refund-wx3/" + no + "/pay", Map.of());
		wire.control("POST", "/orders/refund-wx3/" + no + "/refund", Map.of("amount", 200, "outRefundNo", no + "-P"));
		JsonNode atProvider = wire.sandboxRefund("refund-wx3", no, no + "-P");
		String txn = wire.control("GET", "/orders/refund-wx3/" + no, null).path("providerTradeNo").asString();
		assertThat(wire.order("refund-wx3", no).path("status").asString()).isEqualTo("PENDING");

		postV3(Notifications.v3Refund("EV-" + UUID.randomUUID(), "REFUND.SUCCESS",
				Notifications.v3RefundResource(no, txn, no + "-P", atProvider.path("refundId").asString(), 200, 1200, "SUCCESS"),
				Instant.now()));

		assertThat(lastVerdict("refund-wx3")).isEqualTo("REFUND_UNCONFIRMED");
		// the follow-up repairs the payment by the order query, then records the refund by the refund query
		JsonNode refund = RefundWire.await(() -> wire.getRefund("refund-wx3", no, no + "-P"),
				r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));
		assertThat(refund.path("source").asString()).isEqualTo("EXTERNAL");
		JsonNode order = wire.order("refund-wx3", no);
		assertThat(order.path("status").asString()).isEqualTo("PARTIALLY_REFUNDED");
		assertThat(order.path("events").toString()).contains("\"from\":\"PENDING\",\"to\":\"PAID\"");
	}

	@Test
	void a9_alipayRefundNoticesAreVerifiedAndTheirTotalMustFit() {
		String no = TestData.outTradeNo();
		wire.paidOrder("refund-ali", no, 1000);
		String tradeNo = wire.order("refund-ali", no).path("providerTransactionId").asString();
		wire.control("PUT", "/merchants/refund-ali/faults", Map.of("dropShare", 1.0, "refundLostAnswerShare", 1.0));
		assertThat(wire.refund("refund-ali", no, no + "-R", 1000, null).statusCode()).isEqualTo(201);
		assertThat(wire.getRefund("refund-ali", no, no + "-R").path("status").asString()).isEqualTo("PROCESSING");

		Map<String, String> full = Notifications.alipayRefundParams(no, "10.00", tradeNo, no + "-R", "10.00", "TRADE_CLOSED");
		String tamperedForm = new String(Notifications.alipayForm(full), StandardCharsets.US_ASCII)
			.replace("refund_fee=10.00", "refund_fee=1.00");
		assertThat(wire.http.post("/notify/alipay/refund-ali", "application/x-www-form-urlencoded",
				tamperedForm.getBytes(StandardCharsets.US_ASCII), Map.of()).body()).isEqualTo("fail");
		assertThat(lastVerdict("refund-ali")).isEqualTo("BAD_SIGNATURE");
		assertThat(wire.getRefund("refund-ali", no, no + "-R").path("status").asString()).isEqualTo("PROCESSING");

		// the genuine full-refund notice (TRADE_CLOSED, refund_fee = all) settles the refund whose answer was lost
		assertThat(postAlipay(full).body()).isEqualTo("success");
		assertThat(lastVerdict("refund-ali")).isEqualTo("REFUND_APPLIED");
		assertThat(wire.order("refund-ali", no).path("status").asString()).isEqualTo("REFUNDED");

		// a signed notice saying more was refunded than was paid (a misbehaving provider): kept for review, nothing moves
		Map<String, String> more = new java.util.LinkedHashMap<>(full);
		more.put("refund_fee", "12.00");
		more.put("notify_id", "2026" + UUID.randomUUID().toString().replace("-", ""));
		assertThat(postAlipay(more).body()).isEqualTo("success");
		assertThat(lastVerdict("refund-ali")).isEqualTo("REFUND_MISMATCH");
		JsonNode after = wire.getRefund("refund-ali", no, no + "-R");
		assertThat(after.path("status").asString()).isEqualTo("SUCCESS");
		assertThat(after.path("needsReview").asBoolean()).isTrue();
		assertThat(wire.order("refund-ali", no).path("refunded").asLong()).isEqualTo(1000);
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
