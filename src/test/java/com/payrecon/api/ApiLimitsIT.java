package com.payrecon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 11, outside abuse of the REST API and the sandbox: request bodies are capped (declared or chunked), an API
 * client limited to some accounts ({@code payrecon.api-clients[].accounts}) neither creates nor sees orders of
 * others, and order history names no console user.
 */
@PayReconIT
class ApiLimitsIT {

	static final Map<String, String> FULL = Map.of("Authorization", "Bearer it-checkout-token-0123456789");
	/** application-it.yaml: the client {@code limited-it} may use the account wx2-hmac only. */
	static final Map<String, String> LIMITED = Map.of("Authorization", "Bearer it-limited-token-0123456789");
	static final JsonMapper JSON = JsonMapper.builder().build();
	static final int OVER_LIMIT = 100 * 1024; // the default cap is 64 KiB

	@LocalServerPort
	int port;

	@Autowired
	OrderService orders;

	Http http;

	@BeforeEach
	void setUp() {
		http = new Http(port);
	}

	static String order(String account, String no, String padding) {
		return "{\"accountId\":\"" + account + "\",\"outTradeNo\":\"" + no
				+ "\",\"amount\":100,\"currency\":\"CNY\",\"description\":\"Tea\",\"padding\":\"" + padding + "\"}";
	}

	@Test
	void aBodyAboveTheCapIsRefusedWith413WhetherItsLengthIsDeclaredOrItComesChunked() throws Exception {
		String big = order("wx2-md5", TestData.outTradeNo(), "x".repeat(OVER_LIMIT));

		HttpResponse<String> declared = http.post("/api/orders", "application/json", big.getBytes(StandardCharsets.UTF_8), FULL);
		assertThat(declared.statusCode()).isEqualTo(413);
		assertThat(JSON.readTree(declared.body()).path("error").asString()).isEqualTo("content_too_large");

		HttpResponse<String> chunked = chunked("/api/orders", big, FULL);
		assertThat(chunked.statusCode()).isEqualTo(413);

		HttpResponse<String> sandbox = chunked("/sandbox/api/orders",
				"{\"merchantId\":\"wx2-md5\",\"outTradeNo\":\"" + TestData.outTradeNo() + "\",\"amount\":100,\"padding\":\""
						+ "x".repeat(OVER_LIMIT) + "\"}", Map.of());
		assertThat(sandbox.statusCode()).isEqualTo(413);
		HttpResponse<String> sandboxDeclared = http.post("/sandbox/api/orders", "application/json",
				("{\"padding\":\"" + "x".repeat(OVER_LIMIT) + "\"}").getBytes(StandardCharsets.UTF_8), Map.of());
		assertThat(sandboxDeclared.statusCode()).isEqualTo(413);

		// just under the cap still works
		String fits = order("wx2-md5", TestData.outTradeNo(), "x".repeat(60 * 1024));
		assertThat(http.post("/api/orders", "application/json", fits.getBytes(StandardCharsets.UTF_8), FULL).statusCode())
			.isEqualTo(201);
	}

	@Test
	void aClientLimitedToAnAccountNeitherCreatesNorSeesOrdersOfAnother() {
		String mine = TestData.outTradeNo();
		String theirs = TestData.outTradeNo();
		assertThat(http.post("/api/orders", "application/json", order("wx2-hmac", mine, "").getBytes(), LIMITED)
			.statusCode()).isEqualTo(201);
		assertThat(http.post("/api/orders", "application/json", order("wx2-md5", theirs, "").getBytes(), FULL)
			.statusCode()).isEqualTo(201);

		HttpResponse<String> refused = http.post("/api/orders", "application/json",
				order("wx2-md5", TestData.outTradeNo(), "").getBytes(), LIMITED);
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(refused.body()).path("field").asString()).isEqualTo("accountId");
		assertThat(JSON.readTree(refused.body()).path("message").asString()).isEqualTo("no such account");

		assertThat(http.get("/api/orders/wx2-hmac/" + mine, LIMITED).statusCode()).isEqualTo(200);
		HttpResponse<String> hidden = http.get("/api/orders/wx2-md5/" + theirs, LIMITED);
		assertThat(hidden.statusCode()).isEqualTo(404);
		assertThat(hidden.body()).doesNotContain(theirs);
		assertThat(http.post("/api/orders/wx2-md5/" + theirs + "/requery", "application/json", new byte[0], LIMITED)
			.statusCode()).isEqualTo(404);
		assertThat(http.get("/api/orders/wx2-md5/" + theirs, FULL).statusCode()).as("the unlimited client").isEqualTo(200);
	}

	@Test
	void orderHistoryThroughTheApiNamesNoConsoleUser() {
		String no = TestData.outTradeNo();
		http.post("/api/orders", "application/json", order("wx2-md5", no, "").getBytes(), FULL);
		orders.transition("wx2-md5", no, OrderStatus.CLOSED,
				new Cause(EventSource.OPERATOR, "alice.console", null, "closed on request of alice.console's customer"));

		HttpResponse<String> response = http.get("/api/orders/wx2-md5/" + no, FULL);
		JsonNode events = JSON.readTree(response.body()).path("events");
		assertThat(events).hasSize(2);
		assertThat(events.get(0).path("actor").asString()).isEqualTo("checkout-it");
		assertThat(events.get(1).path("source").asString()).isEqualTo("OPERATOR");
		assertThat(events.get(1).path("actor").asString()).isEqualTo("operator");
		assertThat(response.body()).doesNotContain("alice");
	}

	private HttpResponse<String> chunked(String path, String body, Map<String, String> headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			// no length known in advance: sent chunked
			.POST(HttpRequest.BodyPublishers.ofInputStream(
					() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
		headers.forEach(request::header);
		try (HttpClient client = HttpClient.newHttpClient()) {
			return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
	}
}
