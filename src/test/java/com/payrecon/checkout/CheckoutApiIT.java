package com.payrecon.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.provider.FakeServer;
import com.payrecon.provider.FakeServer.Response;
import com.payrecon.crypto.AlipaySignature;
import com.payrecon.crypto.FormCodec;
import com.payrecon.crypto.Keys;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.web.server.LocalServerPort;

/** The order API's provider flows against the in-test provider fake, over real HTTP and the real database. */
@PayReconIT
class CheckoutApiIT {

	static final String TOKEN = "Bearer it-checkout-token-0123456789";
	static final String V2_KEY = "192006250b4c09247ec02edce69f6a2d";
	static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	Http http;
	final FakeServer fake = FakeProviderEnvironment.server();
	final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();

	@BeforeEach
	void fakeWechatV2() {
		http = new Http(port);
		fake.on("/fake/wechatpay/pay/unifiedorder", r -> {
			Map<String, String> in = WechatV2Xml.parse(r.body());
			return v2(Map.of("result_code", "SUCCESS", "trade_type", "NATIVE", "code_url",
					"weixin://wxpay/bizpayurl?pr=" + in.get("out_trade_no")));
		});
		fake.on("/fake/wechatpay/pay/micropay", r -> {
			Map<String, String> in = WechatV2Xml.parse(r.body());
			String scenario = in.get("auth_code").substring(16);
			return switch (scenario) {
				case "01" -> v2(paid(in.get("out_trade_no"), in.get("total_fee")));
				case "03" -> v2(Map.of("result_code", "FAIL", "err_code", "AUTHCODEEXPIRE", "err_code_des", "二维码已过期"));
				default -> v2(Map.of("result_code", "FAIL", "err_code", "USERPAYING", "err_code_des", "需要用户输入支付密码"));
			};
		});
		fake.on("/fake/wechatpay/pay/orderquery", r -> {
			Map<String, String> in = WechatV2Xml.parse(r.body());
			String no = in.get("out_trade_no");
			int n = queries.computeIfAbsent(no, k -> new AtomicInteger()).incrementAndGet();
			if (no.endsWith("P") && n >= 2) {
				return v2(paid(no, "101"));
			}
			return v2(Map.of("result_code", "SUCCESS", "out_trade_no", no, "trade_state", "USERPAYING", "total_fee", "101"));
		});
		fake.on("/fake/wechatpay/secapi/pay/reverse", r -> v2(Map.of("result_code", "SUCCESS", "recall", "N")));
		fake.on("/fake/alipay/gateway.do", r -> {
			Map<String, String> in = FormCodec.parse(r.body(), StandardCharsets.UTF_8);
			JsonNode biz = JSON.readTree(in.get("biz_content"));
			String content = "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"" + biz.path("out_trade_no").asString()
					+ "\",\"qr_code\":\"https://qr.alipay.com/" + biz.path("out_trade_no").asString() + "\"}";
			String sign = AlipaySignature.sign(content, Keys.privateKey(read("shared-alipay-private.pem")), "RSA2",
					StandardCharsets.UTF_8);
			return Response.of(200, "{\"alipay_trade_precreate_response\":" + content + ",\"sign\":\"" + sign + "\"}");
		});
	}

	static Map<String, String> paid(String no, String fee) {
		return Map.of("result_code", "SUCCESS", "trade_state", "SUCCESS", "out_trade_no", no, "transaction_id",
				"4200" + no, "total_fee", fee, "fee_type", "CNY", "time_end", "20261122103456", "trade_type", "MICROPAY");
	}

	static Response v2(Map<String, String> business) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("return_code", "SUCCESS");
		f.put("appid", "wx2421b1c4370ec43b");
		f.put("mch_id", "10000102");
		f.put("nonce_str", "n" + System.nanoTime());
		f.putAll(business);
		f.put("sign", WechatV2Signature.sign(f, V2_KEY, WechatSignType.HMAC_SHA256));
		return Response.of(200, WechatV2Xml.write(f));
	}

	static String read(String vector) {
		try (var in = CheckoutApiIT.class.getResourceAsStream("/vectors/" + vector)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private HttpResponse<String> post(String path, String json) {
		return http.post(path, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of("Authorization", TOKEN));
	}

	private JsonNode order(String account, String no) {
		return JSON.readTree(http.get("/api/orders/" + account + "/" + no, Map.of("Authorization", TOKEN)).body());
	}

	private String awaitStatus(String account, String no, String expected) throws InterruptedException {
		String status = null;
		for (int i = 0; i < 100; i++) {
			status = order(account, no).path("status").asString();
			if (status.equals(expected)) {
				break;
			}
			Thread.sleep(100);
		}
		return status;
	}

	private static String micropay(String account, String no, String authCode) {
		return "{\"accountId\":\"" + account + "\",\"outTradeNo\":\"" + no + "\",\"amount\":101,\"currency\":\"CNY\","
				+ "\"description\":\"付款码\",\"authCode\":\"" + authCode + "\"}";
	}

	@Test
	void placeWithProviderAnswersTheCodeUrlAndGivesTheNotifyUrl() throws Exception {
		String no = TestData.outTradeNo();

		HttpResponse<String> response = post("/api/orders", "{\"accountId\":\"wx2-fake\",\"outTradeNo\":\"" + no
				+ "\",\"amount\":250,\"currency\":\"CNY\",\"description\":\"扫码\",\"placeWithProvider\":true}");

		assertThat(response.statusCode()).isEqualTo(201);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.path("payUrl").asString()).isEqualTo("weixin://wxpay/bizpayurl?pr=" + no);
		assertThat(body.path("status").asString()).isEqualTo("PENDING");
		Map<String, String> sent;
		synchronized (fake.requests) {
			sent = WechatV2Xml.parse(fake.requests.stream().filter(r -> r.bodyText().contains(no)).findFirst().orElseThrow().body());
		}
		assertThat(sent).containsEntry("notify_url", "https://payrecon.example.com/notify/wechatpay-v2/wx2-fake")
			.containsEntry("total_fee", "250");

		HttpResponse<String> retry = post("/api/orders", "{\"accountId\":\"wx2-fake\",\"outTradeNo\":\"" + no
				+ "\",\"amount\":250,\"currency\":\"CNY\",\"description\":\"扫码\",\"placeWithProvider\":true}");
		assertThat(retry.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(retry.body()).path("payUrl").asString()).isEqualTo("weixin://wxpay/bizpayurl?pr=" + no);
	}

	@Test
	void placeWithAlipayAnswersTheQrCode() {
		String no = TestData.outTradeNo();
		HttpResponse<String> response = post("/api/orders", "{\"accountId\":\"ali-fake\",\"outTradeNo\":\"" + no
				+ "\",\"amount\":8888,\"currency\":\"CNY\",\"description\":\"会员充值\",\"placeWithProvider\":true}");
		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(JSON.readTree(response.body()).path("payUrl").asString()).isEqualTo("https://qr.alipay.com/" + no);
	}

	@Test
	void aProviderThatCannotPlaceGivesBadGatewayAndKeepsTheOrder() {
		String no = TestData.outTradeNo();
		// the wx3-nokey test account has no merchant private key: nothing can be signed, nothing is sent
		HttpResponse<String> response = post("/api/orders", "{\"accountId\":\"wx3-nokey\",\"outTradeNo\":\"" + no
				+ "\",\"amount\":100,\"currency\":\"CNY\",\"description\":\"v3\",\"placeWithProvider\":true}");
		assertThat(response.statusCode()).isEqualTo(502);
		assertThat(JSON.readTree(response.body()).path("providerError").asString()).isEqualTo("NOT_CONFIGURED");
		assertThat(order("wx3-nokey", no).path("status").asString()).isEqualTo("PENDING");
	}

	@Test
	void aMicropaySuccessPaysTheOrderThroughTheOrderService() {
		String no = TestData.outTradeNo();

		HttpResponse<String> response = post("/api/orders/micropay", micropay("wx2-fake", no, "134567890123456701"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(response.body()).path("status").asString()).isEqualTo("PAID");
		JsonNode order = order("wx2-fake", no);
		assertThat(order.path("providerTransactionId").asString()).isEqualTo("4200" + no);
		JsonNode paidEvent = order.path("events").get(1);
		assertThat(paidEvent.path("to").asString()).isEqualTo("PAID");
		assertThat(paidEvent.path("source").asString()).isEqualTo("QUERY");
		assertThat(paidEvent.path("actor").asString()).isEqualTo("checkout-it");

		HttpResponse<String> retry = post("/api/orders/micropay", micropay("wx2-fake", no, "134567890123456701"));
		assertThat(retry.statusCode()).isEqualTo(200);
		assertThat(fake.requests.stream().filter(r -> r.path().endsWith("/micropay") && r.bodyText().contains(no)).count())
			.isEqualTo(1);
	}

	@Test
	void aRefusedCodeFailsTheOrder() {
		String no = TestData.outTradeNo();
		HttpResponse<String> response = post("/api/orders/micropay", micropay("wx2-fake", no, "134567890123456703"));
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.path("status").asString()).isEqualTo("FAILED");
		assertThat(body.path("providerError").asString()).isEqualTo("AUTHCODEEXPIRE");
	}

	@Test
	void aPayerWhoConfirmsLaterIsFoundByPolling() throws InterruptedException {
		String no = TestData.outTradeNo() + "P";
		long start = System.nanoTime();

		HttpResponse<String> response = post("/api/orders/micropay", micropay("wx2-fake", no, "134567890123456702"));

		assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
		assertThat(response.statusCode()).isEqualTo(202);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.path("status").asString()).isEqualTo("USER_PAYING");
		assertThat(body.path("orderStatus").asString()).isEqualTo("PENDING");
		assertThat(awaitStatus("wx2-fake", no, "PAID")).isEqualTo("PAID");
		assertThat(queries.get(no)).hasValue(2);
	}

	@Test
	void aPayerWhoNeverConfirmsIsReversedAfterTheTimeout() throws InterruptedException {
		String no = TestData.outTradeNo();

		HttpResponse<String> response = post("/api/orders/micropay", micropay("wx2-fake", no, "134567890123456702"));

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(awaitStatus("wx2-fake", no, "REVERSED")).isEqualTo("REVERSED");
		assertThat(queries.get(no).get()).isBetween(3, 7);
		assertThat(fake.requests.stream().filter(r -> r.path().endsWith("/reverse") && r.bodyText().contains(no)).count())
			.isEqualTo(1);
	}

	@Test
	void micropayNeedsAPaymentCodeAccount() {
		HttpResponse<String> response = post("/api/orders/micropay", micropay("wx3", TestData.outTradeNo(), "134567890123456701"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(post("/api/orders/micropay", micropay("wx2-fake", TestData.outTradeNo(), "12ab")).statusCode()).isEqualTo(400);
	}
}
