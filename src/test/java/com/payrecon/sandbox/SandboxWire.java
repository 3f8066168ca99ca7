package com.payrecon.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.crypto.AlipaySignature;
import com.payrecon.crypto.FormCodec;
import com.payrecon.crypto.Keys;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.crypto.WechatV3Crypto;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A merchant talking to the sandbox over real HTTP, signing with PayRecon's own crypto
 * ({@code com.payrecon.crypto}) and verifying every answer with PayRecon's verifiers.
 */
final class SandboxWire {

	static final JsonMapper JSON = JsonMapper.builder().build();
	static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
	static final String V3_MCHID = "1900000001";
	static final String V3_SERIAL = "5F1C72E2A8931B72A2E13AF8DEE92471EB397115";
	static final PrivateKey V3_MERCHANT_KEY = Keys.privateKey(SandboxCryptoTests.resource("wechatpay-java-merchant-private-key.pem"));
	static final PublicKey V3_PLATFORM_KEY = Keys.publicKey(SandboxCryptoTests.resource("shared-wechat-platform-public.pem"));
	static final PrivateKey ALIPAY_APP_KEY = Keys.privateKey(SandboxCryptoTests.resource("alipay-node-app-private-key-pkcs8.pem"));
	static final PublicKey ALIPAY_PUBLIC_KEY = Keys.publicKey(SandboxCryptoTests.resource("shared-alipay-public.pem"));
	static final String API_TOKEN = "it-checkout-token-0123456789";

	final int port;

	SandboxWire(int port) {
		this.port = port;
	}

	String url(String path) {
		return "http://127.0.0.1:" + port + path;
	}

	HttpResponse<byte[]> send(HttpRequest.Builder request) {
		try {
			return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String text(HttpResponse<byte[]> r) {
		return new String(r.body(), StandardCharsets.UTF_8);
	}

	// ---- control API and PayRecon API ---------------------------------------------------------------------------

	/**
	 * The sandbox's first delivery of an order's notification once it is settled (no longer PENDING): the sandbox
	 * records PayRecon's answer after it arrives, which can be after the order already shows PAID.
	 */
	JsonNode settledDelivery(String merchantId, String outTradeNo) {
		return await(() -> control("GET", "/deliveries?merchantId=" + merchantId + "&outTradeNo=" + outTradeNo, null).get(0),
				d -> !"PENDING".equals(d.path("status").asString()), java.time.Duration.ofSeconds(20));
	}

	JsonNode control(String method, String path, Object body) {
		HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url("/sandbox/api" + path)))
			.header("Content-Type", "application/json")
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		HttpResponse<byte[]> response = send(r);
		if (response.statusCode() >= 300) {
			throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + text(response));
		}
		return JSON.readTree(response.body());
	}

	/** Creates the order in PayRecon ({@code placeWithProvider:false}), as the checkout would. */
	void createPayReconOrder(String accountId, String outTradeNo, long amount) {
		String body = JSON.writeValueAsString(Map.of("accountId", accountId, "outTradeNo", outTradeNo, "amount", amount,
				"currency", "CNY", "description", "sandbox IT", "placeWithProvider", false));
		HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(url("/api/orders")))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + API_TOKEN)
			.POST(HttpRequest.BodyPublishers.ofString(body)));
		if (r.statusCode() != 201) {
			throw new IllegalStateException("PayRecon order not created: " + r.statusCode() + " " + text(r));
		}
	}

	JsonNode payReconOrder(String accountId, String outTradeNo) {
		HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(url("/api/orders/" + accountId + "/" + outTradeNo)))
			.header("Authorization", "Bearer " + API_TOKEN)
			.GET());
		return JSON.readTree(r.body());
	}

	/** Waits until {@code check} holds (polling), or fails with the last value. */
	static JsonNode await(java.util.function.Supplier<JsonNode> value, java.util.function.Predicate<JsonNode> check,
			Duration timeout) {
		Instant end = Instant.now().plus(timeout);
		JsonNode last = null;
		while (Instant.now().isBefore(end)) {
			last = value.get();
			if (check.test(last)) {
				return last;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new AssertionError("condition not reached within " + timeout + "; last: " + last);
	}

	// ---- WeChat Pay v2 ------------------------------------------------------------------------------------------

	record V2Account(String appId, String mchId, String apiKey, WechatSignType signType) {
	}

	static final V2Account WX2_MD5 = new V2Account("wx2421b1c4370ec43b", "10000100", "8934e7d15453e97507ef794cf7b0519d",
			WechatSignType.MD5);
	static final V2Account WX2_HMAC = new V2Account("wx2421b1c4370ec43b", "10000101", "192006250b4c09247ec02edce69f6a2d",
			WechatSignType.HMAC_SHA256);

	HttpResponse<byte[]> v2Raw(String path, V2Account account, Map<String, String> business) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("appid", account.appId());
		f.put("mch_id", account.mchId());
		f.put("nonce_str", SandboxCrypto.randomAlphanumeric(24));
		if (account.signType() == WechatSignType.HMAC_SHA256) {
			f.put("sign_type", "HMAC-SHA256");
		}
		f.putAll(business);
		f.put("sign", WechatV2Signature.sign(f, account.apiKey(), account.signType()));
		return send(HttpRequest.newBuilder(URI.create(url("/sandbox/wechatpay" + path)))
			.header("Content-Type", "text/xml")
			.POST(HttpRequest.BodyPublishers.ofString(WechatV2Xml.write(f))));
	}

	/** Posts a signed request; the response must verify with PayRecon's verifier when return_code is SUCCESS. */
	Map<String, String> v2(String path, V2Account account, Map<String, String> business) {
		HttpResponse<byte[]> r = v2Raw(path, account, business);
		try {
			Map<String, String> answer = WechatV2Xml.parse(r.body());
			if ("SUCCESS".equals(answer.get("return_code")) && !WechatV2Signature.verify(answer, account.apiKey(), account.signType())) {
				throw new AssertionError("v2 response signature does not verify: " + text(r));
			}
			return answer;
		}
		catch (com.payrecon.crypto.MalformedMessageException ex) {
			throw new AssertionError("not v2 XML: " + r.statusCode() + " " + text(r), ex);
		}
	}

	// ---- WeChat Pay v3 ------------------------------------------------------------------------------------------

	HttpResponse<byte[]> v3(String method, String pathAndQuery, String body) {
		return v3(method, pathAndQuery, body, Instant.now().getEpochSecond(), false);
	}

	HttpResponse<byte[]> v3(String method, String pathAndQuery, String body, long timestamp, boolean docPairOrder) {
		String canonical = "/sandbox/wechatpay" + pathAndQuery;
		String nonce = SandboxCrypto.randomAlphanumeric(32);
		String signature = SandboxCrypto.rsaSign(V3_MERCHANT_KEY,
				WechatV3Crypto.requestMessage(method, canonical, timestamp, nonce, body).getBytes(StandardCharsets.UTF_8),
				"SHA256withRSA");
		String authorization = docPairOrder
				? "WECHATPAY2-SHA256-RSA2048 mchid=\"" + V3_MCHID + "\",nonce_str=\"" + nonce + "\",signature=\"" + signature
						+ "\",timestamp=\"" + timestamp + "\",serial_no=\"" + V3_SERIAL + "\""
				: WechatV3Crypto.authorizationHeader(V3_MCHID, V3_SERIAL, timestamp, nonce, signature);
		HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url(canonical)))
			.header("Authorization", authorization)
			.header("Accept", "application/json")
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null) {
			r.header("Content-Type", "application/json");
		}
		return send(r);
	}

	/** PayRecon's verifier accepts the response's Wechatpay-* signature. */
	static boolean v3SignatureValid(HttpResponse<byte[]> r) {
		String ts = r.headers().firstValue("Wechatpay-Timestamp").orElse(null);
		String nonce = r.headers().firstValue("Wechatpay-Nonce").orElse(null);
		String serial = r.headers().firstValue("Wechatpay-Serial").orElse("");
		if (ts == null || nonce == null || !serial.equals("PUB_KEY_ID_0119000000012026112200000000A")) {
			return false;
		}
		return WechatV3Crypto.verify(V3_PLATFORM_KEY, WechatV3Crypto.notificationMessage(ts, nonce, r.body()),
				r.headers().firstValue("Wechatpay-Signature").orElse(null));
	}

	// ---- Alipay -------------------------------------------------------------------------------------------------

	HttpResponse<byte[]> alipayRaw(String method, Map<String, Object> biz, String notifyUrl, PrivateKey key) {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("app_id", "2021000000000001");
		p.put("method", method);
		p.put("format", "JSON");
		p.put("charset", "utf-8");
		p.put("sign_type", "RSA2");
		p.put("timestamp", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(Instant.now().atZone(ZoneId.of("Asia/Shanghai"))));
		p.put("version", "1.0");
		if (notifyUrl != null) {
			p.put("notify_url", notifyUrl);
		}
		p.put("biz_content", JSON.writeValueAsString(biz));
		p.put("sign", AlipaySignature.sign(AlipaySignature.contentV2(p), key, "RSA2", StandardCharsets.UTF_8));
		return send(HttpRequest.newBuilder(URI.create(url("/sandbox/alipay/gateway.do")))
			.header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
			.POST(HttpRequest.BodyPublishers.ofString(FormCodec.encode(p, StandardCharsets.UTF_8))));
	}

	/** The {@code *_response} value, after PayRecon's verifier accepted its signature. */
	JsonNode alipay(String method, Map<String, Object> biz, String notifyUrl) {
		HttpResponse<byte[]> r = alipayRaw(method, biz, notifyUrl, ALIPAY_APP_KEY);
		String body = text(r);
		String key = method.replace('.', '_') + "_response";
		try {
			String content = AlipaySignature.extractResponseContent(body, key);
			String sign = JSON.readTree(body).path("sign").asString(null);
			if (!AlipaySignature.verify(content, sign, ALIPAY_PUBLIC_KEY, "RSA2", StandardCharsets.UTF_8)) {
				throw new AssertionError("Alipay response signature does not verify: " + body);
			}
		}
		catch (com.payrecon.crypto.MalformedMessageException ex) {
			throw new AssertionError("not an Alipay response: " + r.statusCode() + " " + body, ex);
		}
		return JSON.readTree(body).path(key);
	}
}
