package com.payrecon.sandbox;

import static com.payrecon.sandbox.SandboxWire.WX2_HMAC;
import static com.payrecon.sandbox.SandboxWire.WX2_MD5;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** WeChat Pay v2 at the wire: every endpoint and outcome, responses verified with PayRecon's verifier. */
@PayReconIT
class SandboxWechatV2IT {

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	SandboxWire wire;

	@BeforeEach
	void setUp() {
		clock.reset();
		wire = new SandboxWire(port);
		wire.control("DELETE", "/merchants/wx2-md5/faults", null);
		wire.control("DELETE", "/merchants/wx2-hmac/faults", null);
	}

	private Map<String, String> unifiedOrder(SandboxWire.V2Account account, String no, String fee, String notifyUrl) {
		return wire.v2("/pay/unifiedorder", account, Map.of("body", "IT 商品", "out_trade_no", no, "total_fee", fee,
				"spbill_create_ip", "127.0.0.1", "notify_url", notifyUrl, "trade_type", "NATIVE"));
	}

	@Test
	void placedOrderIsPaidAndPayReconReceivesTheSignedNotification() {
		for (SandboxWire.V2Account account : new SandboxWire.V2Account[] { WX2_MD5, WX2_HMAC }) {
			String accountId = account == WX2_MD5 ? "wx2-md5" : "wx2-hmac";
			String no = TestData.outTradeNo();
			wire.createPayReconOrder(accountId, no, 101);
			Map<String, String> placed = unifiedOrder(account, no, "101", wire.url("/notify/wechatpay-v2/" + accountId));
			assertThat(placed).containsEntry("result_code", "SUCCESS").containsEntry("trade_type", "NATIVE");
			assertThat(placed.get("code_url")).startsWith("weixin://wxpay/bizpayurl?pr=");
			assertThat(unifiedOrder(account, no, "101", "http://x/n")).containsEntry("code_url", placed.get("code_url"));
			assertThat(unifiedOrder(account, no, "102", "http://x/n")).containsEntry("err_code", "INVALID_REQUEST");

			Map<String, String> unpaid = wire.v2("/pay/orderquery", account, Map.of("out_trade_no", no));
			assertThat(unpaid).containsEntry("trade_state", "NOTPAY").containsEntry("total_fee", "101").doesNotContainKey("transaction_id");

			wire.control("POST", "/orders/" + accountId + "/" + no + "/pay", Map.of());
			JsonNode order = SandboxWire.await(() -> wire.payReconOrder(accountId, no), o -> "PAID".equals(o.path("status").asString()),
					Duration.ofSeconds(20));
			Map<String, String> paid = wire.v2("/pay/orderquery", account, Map.of("out_trade_no", no));
			assertThat(paid).containsEntry("trade_state", "SUCCESS").containsEntry("cash_fee", "101");
			assertThat(order.path("providerTransactionId").asString()).isEqualTo(paid.get("transaction_id"));
			assertThat(wire.v2("/pay/orderquery", account, Map.of("transaction_id", paid.get("transaction_id"))))
				.containsEntry("out_trade_no", no);

			JsonNode delivery = wire.settledDelivery(accountId, no);
			assertThat(delivery.path("status").asString()).isEqualTo("DELIVERED");
			assertThat(delivery.path("attempts")).hasSize(1);
			assertThat(delivery.path("attempts").get(0).path("responseBody").asString()).contains("SUCCESS");

			assertThat(wire.v2("/pay/closeorder", account, Map.of("out_trade_no", no))).containsEntry("err_code", "ORDERPAID");
		}
	}

	@Test
	void queryCloseAndUnknownOrders() {
		String no = TestData.outTradeNo();
		assertThat(wire.v2("/pay/orderquery", WX2_MD5, Map.of("out_trade_no", no)))
			.containsEntry("result_code", "FAIL").containsEntry("err_code", "ORDERNOTEXIST");
		assertThat(wire.v2("/pay/closeorder", WX2_MD5, Map.of("out_trade_no", no))).containsEntry("err_code", "ORDERNOTEXIST");
		unifiedOrder(WX2_MD5, no, "500", "http://127.0.0.1:9/none");
		assertThat(wire.v2("/pay/closeorder", WX2_MD5, Map.of("out_trade_no", no)))
			.containsEntry("result_code", "SUCCESS");
		assertThat(wire.v2("/pay/closeorder", WX2_MD5, Map.of("out_trade_no", no))).containsEntry("err_code", "ORDERCLOSED");
		assertThat(wire.v2("/pay/orderquery", WX2_MD5, Map.of("out_trade_no", no))).containsEntry("trade_state", "CLOSED");
		assertThat(wire.control("POST", "/orders/wx2-md5/" + no + "/scan", null).path("status").asString()).isEqualTo("CLOSED");
	}

	@Test
	void refusesBadSignaturesAndForeignMerchants() {
		var bad = new SandboxWire.V2Account(WX2_MD5.appId(), WX2_MD5.mchId(), "00000000000000000000000000000000", WX2_MD5.signType());
		assertThat(wire.v2("/pay/orderquery", bad, Map.of("out_trade_no", "X123456"))).containsEntry("return_code", "FAIL")
			.containsEntry("return_msg", "签名错误");
		var other = new SandboxWire.V2Account("wx0000000000000000", WX2_MD5.mchId(), WX2_MD5.apiKey(), WX2_MD5.signType());
		assertThat(wire.v2("/pay/orderquery", other, Map.of("out_trade_no", "X123456"))).containsEntry("return_code", "FAIL");
		String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><mch_id>&e;</mch_id></xml>";
		var r = wire.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(wire.url("/sandbox/wechatpay/pay/orderquery")))
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString(xxe)));
		assertThat(SandboxWire.text(r)).contains("FAIL").doesNotContain("root:");
	}

	@Test
	void micropayFollowsTheAuthCodeTable() throws Exception {
		Map<String, String> base = Map.of("body", "付款码", "total_fee", "300", "spbill_create_ip", "127.0.0.1");
		String paidNo = TestData.outTradeNo();
		Map<String, String> paid = wire.v2("/pay/micropay", WX2_HMAC, with(base, "out_trade_no", paidNo, "auth_code", "134567890123456780"));
		assertThat(paid).containsEntry("result_code", "SUCCESS").containsEntry("trade_type", "MICROPAY").containsKey("transaction_id");

		String laterNo = TestData.outTradeNo();
		assertThat(wire.v2("/pay/micropay", WX2_HMAC, with(base, "out_trade_no", laterNo, "auth_code", "134567890123456781")))
			.containsEntry("err_code", "USERPAYING");
		assertThat(wire.v2("/pay/orderquery", WX2_HMAC, Map.of("out_trade_no", laterNo))).containsEntry("trade_state", "USERPAYING");
		Thread.sleep(2200); // micropay-delay 2s in the it profile
		assertThat(wire.v2("/pay/orderquery", WX2_HMAC, Map.of("out_trade_no", laterNo))).containsEntry("trade_state", "SUCCESS");

		String stuckNo = TestData.outTradeNo();
		assertThat(wire.v2("/pay/micropay", WX2_HMAC, with(base, "out_trade_no", stuckNo, "auth_code", "134567890123456782")))
			.containsEntry("err_code", "USERPAYING");
		assertThat(wire.v2("/secapi/pay/reverse", WX2_HMAC, Map.of("out_trade_no", stuckNo))).containsEntry("result_code", "FAIL")
			.containsEntry("recall", "Y");
		assertThat(wire.v2("/secapi/pay/reverse", WX2_HMAC, Map.of("out_trade_no", stuckNo))).containsEntry("result_code", "SUCCESS")
			.containsEntry("recall", "N");
		assertThat(wire.v2("/pay/orderquery", WX2_HMAC, Map.of("out_trade_no", stuckNo))).containsEntry("trade_state", "REVOKED");

		String unknownNo = TestData.outTradeNo();
		assertThat(wire.v2("/pay/micropay", WX2_HMAC, with(base, "out_trade_no", unknownNo, "auth_code", "134567890123456783")))
			.containsEntry("err_code", "SYSTEMERROR");
		assertThat(wire.v2("/pay/orderquery", WX2_HMAC, Map.of("out_trade_no", unknownNo))).containsEntry("trade_state", "SUCCESS");
		assertThat(wire.v2("/secapi/pay/reverse", WX2_HMAC, Map.of("out_trade_no", unknownNo))).containsEntry("result_code", "SUCCESS");
		assertThat(wire.v2("/pay/orderquery", WX2_HMAC, Map.of("out_trade_no", unknownNo))).containsEntry("trade_state", "REVOKED");

		String refusedNo = TestData.outTradeNo();
		assertThat(wire.v2("/pay/micropay", WX2_HMAC, with(base, "out_trade_no", refusedNo, "auth_code", "134567890123456789")))
			.containsEntry("err_code", "NOTENOUGH");
		assertThat(wire.v2("/pay/orderquery", WX2_HMAC, Map.of("out_trade_no", refusedNo))).containsEntry("trade_state", "PAYERROR");
		assertThat(wire.v2("/pay/micropay", WX2_HMAC, with(base, "out_trade_no", TestData.outTradeNo(), "auth_code", "99")))
			.containsEntry("err_code", "AUTH_CODE_INVALID");
		assertThat(wire.v2("/secapi/pay/reverse", WX2_HMAC, Map.of("out_trade_no", TestData.outTradeNo())))
			.containsEntry("err_code", "ORDERNOTEXIST");
	}

	@Test
	void queryFaultsSystemErrorHttpErrorLatencyAndOutage() {
		String no = TestData.outTradeNo();
		unifiedOrder(WX2_MD5, no, "100", "http://127.0.0.1:9/none");
		wire.control("PUT", "/merchants/wx2-md5/faults", Map.of("queryErrorShare", 1.0));
		assertThat(wire.v2("/pay/orderquery", WX2_MD5, Map.of("out_trade_no", no))).containsEntry("err_code", "SYSTEMERROR");
		wire.control("PUT", "/merchants/wx2-md5/faults", Map.of("queryHttpErrorShare", 1.0));
		assertThat(wire.v2Raw("/pay/orderquery", WX2_MD5, Map.of("out_trade_no", no)).statusCode()).isEqualTo(502);
		wire.control("PUT", "/merchants/wx2-md5/faults", Map.of("queryLatency", "PT0.8S"));
		long started = System.nanoTime();
		assertThat(wire.v2("/pay/orderquery", WX2_MD5, Map.of("out_trade_no", no))).containsEntry("trade_state", "NOTPAY");
		assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(800);
		var now = java.time.Instant.now();
		wire.control("PUT", "/merchants/wx2-md5/faults",
				Map.of("outages", java.util.List.of(Map.of("from", now.minusSeconds(60).toString(), "to", now.plusSeconds(60).toString()))));
		assertThat(wire.v2Raw("/pay/orderquery", WX2_MD5, Map.of("out_trade_no", no)).statusCode()).isEqualTo(503);
		wire.control("DELETE", "/merchants/wx2-md5/faults", null);
		assertThat(wire.v2("/pay/orderquery", WX2_MD5, Map.of("out_trade_no", no))).containsEntry("trade_state", "NOTPAY");
	}

	static Map<String, String> with(Map<String, String> base, String... kv) {
		Map<String, String> m = new java.util.LinkedHashMap<>(base);
		for (int i = 0; i < kv.length; i += 2) {
			m.put(kv[i], kv[i + 1]);
		}
		return m;
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
