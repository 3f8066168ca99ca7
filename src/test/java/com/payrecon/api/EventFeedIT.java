package com.payrecon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.outbox.OutboxRepository;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code GET /api/events}: the same events as the webhooks, in each account's sequence order, paged with a cursor
 * that neither skips nor repeats, limited to the client's accounts ({@code payrecon.api-clients[].accounts}).
 */
@PayReconIT
class EventFeedIT {

	static final JsonMapper JSON = JsonMapper.builder().build();
	static final String LIMITED = "Bearer it-feed-limited-token-0123456789";
	static final String ALL = "Bearer it-checkout-token-0123456789";

	@Autowired OrderService orderService;
	@Autowired OutboxRepository events;
	@LocalServerPort int port;

	@Test
	void aClientPagesThroughItsAccountsEventsInSequenceWithoutGapOrRepeatAndCatchesUpLater() {
		String cursor = readToTheEnd(LIMITED, null, new ArrayList<>());
		List<String> mine = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			mine.add(closeAnOrder("hooks-a"));
		}
		String other = closeAnOrder("hooks-b");

		List<JsonNode> read = new ArrayList<>();
		String next = readPages(LIMITED, cursor, 2, read);
		assertThat(read).extracting(e -> e.get("id").asString()).containsExactlyElementsOf(mine);
		assertThat(read).allSatisfy(e -> assertThat(e.get("account").asString()).isEqualTo("hooks-a"));
		for (int i = 1; i < read.size(); i++) {
			assertThat(read.get(i).get("sequence").asLong()).isEqualTo(read.get(i - 1).get("sequence").asLong() + 1);
		}
		assertThat(read.getFirst().toString()).as("the same JSON as the webhook body")
			.isEqualTo(JSON.readTree(events.findByEventId(mine.getFirst()).orElseThrow().body()).toString());

		JsonNode empty = get(LIMITED, "/api/events?after=" + next);
		assertThat(empty.get("events")).isEmpty();
		assertThat(empty.get("next").asString()).isEqualTo(next);
		String later = closeAnOrder("hooks-a");
		assertThat(get(LIMITED, "/api/events?after=" + next).get("events")).singleElement()
			.satisfies(e -> assertThat(e.get("id").asString()).isEqualTo(later));

		// a client without an account list reads every account, merged
		List<JsonNode> everything = new ArrayList<>();
		readToTheEnd(ALL, null, everything);
		assertThat(everything).extracting(e -> e.get("id").asString()).contains(other, later).containsAll(mine);
		Map<String, Long> last = new HashMap<>();
		for (JsonNode e : everything) {
			long previous = last.getOrDefault(e.get("account").asString(), 0L);
			assertThat(e.get("sequence").asLong()).as("account " + e.get("account")).isEqualTo(previous + 1);
			last.put(e.get("account").asString(), e.get("sequence").asLong());
		}
	}

	@Test
	void theFeedRefusesWhatItCannotAnswer() {
		Http http = new Http(port);
		assertThat(http.get("/api/events", Map.of()).statusCode()).isEqualTo(401);
		assertThat(http.get("/api/events?account=hooks-b", Map.of("Authorization", LIMITED)).statusCode()).isEqualTo(403);
		assertThat(http.get("/api/events?limit=0", Map.of("Authorization", LIMITED)).statusCode()).isEqualTo(400);
		assertThat(http.get("/api/events?limit=501", Map.of("Authorization", LIMITED)).statusCode()).isEqualTo(400);
		var bad = http.get("/api/events?after=v1.%25%25", Map.of("Authorization", LIMITED));
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(bad.body()).get("field").asString()).isEqualTo("after");
		// a cursor naming an account the client may not read does not open it
		String forged = "v1." + java.util.Base64.getUrlEncoder().withoutPadding()
			.encodeToString("hooks-b=0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		List<JsonNode> read = new ArrayList<>();
		readPages(LIMITED, forged, 500, read);
		assertThat(read).allSatisfy(e -> assertThat(e.get("account").asString()).isEqualTo("hooks-a"));
	}

	private String readToTheEnd(String token, String cursor, List<JsonNode> into) {
		return readPages(token, cursor, 500, into);
	}

	private String readPages(String token, String cursor, int limit, List<JsonNode> into) {
		String next = cursor;
		while (true) {
			JsonNode page = get(token, "/api/events?limit=" + limit + (next == null ? "" : "&after=" + next));
			page.get("events").forEach(into::add);
			next = page.get("next").asString();
			if (!page.get("more").asBoolean()) {
				return next;
			}
		}
	}

	private JsonNode get(String token, String path) {
		var response = new Http(port).get(path, Map.of("Authorization", token));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private String closeAnOrder(String account) {
		PaymentOrder order = orderService.create(new CreateOrder(account, TestData.outTradeNo(), Fen.of(100), "CNY", "tea",
				null), Cause.api("checkout-it", "x")).order();
		orderService.transition(account, order.outTradeNo(), OrderStatus.CLOSED, Cause.query("x", "expired"));
		return events.ofOrder(order.id()).getFirst().eventId();
	}
}
