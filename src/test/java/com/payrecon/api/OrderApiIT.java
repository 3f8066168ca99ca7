package com.payrecon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.web.server.LocalServerPort;

@PayReconIT
class OrderApiIT {

	static final Map<String, String> AUTH = Map.of("Authorization", "Bearer it-checkout-token-0123456789");
	static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	Http http;

	@BeforeEach
	void setUp() {
		http = new Http(port);
	}

	HttpResponse<String> create(String json, Map<String, String> headers) {
		return http.post("/api/orders", "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
	}

	static String order(String no, Object amount) {
		return "{\"accountId\":\"wx2-md5\",\"outTradeNo\":\"" + no + "\",\"amount\":" + amount
				+ ",\"currency\":\"CNY\",\"description\":\"Coffee\",\"expiresAt\":\"2030-01-01T10:00:00+08:00\"}";
	}

	@Test
	void createsAnOrderAnIdenticalRetryReturnsItAndADifferentOneConflicts() {
		String no = TestData.outTradeNo();

		HttpResponse<String> created = create(order(no, 1250), AUTH);
		HttpResponse<String> retried = create(order(no, 1250), AUTH);
		HttpResponse<String> conflicting = create(order(no, 1251), AUTH);

		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode body = JSON.readTree(created.body());
		assertThat(body.path("status").asString()).isEqualTo("PENDING");
		assertThat(body.path("amount").asLong()).isEqualTo(1250);
		assertThat(body.path("expiresAt").asString()).isEqualTo("2030-01-01T02:00:00Z");
		assertThat(retried.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(retried.body())).isEqualTo(body);
		assertThat(conflicting.statusCode()).isEqualTo(409);
		assertThat(JSON.readTree(conflicting.body()).path("field").asString()).isEqualTo("amount");
	}

	@Test
	void getsTheOrderWithItsHistory() {
		String no = TestData.outTradeNo();
		create(order(no, 990), AUTH);

		HttpResponse<String> response = http.get("/api/orders/wx2-md5/" + no, AUTH);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.path("outTradeNo").asString()).isEqualTo(no);
		assertThat(body.path("events")).hasSize(1);
		assertThat(body.path("events").get(0).path("type").asString()).isEqualTo("CREATED");
		assertThat(body.path("events").get(0).path("actor").asString()).isEqualTo("checkout-it");
		assertThat(http.get("/api/orders/wx2-md5/NOPE" + no, AUTH).statusCode()).isEqualTo(404);
	}

	@Test
	void badInputIsRefusedNamingTheField() {
		String no = TestData.outTradeNo();
		Map<String, String> cases = Map.of(
				"{\"accountId\":\"nope\",\"outTradeNo\":\"" + no + "\",\"amount\":1,\"currency\":\"CNY\",\"description\":\"x\"}", "accountId",
				order("a b", 1), "outTradeNo",
				order(no, "\"100\""), "amount",
				order(no, 1.5), "amount",
				order(no, 0), "amount",
				order(no, -5), "amount",
				order(no, 1).replace("CNY", "USD"), "currency",
				order(no, 1).replace("Coffee", ""), "description",
				order(no, 1).replace("2030-01-01T10:00:00+08:00", "tomorrow"), "expiresAt");
		cases.forEach((json, field) -> {
			HttpResponse<String> response = create(json, AUTH);
			assertThat(response.statusCode()).as(json).isEqualTo(400);
			assertThat(JSON.readTree(response.body()).path("field").asString()).as(json).isEqualTo(field);
		});
		assertThat(create("{not json", AUTH).statusCode()).isEqualTo(400);
		assertThat(http.get("/api/orders/wx2-md5/" + no, AUTH).statusCode()).isEqualTo(404);
	}

	@Test
	void requestsWithoutAValidTokenGet401Json() {
		for (Map<String, String> headers : java.util.List.of(Map.<String, String>of(),
				Map.of("Authorization", "Bearer wrong-token-000000000000"), Map.of("Authorization", "Basic Zm9vOmJhcg=="))) {
			HttpResponse<String> response = create(order(TestData.outTradeNo(), 100), headers);
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(JSON.readTree(response.body()).path("error").asString()).isEqualTo("unauthorized");
			assertThat(http.get("/api/orders/wx2-md5/x", headers).statusCode()).isEqualTo(401);
		}
	}
}
