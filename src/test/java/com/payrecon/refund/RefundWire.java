package com.payrecon.refund;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.payrecon.support.Http;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refund tests over real HTTP: PayRecon's REST API (orders, refunds) and the sandbox's control API (the payer pays,
 * faults, the provider's ledger).
 */
final class RefundWire {

	static final JsonMapper JSON = JsonMapper.builder().build();
	static final Map<String, String> AUTH = Map.of("Authorization", "Bearer it-checkout-token-0123456789");

	final Http http;

	RefundWire(int port) {
		this.http = new Http(port);
	}

	/** An order created in PayRecon, registered in the sandbox as placed and paid there; returns when PAID here. */
	void paidOrder(String accountId, String outTradeNo, long amount) {
		HttpResponse<String> created = http.post("/api/orders", "application/json", json(Map.of("accountId", accountId,
				"outTradeNo", outTradeNo, "amount", amount, "currency", "CNY", "description", "refund IT")).getBytes(StandardCharsets.UTF_8),
				AUTH);
		if (created.statusCode() != 201) {
			throw new IllegalStateException("order not created: " + created.statusCode() + " " + created.body());
		}
		control("POST", "/orders", Map.of("merchantId", accountId, "outTradeNo", outTradeNo, "amount", amount));
		control("POST", "/orders/" + accountId + "/" + outTradeNo + "/pay", Map.of());
		await(() -> order(accountId, outTradeNo), o -> "PAID".equals(o.path("status").asString()), Duration.ofSeconds(20));
	}

	HttpResponse<String> refund(String accountId, String outTradeNo, String body) {
		return http.post("/api/orders/" + accountId + "/" + outTradeNo + "/refunds", "application/json",
				body.getBytes(StandardCharsets.UTF_8), AUTH);
	}

	HttpResponse<String> refund(String accountId, String outTradeNo, String outRefundNo, long amount, String reason) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("outRefundNo", outRefundNo);
		body.put("amount", amount);
		if (reason != null) {
			body.put("reason", reason);
		}
		return refund(accountId, outTradeNo, json(body));
	}

	JsonNode getRefund(String accountId, String outTradeNo, String outRefundNo) {
		return JSON.readTree(http.get("/api/orders/" + accountId + "/" + outTradeNo + "/refunds/" + outRefundNo, AUTH).body());
	}

	JsonNode order(String accountId, String outTradeNo) {
		return JSON.readTree(http.get("/api/orders/" + accountId + "/" + outTradeNo, AUTH).body());
	}

	/** The sandbox's control API; fails on an error answer. */
	JsonNode control(String method, String path, Object body) {
		HttpResponse<String> response = switch (method) {
			case "GET" -> http.get("/sandbox/api" + path, Map.of());
			default -> new SandboxControl(http).send(method, "/sandbox/api" + path, body == null ? null : json(body));
		};
		if (response.statusCode() >= 300) {
			throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
		}
		return JSON.readTree(response.body());
	}

	/** The provider's side of a refund (sandbox ledger), or null. */
	JsonNode sandboxRefund(String accountId, String outTradeNo, String outRefundNo) {
		for (JsonNode r : control("GET", "/orders/" + accountId + "/" + outTradeNo, null).path("refunds")) {
			if (outRefundNo.equals(r.path("outRefundNo").asString())) {
				return r;
			}
		}
		return null;
	}

	static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	/** Waits until {@code check} holds (polling), or fails with the last value. */
	static JsonNode await(Supplier<JsonNode> value, Predicate<JsonNode> check, Duration timeout) {
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
		throw new AssertionError("condition not met within " + timeout + "; last: " + last);
	}

	/** PUT/POST/DELETE with a JSON body through the JDK client. */
	record SandboxControl(Http http) {
		HttpResponse<String> send(String method, String path, String body) {
			return http.send(method, path, "application/json", body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
		}
	}
}
