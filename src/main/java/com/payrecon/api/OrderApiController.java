package com.payrecon.api;

import static com.payrecon.api.ApiAnswers.error;

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
import com.payrecon.checkout.CheckoutProperties;
import com.payrecon.checkout.MicropayCashier;
import com.payrecon.checkout.MicropayCashier.Result;
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
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.provider.PaymentProvider.PlaceRequest;
import com.payrecon.provider.PaymentProvider.PlaceResult;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.repair.OrderRequery;
import com.payrecon.support.db.TransactionRetry;
import com.payrecon.support.money.Fen;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The merchant checkout's API: create an order (idempotent on {@code outTradeNo}), optionally placed with its
 * provider ({@code placeWithProvider: true} answers the pay URL as {@code payUrl}), pay one with the payer's payment
 * code ({@code /micropay}), and read one with its history.
 * Input is read field by field so that every refusal names the field, and no number is coerced (a string "100" or a
 * 1.5 is refused, not rounded).
 */
@RestController
@RequestMapping(path = "/api/orders", produces = MediaType.APPLICATION_JSON_VALUE)
class OrderApiController {

	private static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
	private static final Pattern WECHAT_OUT_TRADE_NO = Pattern.compile("[A-Za-z0-9_\\-|*@]{6,32}");
	private static final Pattern ALIPAY_OUT_TRADE_NO = Pattern.compile("[A-Za-z0-9_\\-|*@]{1,64}");
	private static final Pattern AUTH_CODE = Pattern.compile("[0-9]{10,32}");
	private static final long MAX_AMOUNT = 100_000_000_00L; // 100 million yuan

	private final AccountRegistry accounts;
	private final OrderService orderService;
	private final OrderRepository orders;
	private final ProviderRegistry providers;
	private final MicropayCashier cashier;
	private final CheckoutProperties checkout;
	private final OrderRequery requery;
	private final TransactionRetry retry;
	private final ApiProperties properties;

	OrderApiController(AccountRegistry accounts, OrderService orderService, OrderRepository orders,
			ProviderRegistry providers, MicropayCashier cashier, CheckoutProperties checkout, OrderRequery requery,
			TransactionRetry retry, ApiProperties properties) {
		this.accounts = accounts;
		this.retry = retry;
		this.properties = properties;
		this.requery = requery;
		this.orderService = orderService;
		this.orders = orders;
		this.providers = providers;
		this.cashier = cashier;
		this.checkout = checkout;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> create(@RequestBody byte[] body, @AuthenticationPrincipal ApiClientIdentity client) {
		Parsed parsed;
		try {
			parsed = parse(body, false, client);
		}
		catch (Refused refused) {
			return refused.response;
		}
		boolean place = parsed.place();
		if (place && checkout.publicBaseUrl() == null) {
			return error(HttpStatus.SERVICE_UNAVAILABLE, "placeWithProvider", "payrecon.public-base-url is not configured");
		}
		CreateResult result = retry.inTransaction(() -> orderService.create(parsed.command(),
				Cause.api(client.getName(), "order created through the API")));
		if (result instanceof Conflict conflict) {
			return error(HttpStatus.CONFLICT, conflict.field(),
					"an order " + parsed.command().outTradeNo() + " exists with a different " + conflict.field());
		}
		HttpStatus status = result instanceof Created ? HttpStatus.CREATED : HttpStatus.OK;
		PaymentOrder order = result.order();
		if (!place || order.status() != OrderStatus.PENDING) {
			return ResponseEntity.status(status).body(view(order, null, false));
		}
		// placing again after an identical retry is safe: the provider answers the same order
		Account account = parsed.account();
		PlaceResult placed = providers.forAccount(account).place(account, new PlaceRequest(order.outTradeNo(),
				order.amount(), order.currency(), order.description(), order.expiresAt(),
				checkout.notifyUrl(account.channel().wireName(), account.id())));
		Map<String, Object> view = view(order, null, false);
		if (!placed.placed()) {
			Map<String, Object> body502 = new LinkedHashMap<>();
			body502.put("error", "bad_gateway");
			body502.put("message", "the order was created but the provider did not place it; retry the same request");
			body502.put("providerError", placed.errorCode());
			body502.put("providerMessage", placed.errorMessage());
			body502.put("order", view);
			return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(body502);
		}
		view.put("payUrl", placed.payUrl());
		return ResponseEntity.status(status).body(view);
	}

	/**
	 * A payment-code payment: creates the order and charges {@code authCode}. PAID or FAILED come back at once
	 * (200); while the payer confirms, or when the provider's answer is unknown, the answer is 202 with status
	 * USER_PAYING and the cashier keeps querying in the background (then reverses). An identical retry answers the
	 * order as it is now and never charges twice.
	 */
	@PostMapping(path = "/micropay", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> micropay(@RequestBody byte[] body,
			@AuthenticationPrincipal ApiClientIdentity client) {
		Parsed parsed;
		try {
			parsed = parse(body, true, client);
		}
		catch (Refused refused) {
			return refused.response;
		}
		Account account = parsed.account();
		if (account.channel() == Channel.WECHATPAY_V3) {
			return error(HttpStatus.BAD_REQUEST, "accountId", "payment-code payments need a wechatpay-v2 or alipay account");
		}
		CreateResult result = retry.inTransaction(() -> orderService.create(parsed.command(),
				Cause.api(client.getName(), "micropay order created through the API")));
		return switch (result) {
			case Conflict conflict -> error(HttpStatus.CONFLICT, conflict.field(),
					"an order " + parsed.command().outTradeNo() + " exists with a different " + conflict.field());
			case AlreadyExists existing -> ResponseEntity.ok(view(existing.order(), null, false));
			case Created created -> {
				Result paid = cashier.pay(account, created.order(), parsed.authCode(), null, client.getName());
				PaymentOrder order = orders.find(account.id(), created.order().outTradeNo()).orElse(paid.order());
				Map<String, Object> view = view(order, null, false);
				if (paid.answer().errorCode() != null) {
					view.put("providerError", paid.answer().errorCode());
					view.put("providerMessage", paid.answer().errorMessage());
				}
				if (paid.outcome() == MicropayCashier.Outcome.IN_PROGRESS) {
					view.put("orderStatus", order.status().name());
					view.put("status", "USER_PAYING");
					yield ResponseEntity.status(HttpStatus.ACCEPTED).body(view);
				}
				yield ResponseEntity.ok(view);
			}
		};
	}

	private record Parsed(Account account, CreateOrder command, boolean place, String authCode) {
	}

	/** A refusal, carried as an exception to keep the field-by-field checks flat. */
	private static final class Refused extends Exception {
		private final transient ResponseEntity<Map<String, Object>> response;

		Refused(ResponseEntity<Map<String, Object>> response) {
			super(null, null, false, false);
			this.response = response;
		}
	}

	private Parsed parse(byte[] body, boolean micropay, ApiClientIdentity client) throws Refused {
		JsonNode json;
		try {
			json = STRICT.readTree(body);
		}
		catch (JacksonException ex) {
			throw new Refused(error(HttpStatus.BAD_REQUEST, null, "the body is not valid JSON"));
		}
		if (json == null || !json.isObject()) {
			throw new Refused(error(HttpStatus.BAD_REQUEST, null, "the body must be a JSON object"));
		}
		String accountId = text(json, "accountId");
		Account account = accounts.find(accountId).filter(a -> client.mayUse(a.id())).orElse(null);
		if (account == null) { // an account the client may not use looks like one that does not exist
			throw new Refused(error(HttpStatus.BAD_REQUEST, "accountId", "no such account"));
		}
		String outTradeNo = text(json, "outTradeNo");
		Pattern pattern = account.channel() == Channel.ALIPAY ? ALIPAY_OUT_TRADE_NO : WECHAT_OUT_TRADE_NO;
		if (outTradeNo == null || !pattern.matcher(outTradeNo).matches()) {
			throw new Refused(error(HttpStatus.BAD_REQUEST, "outTradeNo", "required: " + pattern.pattern()));
		}
		JsonNode amount = json.path("amount");
		if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() <= 0 || amount.asLong() > MAX_AMOUNT) {
			throw new Refused(error(HttpStatus.BAD_REQUEST, "amount", "an integer number of minor units (fen), 1.." + MAX_AMOUNT));
		}
		String currency = text(json, "currency");
		if (!"CNY".equals(currency)) {
			throw new Refused(error(HttpStatus.BAD_REQUEST, "currency", "only CNY is supported"));
		}
		String description = text(json, "description");
		if (description == null || description.isBlank() || description.length() > 128) {
			throw new Refused(error(HttpStatus.BAD_REQUEST, "description", "required, at most 128 characters"));
		}
		Instant expiresAt = null;
		if (json.has("expiresAt") && !json.get("expiresAt").isNull()) {
			try {
				expiresAt = OffsetDateTime.parse(json.get("expiresAt").asString("")).toInstant();
			}
			catch (DateTimeParseException ex) {
				throw new Refused(error(HttpStatus.BAD_REQUEST, "expiresAt", "an ISO-8601 date-time with offset, e.g. 2026-11-23T18:00:00+08:00"));
			}
		}
		boolean place = false;
		String authCode = null;
		if (micropay) {
			authCode = text(json, "authCode");
			if (authCode == null || !AUTH_CODE.matcher(authCode).matches()) {
				throw new Refused(error(HttpStatus.BAD_REQUEST, "authCode", "the payer's payment code: 10 to 32 digits"));
			}
		}
		else {
			JsonNode placeNode = json.path("placeWithProvider");
			if (!placeNode.isMissingNode() && !placeNode.isNull() && !placeNode.isBoolean()) {
				throw new Refused(error(HttpStatus.BAD_REQUEST, "placeWithProvider", "true or false"));
			}
			place = placeNode.asBoolean(false);
		}
		return new Parsed(account,
				new CreateOrder(accountId, outTradeNo, Fen.of(amount.asLong()), currency, description, expiresAt), place,
				authCode);
	}

	@GetMapping("/{accountId}/{outTradeNo}")
	ResponseEntity<Map<String, Object>> get(@PathVariable String accountId, @PathVariable String outTradeNo,
			@AuthenticationPrincipal ApiClientIdentity client) {
		if (!client.mayUse(accountId)) {
			return error(HttpStatus.NOT_FOUND, null, "no such order");
		}
		return orders.find(accountId, outTradeNo)
			.map(order -> ResponseEntity.ok(view(order, orders.events(order.id()), properties.operatorNames())))
			.orElseGet(() -> error(HttpStatus.NOT_FOUND, null, "no such order"));
	}

	/** Manual re-query (issue 4): ask the provider now and act on a definite answer, recording the API client. */
	@PostMapping("/{accountId}/{outTradeNo}/requery")
	ResponseEntity<Map<String, Object>> requery(@PathVariable String accountId, @PathVariable String outTradeNo,
			@AuthenticationPrincipal ApiClientIdentity client) {
		if (!client.mayUse(accountId)) {
			return error(HttpStatus.NOT_FOUND, null, "no such order");
		}
		Cause cause = new Cause(EventSource.QUERY, client.getName(), null, "re-query requested through the API");
		return requery.requery(accountId, outTradeNo, cause).map(result -> {
			Map<String, Object> body = view(result.after(), orders.events(result.after().id()), properties.operatorNames());
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

	/** @param operatorNames name the console user behind an operator's change (else {@code operator}, no reason) */
	static Map<String, Object> view(PaymentOrder order, List<OrderEvent> events, boolean operatorNames) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("accountId", order.accountId());
		view.put("outTradeNo", order.outTradeNo());
		view.put("amount", order.amount().value());
		view.put("currency", order.currency());
		view.put("description", order.description());
		view.put("status", order.status().name());
		view.put("refunded", order.refunded().value());
		view.put("providerTransactionId", order.providerTxnId());
		view.put("paidAt", order.paidAt());
		view.put("expiresAt", order.expiresAt());
		view.put("createdAt", order.createdAt());
		view.put("needsReview", order.needsReview());
		view.put("reviewReason", order.reviewReason());
		if (events != null) {
			view.put("events", events.stream().map(event -> eventLine(event, operatorNames)).toList());
		}
		return view;
	}

	private static Map<String, Object> eventLine(OrderEvent event, boolean operatorNames) {
		return ApiAnswers.historyLine(event.eventType(), event.fromStatus(), event.toStatus(), event.source(), event.actor(),
				event.rawNotificationId(), event.reason(), event.details(), event.createdAt(), operatorNames);
	}
}
