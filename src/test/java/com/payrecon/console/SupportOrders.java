package com.payrecon.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.PaymentOrder;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.support.money.Fen;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Orders for the support tests, in PayRecon and at the built-in sandbox (accounts {@code support-wx2}: every
 * notification dropped; {@code support-down}: every API call answered 502), over real HTTP.
 */
public final class SupportOrders {

	public static final String ACCOUNT = "support-wx2";
	public static final String DOWN = "support-down";
	static final Map<String, String> KEYS = Map.of(ACCOUNT, "3d2c1b0a9f8e7d6c5b4a39281706f5e4", DOWN,
			"4e3d2c1b0a9f8e7d6c5b4a39281706f5");
	static final Map<String, String> MCH_IDS = Map.of(ACCOUNT, "10000160", DOWN, "10000161");
	private static final JsonMapper JSON = JsonMapper.builder().build();
	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;
	private final OrderService orderService;

	public SupportOrders(int port, OrderService orderService) {
		this.port = port;
		this.orderService = orderService;
	}

	/** An order in PayRecon that the checkout also placed at the sandbox (a signed unifiedorder with {@code attach}). */
	public PaymentOrder placed(String account, String outTradeNo, long fen, String attach) {
		PaymentOrder order = orderService
			.create(new CreateOrder(account, outTradeNo, Fen.of(fen), "CNY", "support test", null),
					Cause.api("checkout-it", "placed"))
			.order();
		Map<String, String> f = new LinkedHashMap<>();
		f.put("appid", "wx2421b1c4370ec43b");
		f.put("mch_id", MCH_IDS.get(account));
		f.put("nonce_str", "n" + System.nanoTime());
		f.put("body", "support test");
		f.put("out_trade_no", outTradeNo);
		f.put("total_fee", Long.toString(fen));
		f.put("spbill_create_ip", "127.0.0.1");
		f.put("notify_url", "http://127.0.0.1:" + port + "/notify/wechatpay-v2/" + account);
		f.put("trade_type", "NATIVE");
		if (attach != null) {
			f.put("attach", attach);
		}
		f.put("sign", WechatV2Signature.sign(f, KEYS.get(account), WechatSignType.MD5));
		HttpResponse<String> placed = send(HttpRequest.newBuilder(uri("/sandbox/wechatpay/pay/unifiedorder"))
			.header("Content-Type", "text/xml")
			.POST(HttpRequest.BodyPublishers.ofString(WechatV2Xml.write(f))));
		if (!placed.body().contains("code_url")) {
			throw new IllegalStateException("not placed at the sandbox: " + placed.body());
		}
		return order;
	}

	public PaymentOrder placed(String outTradeNo, long fen) {
		return placed(ACCOUNT, outTradeNo, fen, null);
	}

	/** The payer pays at the sandbox; returns once the sandbox has dropped the notification (it never arrives). */
	public void payAndDropTheNotification(String account, String outTradeNo) {
		control("POST", "/orders/" + account + "/" + outTradeNo + "/pay", "{}");
		Instant end = Instant.now().plusSeconds(20);
		while (Instant.now().isBefore(end)) {
			JsonNode deliveries = control("GET", "/deliveries?merchantId=" + account + "&outTradeNo=" + outTradeNo, null);
			if (deliveries.size() > 0 && "DROPPED".equals(deliveries.get(0).path("status").asString())) {
				return;
			}
			pause();
		}
		throw new AssertionError("the sandbox did not drop the notification of " + outTradeNo);
	}

	/** The sandbox's own view of the order ({@code trade_state} names: NOTPAY, SUCCESS, CLOSED, ...). */
	public JsonNode atSandbox(String account, String outTradeNo) {
		return control("GET", "/orders/" + account + "/" + outTradeNo, null);
	}

	/** The transaction id the sandbox gave the payment. */
	public String sandboxTransactionId(String account, String outTradeNo) {
		JsonNode order = atSandbox(account, outTradeNo);
		JsonNode inner = order.has("order") ? order.path("order") : order;
		return inner.path("providerTradeNo").asString();
	}

	private JsonNode control(String method, String path, String body) {
		HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/sandbox/api" + path))
			.header("Content-Type", "application/json")
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
		if (r.statusCode() >= 300) {
			throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
		}
		return JSON.readTree(r.body());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void pause() {
		try {
			Thread.sleep(100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
