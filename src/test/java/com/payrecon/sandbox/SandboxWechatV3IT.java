package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** WeChat Pay v3 at the wire: Authorization checks, signed responses (PayRecon's verifier), orders, notifications. */
@PayReconIT
class SandboxWechatV3IT {

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	SandboxWire wire;

	@BeforeEach
	void setUp() {
		clock.reset();
		wire = new SandboxWire(port);
		wire.control("DELETE", "/merchants/wx3/faults", null);
	}

	private String nativeBody(String no, long total, String notifyUrl) {
		return SandboxWire.JSON.writeValueAsString(Map.of("appid", "wxd678efh567hg6787", "mchid", "1900000001",
				"description", "IT 商品", "out_trade_no", no, "notify_url", notifyUrl, "amount", Map.of("total", total, "currency", "CNY")));
	}

	@Test
	void placeQueryPayAndNotifyPayRecon() {
		String no = TestData.outTradeNo();
		wire.createPayReconOrder("wx3", no, 2500);
		var placed = wire.v3("POST", "/v3/pay/transactions/native", nativeBody(no, 2500, wire.url("/notify/wechatpay-v3/wx3")));
		assertThat(placed.statusCode()).isEqualTo(200);
		assertThat(SandboxWire.v3SignatureValid(placed)).isTrue();
		assertThat(SandboxWire.JSON.readTree(placed.body()).path("code_url").asString()).startsWith("weixin://wxpay/bizpayurl?pr=");

		var unpaid = wire.v3("GET", "/v3/pay/transactions/out-trade-no/" + no + "?mchid=1900000001", null);
		assertThat(unpaid.statusCode()).isEqualTo(200);
		assertThat(SandboxWire.v3SignatureValid(unpaid)).isTrue();
		assertThat(SandboxWire.JSON.readTree(unpaid.body()).path("trade_state").asString()).isEqualTo("NOTPAY");

		wire.control("POST", "/orders/wx3/" + no + "/pay", Map.of());
		JsonNode order = SandboxWire.await(() -> wire.payReconOrder("wx3", no), o -> "PAID".equals(o.path("status").asString()),
				Duration.ofSeconds(20));
		var paid = wire.v3("GET", "/v3/pay/transactions/out-trade-no/" + no + "?mchid=1900000001", null);
		JsonNode txn = SandboxWire.JSON.readTree(paid.body());
		assertThat(SandboxWire.v3SignatureValid(paid)).isTrue();
		assertThat(txn.path("trade_state").asString()).isEqualTo("SUCCESS");
		assertThat(txn.path("amount").path("total").asLong()).isEqualTo(2500);
		assertThat(txn.path("transaction_id").asString()).isEqualTo(order.path("providerTransactionId").asString());
		JsonNode delivery = wire.settledDelivery("wx3", no);
		assertThat(delivery.path("status").asString()).isEqualTo("DELIVERED");
		assertThat(delivery.path("attempts").get(0).path("httpStatus").asInt()).isIn(200, 204);

		var close = wire.v3("POST", "/v3/pay/transactions/out-trade-no/" + no + "/close", "{\"mchid\":\"1900000001\"}");
		assertThat(close.statusCode()).isEqualTo(400);
		assertThat(SandboxWire.text(close)).contains("ORDERPAID");
	}

	@Test
	void closeIs204AndUnknownIs404() {
		String no = TestData.outTradeNo();
		var missing = wire.v3("GET", "/v3/pay/transactions/out-trade-no/" + no + "?mchid=1900000001", null);
		assertThat(missing.statusCode()).isEqualTo(404);
		assertThat(SandboxWire.v3SignatureValid(missing)).isTrue();
		assertThat(SandboxWire.JSON.readTree(missing.body()).path("code").asString()).isEqualTo("ORDER_NOT_EXIST");
		assertThat(wire.v3("POST", "/v3/pay/transactions/out-trade-no/" + no + "/close", "{\"mchid\":\"1900000001\"}").statusCode())
			.isEqualTo(404);

		wire.v3("POST", "/v3/pay/transactions/native", nativeBody(no, 100, "http://127.0.0.1:9/none"));
		var closed = wire.v3("POST", "/v3/pay/transactions/out-trade-no/" + no + "/close", "{\"mchid\":\"1900000001\"}");
		assertThat(closed.statusCode()).isEqualTo(204);
		assertThat(closed.body()).isEmpty();
		assertThat(SandboxWire.v3SignatureValid(closed)).isTrue();
		var query = wire.v3("GET", "/v3/pay/transactions/out-trade-no/" + no + "?mchid=1900000001", null);
		assertThat(SandboxWire.JSON.readTree(query.body()).path("trade_state").asString()).isEqualTo("CLOSED");
	}

	@Test
	void authorizationIsCheckedOrderIndependently() {
		String path = "/v3/pay/transactions/out-trade-no/" + TestData.outTradeNo() + "?mchid=1900000001";
		long now = Instant.now().getEpochSecond();
		assertThat(wire.v3("GET", path, null, now, true).statusCode()).isEqualTo(404); // doc pair order accepted
		assertThat(wire.v3("GET", path, null, now - 301, false).statusCode()).isEqualTo(401);
		assertThat(wire.v3("GET", path, null, now + 290, false).statusCode()).isEqualTo(404);
		var unsigned = wire.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(wire.url("/sandbox/wechatpay" + path))).GET());
		assertThat(unsigned.statusCode()).isEqualTo(401);
		assertThat(SandboxWire.text(unsigned)).contains("SIGN_ERROR");
		// a signature over another path (the part below /sandbox/wechatpay only) is refused
		String nonce = "N0NCE";
		String sig = SandboxCrypto.rsaSign(SandboxWire.V3_MERCHANT_KEY,
				com.payrecon.crypto.WechatV3Crypto.requestMessage("GET", path, now, nonce, null).getBytes(), "SHA256withRSA");
		var wrongPath = wire.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(wire.url("/sandbox/wechatpay" + path)))
			.header("Authorization", com.payrecon.crypto.WechatV3Crypto.authorizationHeader("1900000001",
					SandboxWire.V3_SERIAL, now, nonce, sig))
			.GET());
		assertThat(wrongPath.statusCode()).isEqualTo(401);
	}

	@Test
	void systemErrorAndOutage() {
		String path = "/v3/pay/transactions/out-trade-no/" + TestData.outTradeNo() + "?mchid=1900000001";
		wire.control("PUT", "/merchants/wx3/faults", Map.of("queryErrorShare", 1.0));
		var error = wire.v3("GET", path, null);
		assertThat(error.statusCode()).isEqualTo(500);
		assertThat(SandboxWire.text(error)).contains("SYSTEM_ERROR");
		assertThat(SandboxWire.v3SignatureValid(error)).isTrue();
		Instant now = Instant.now();
		wire.control("PUT", "/merchants/wx3/faults",
				Map.of("outages", java.util.List.of(Map.of("from", now.minusSeconds(5).toString(), "to", now.plusSeconds(30).toString()))));
		assertThat(wire.v3("GET", path, null).statusCode()).isEqualTo(503);
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
