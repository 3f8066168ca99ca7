package com.payrecon.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.outbox.EventFeed;
import com.payrecon.outbox.EventFeed.Page;
import com.payrecon.outbox.OutboxEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/events?after=<cursor>&limit=<n>[&account=<id>]}: the outbound events as a feed, for consumers that
 * poll or catch up after an outage. Each event is exactly the body a webhook endpoint gets. An API client reads only
 * the accounts it may use ({@code payrecon.api-clients[].accounts}; none listed: every account). The answer's
 * {@code next} is the cursor to ask after next time, also when the page was empty.
 */
@RestController
class EventFeedController {

	static final int MAX_LIMIT = 500;
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final EventFeed feed;
	private final AccountRegistry accounts;

	EventFeedController(EventFeed feed, AccountRegistry accounts) {
		this.feed = feed;
		this.accounts = accounts;
	}

	@GetMapping(path = "/api/events", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> events(@RequestParam(required = false) String after,
			@RequestParam(required = false) String limit, @RequestParam(required = false) String account,
			@AuthenticationPrincipal ApiClientIdentity client) {
		int n;
		try {
			n = limit == null ? 100 : Integer.parseInt(limit);
		}
		catch (NumberFormatException ex) {
			n = -1;
		}
		if (n < 1 || n > MAX_LIMIT) {
			return error(HttpStatus.BAD_REQUEST, "bad_request", "limit", "limit must be 1 to " + MAX_LIMIT);
		}
		Set<String> readable = readable(client);
		if (account != null) {
			if (!readable.contains(account)) {
				return error(HttpStatus.FORBIDDEN, "forbidden", "account", "this client may not read account " + account);
			}
			readable = Set.of(account);
		}
		Page page;
		try {
			page = feed.after(readable, after, n);
		}
		catch (EventFeed.BadCursor ex) {
			return error(HttpStatus.BAD_REQUEST, "bad_request", "after", ex.getMessage());
		}
		ObjectNode body = JSON.createObjectNode();
		ArrayNode events = body.putArray("events");
		for (OutboxEvent e : page.events()) {
			JsonNode event = JSON.readTree(e.body());
			events.add(event);
		}
		body.put("next", page.next());
		body.put("more", page.more());
		return ResponseEntity.ok(body);
	}

	/** The configured accounts this client may read. */
	private Set<String> readable(ApiClientIdentity client) {
		Set<String> readable = new TreeSet<>();
		for (Account a : accounts.all()) {
			if (client.mayUse(a.id())) {
				readable.add(a.id());
			}
		}
		return readable;
	}

	private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String error, String field, String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("field", field);
		body.put("message", message);
		return ResponseEntity.status(status).body(body);
	}
}
