package com.payrecon.api;

import java.security.Principal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.account.Channel;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.AlreadyExists;
import com.payrecon.order.OrderService.Conflict;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderService.CreateResult;
import com.payrecon.order.OrderService.Created;
import com.payrecon.order.PaymentOrder;
import com.payrecon.repair.OrderRequery;
import com.payrecon.support.money.Fen;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The merchant checkout's API: create an order (idempotent on {@code outTradeNo}) and read it with its history.
 * Input is read field by field so that every refusal names the field, and no number is coerced (a string "100" or a
 * 1.5 is refused, not rounded).
 */
@RestController
@RequestMapping(path = "/api/orders", produces = MediaType.APPLICATION_JSON_VALUE)
class OrderApiController {

	private static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
	private static final Pattern WECHAT_OUT_TRADE_NO = Pattern.compile("[A-Za-z0-9_\\-|*@]{6,32}");
	private static final Pattern ALIPAY_OUT_TRADE_NO = Pattern.compile("[A-Za-z0-9_\\-|*@]{1,64}");
	private static final long MAX_AMOUNT = 100_000_000_00L; // 100 million yuan

	private final AccountRegistry accounts;
	private final OrderService orderService;
	private final OrderRepository orders;
	private final OrderRequery requery;

	OrderApiController(AccountRegistry accounts, OrderService orderService, OrderRepository orders, OrderRequery requery) {
		this.accounts = accounts;
		this.requery = requery;
		this.orderService = orderService;
		this.orders = orders;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> create(@RequestBody byte[] body, Principal client) {
		JsonNode json;
		try {
			json = STRICT.readTree(body);
		}
		catch (JacksonException ex) {
			return error(HttpStatus.BAD_REQUEST, null, "the body is not valid JSON");
		}
		if (json == null || !json.isObject()) {
			return error(HttpStatus.BAD_REQUEST, null, "the body must be a JSON object");
		}
		String accountId = text(json, "accountId");
		Account account = accounts.find(accountId).orElse(null);
		if (account == null) {
			return error(HttpStatus.BAD_REQUEST, "accountId", "no such account");
		}
		String outTradeNo = text(json, "outTradeNo");
		Pattern pattern = account.channel() == Channel.ALIPAY ? ALIPAY_OUT_TRADE_NO : WECHAT_OUT_TRADE_NO;
		if (outTradeNo == null || !pattern.matcher(outTradeNo).matches()) {
			return error(HttpStatus.BAD_REQUEST, "outTradeNo", "required: " + pattern.pattern());
		}
		JsonNode amount = json.path("amount");
		if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() <= 0 || amount.asLong() > MAX_AMOUNT) {
			return error(HttpStatus.BAD_REQUEST, "amount", "an integer number of minor units (fen), 1.." + MAX_AMOUNT);
		}
		String currency = text(json, "currency");
		if (!"CNY".equals(currency)) {
			return error(HttpStatus.BAD_REQUEST, "currency", "only CNY is supported");
		}
		String description = text(json, "description");
		if (description == null || description.isBlank() || description.length() > 128) {
			return error(HttpStatus.BAD_REQUEST, "description", "required, at most 128 characters");
		}
		Instant expiresAt = null;
		if (json.has("expiresAt") && !json.get("expiresAt").isNull()) {
			try {
				expiresAt = OffsetDateTime.parse(json.get("expiresAt").asString("")).toInstant();
			}
			catch (DateTimeParseException ex) {
				return error(HttpStatus.BAD_REQUEST, "expiresAt", "an ISO-8601 date-time with offset, e.g. 2026-11-23T18:00:00+08:00");
			}
		}
		JsonNode place = json.path("placeWithProvider");
		if (!place.isMissingNode() && !place.isNull() && !place.isBoolean()) {
			return error(HttpStatus.BAD_REQUEST, "placeWithProvider", "true or false");
		}
		if (place.asBoolean(false)) {
			return error(HttpStatus.BAD_REQUEST, "placeWithProvider", "placing orders with the provider is not available yet");
		}
		CreateResult result = orderService.create(
				new CreateOrder(accountId, outTradeNo, Fen.of(amount.asLong()), currency, description, expiresAt),
				Cause.api(client.getName(), "order created through the API"));
		return switch (result) {
			case Created created -> ResponseEntity.status(HttpStatus.CREATED).body(view(created.order(), null));
			case AlreadyExists existing -> ResponseEntity.ok(view(existing.order(), null));
			case Conflict conflict -> error(HttpStatus.CONFLICT, conflict.field(),
					"an order " + outTradeNo + " exists with a different " + conflict.field());
		};
	}

	@GetMapping("/{accountId}/{outTradeNo}")
	ResponseEntity<Map<String, Object>> get(@PathVariable String accountId, @PathVariable String outTradeNo) {
		return orders.find(accountId, outTradeNo)
			.map(order -> ResponseEntity.ok(view(order, orders.events(order.id()))))
			.orElseGet(() -> error(HttpStatus.NOT_FOUND, null, "no such order"));
	}

	/** Manual re-query (issue 4): ask the provider now and act on a definite answer, recording the API client. */
	@PostMapping("/{accountId}/{outTradeNo}/requery")
	ResponseEntity<Map<String, Object>> requery(@PathVariable String accountId, @PathVariable String outTradeNo,
			Principal client) {
		Cause cause = new Cause(EventSource.QUERY, client.getName(), null, "re-query requested through the API");
		return requery.requery(accountId, outTradeNo, cause).map(result -> {
			Map<String, Object> body = view(result.after(), orders.events(result.after().id()));
			Map<String, Object> provider = new LinkedHashMap<>();
			provider.put("status", result.answer().status().name());
			provider.put("transactionId", result.answer().providerTxnId());
			provider.put("amount", result.answer().amount() == null ? null : result.answer().amount().value());
			provider.put("errorCode", result.answer().errorCode());
			provider.put("outcome", result.outcome());
			body.put("provider", provider);
			return ResponseEntity.ok(body);
		}).orElseGet(() -> error(HttpStatus.NOT_FOUND, null, "no such order"));
	}

	private static String text(JsonNode json, String field) {
		JsonNode node = json.get(field);
		return node != null && node.isString() ? node.asString() : null;
	}

	static Map<String, Object> view(PaymentOrder order, List<OrderEvent> events) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("accountId", order.accountId());
		view.put("outTradeNo", order.outTradeNo());
		view.put("amount", order.amount().value());
		view.put("currency", order.currency());
		view.put("description", order.description());
		view.put("status", order.status().name());
		view.put("providerTransactionId", order.providerTxnId());
		view.put("paidAt", order.paidAt());
		view.put("expiresAt", order.expiresAt());
		view.put("createdAt", order.createdAt());
		view.put("needsReview", order.needsReview());
		view.put("reviewReason", order.reviewReason());
		if (events != null) {
			view.put("events", events.stream().map(OrderApiController::eventView).toList());
		}
		return view;
	}

	private static Map<String, Object> eventView(OrderEvent event) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("type", event.eventType());
		view.put("from", event.fromStatus());
		view.put("to", event.toStatus());
		view.put("source", event.source());
		view.put("actor", event.actor());
		view.put("rawNotificationId", event.rawNotificationId());
		view.put("reason", event.reason());
		view.put("details", event.details());
		view.put("at", event.createdAt());
		return view;
	}

	private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String field, String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", status.name().toLowerCase(java.util.Locale.ROOT));
		if (field != null) {
			body.put("field", field);
		}
		body.put("message", message);
		return ResponseEntity.status(status).body(body);
	}
}
