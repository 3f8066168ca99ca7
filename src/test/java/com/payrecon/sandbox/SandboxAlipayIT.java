package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Alipay gateway at the wire: request signatures, signed responses (PayRecon's verifier), trades, notifications. */
@PayReconIT
class SandboxAlipayIT {

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	SandboxWire wire;

	@BeforeEach
	void setUp() {
		clock.reset();
		wire = new SandboxWire(port);
		wire.control("DELETE", "/merchants/ali/faults", null);
	}

	static Map<String, Object> biz(Object... kv) {
		Map<String, Object> m = new LinkedHashMap<>();
		for (int i = 0; i < kv.length; i += 2) {
			m.put((String) kv[i], kv[i + 1]);
		}
		return m;
	}

	@Test
	void precreatedTradeExistsOnceScannedAndIsNotifiedWhenPaid() {
		String no = TestData.outTradeNo();
		wire.createPayReconOrder("ali", no, 8888);
		JsonNode placed = wire.alipay("alipay.trade.precreate", biz("out_trade_no", no, "total_amount", "88.88", "subject", "测试订单"),
				wire.url("/notify/alipay/ali"));
		assertThat(placed.path("code").asString()).isEqualTo("10000");
		assertThat(placed.path("qr_code").asString()).startsWith("https://qr.alipay.com/");
		assertThat(wire.alipay("alipay.trade.precreate", biz("out_trade_no", no, "total_amount", "88.00", "subject", "x"), null)
			.path("sub_code").asString()).isEqualTo("ACQ.CONTEXT_INCONSISTENT");

		JsonNode before = wire.alipay("alipay.trade.query", biz("out_trade_no", no), null);
		assertThat(before.path("code").asString()).isEqualTo("40004");
		assertThat(before.path("sub_code").asString()).isEqualTo("ACQ.TRADE_NOT_EXIST");
		wire.control("POST", "/orders/ali/" + no + "/scan", null);
		assertThat(wire.alipay("alipay.trade.query", biz("out_trade_no", no), null).path("trade_status").asString())
			.isEqualTo("WAIT_BUYER_PAY");

		wire.control("POST", "/orders/ali/" + no + "/pay", Map.of());
		JsonNode order = SandboxWire.await(() -> wire.payReconOrder("ali", no), o -> "PAID".equals(o.path("status").asString()),
				Duration.ofSeconds(20));
		JsonNode paid = wire.alipay("alipay.trade.query", biz("out_trade_no", no, "query_options", java.util.List.of("fund_bill_list")), null);
		assertThat(paid.path("trade_status").asString()).isEqualTo("TRADE_SUCCESS");
		assertThat(paid.path("total_amount").asString()).isEqualTo("88.88");
		assertThat(paid.path("fund_bill_list").get(0).path("fund_channel").asString()).isEqualTo("ALIPAYACCOUNT");
		assertThat(paid.path("trade_no").asString()).isEqualTo(order.path("providerTransactionId").asString());
		JsonNode delivery = wire.settledDelivery("ali", no);
		assertThat(delivery.path("status").asString()).isEqualTo("DELIVERED");
		assertThat(delivery.path("attempts").get(0).path("responseBody").asString()).isEqualTo("success");
		assertThat(wire.alipay("alipay.trade.close", biz("out_trade_no", no), null).path("sub_code").asString())
			.isEqualTo("ACQ.TRADE_STATUS_ERROR");
	}

	@Test
	void closeAndCancel() {
		String no = TestData.outTradeNo();
		assertThat(wire.alipay("alipay.trade.close", biz("out_trade_no", no), null).path("sub_code").asString())
			.isEqualTo("ACQ.TRADE_NOT_EXIST");
		wire.alipay("alipay.trade.precreate", biz("out_trade_no", no, "total_amount", "1.00", "subject", "x"), "http://127.0.0.1:9/none");
		wire.control("POST", "/orders/ali/" + no + "/scan", null);
		JsonNode closed = wire.alipay("alipay.trade.close", biz("out_trade_no", no), null);
		assertThat(closed.path("code").asString()).isEqualTo("10000");
		assertThat(wire.alipay("alipay.trade.query", biz("out_trade_no", no), null).path("trade_status").asString())
			.isEqualTo("TRADE_CLOSED");
	}

	@Test
	void barcodePaymentsFollowTheAuthCodeTable() {
		Map<String, Object> base = biz("scene", "bar_code", "total_amount", "3.00", "subject", "付款码");
		String ok = TestData.outTradeNo();
		JsonNode paid = wire.alipay("alipay.trade.pay", with(base, "out_trade_no", ok, "auth_code", "280000000000000000"), null);
		assertThat(paid.path("code").asString()).isEqualTo("10000");
		assertThat(paid.path("total_amount").asString()).isEqualTo("3.00");

		String waiting = TestData.outTradeNo();
		assertThat(wire.alipay("alipay.trade.pay", with(base, "out_trade_no", waiting, "auth_code", "280000000000000002"), null)
			.path("code").asString()).isEqualTo("10003");
		JsonNode firstCancel = wire.alipay("alipay.trade.cancel", biz("out_trade_no", waiting), null);
		assertThat(firstCancel.path("retry_flag").asString()).isEqualTo("Y");
		JsonNode cancel = wire.alipay("alipay.trade.cancel", biz("out_trade_no", waiting), null);
		assertThat(cancel.path("code").asString()).isEqualTo("10000");
		assertThat(cancel.path("action").asString()).isEqualTo("close");

		assertThat(wire.alipay("alipay.trade.cancel", biz("out_trade_no", ok), null).path("action").asString()).isEqualTo("refund");
		assertThat(wire.alipay("alipay.trade.pay", with(base, "out_trade_no", TestData.outTradeNo(), "auth_code", "280000000000000009"), null)
			.path("sub_code").asString()).isEqualTo("ACQ.BUYER_BALANCE_NOT_ENOUGH");
		String unknown = TestData.outTradeNo();
		assertThat(wire.alipay("alipay.trade.pay", with(base, "out_trade_no", unknown, "auth_code", "280000000000000003"), null)
			.path("code").asString()).isEqualTo("20000");
		assertThat(wire.alipay("alipay.trade.query", biz("out_trade_no", unknown), null).path("trade_status").asString())
			.isEqualTo("TRADE_SUCCESS");
	}

	@Test
	void badSignatureAndSystemError() {
		var r = wire.alipayRaw("alipay.trade.query", biz("out_trade_no", "X1"), null,
				SandboxCrypto.readPrivateKey(SandboxCryptoTests.resource("wechatpay-go-private-key.pem")));
		JsonNode bad = SandboxWire.JSON.readTree(r.body()).path("alipay_trade_query_response");
		assertThat(bad.path("code").asString()).isEqualTo("40002");
		assertThat(bad.path("sub_code").asString()).isEqualTo("isv.invalid-signature");
		wire.control("PUT", "/merchants/ali/faults", Map.of("queryErrorShare", 1.0));
		assertThat(wire.alipay("alipay.trade.query", biz("out_trade_no", "X1"), null).path("code").asString()).isEqualTo("20000");
	}

	static Map<String, Object> with(Map<String, Object> base, Object... kv) {
		Map<String, Object> m = new LinkedHashMap<>(base);
		m.putAll(biz(kv));
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
