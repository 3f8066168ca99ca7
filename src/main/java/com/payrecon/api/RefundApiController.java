package com.payrecon.api;

import static com.payrecon.api.ApiAnswers.error;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.payrecon.account.AccountRegistry;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.PaymentOrder;
import com.payrecon.refund.Refund;
import com.payrecon.refund.RefundEvent;
import com.payrecon.refund.RefundRepository;
import com.payrecon.refund.RefundSender;
import com.payrecon.refund.RefundService;
import com.payrecon.refund.RefundService.AlreadyExists;
import com.payrecon.refund.RefundService.Conflict;
import com.payrecon.refund.RefundService.Created;
import com.payrecon.refund.RefundService.NoSuchOrder;
import com.payrecon.refund.RefundService.NotRefundable;
import com.payrecon.refund.RefundService.RequestRefund;
import com.payrecon.refund.RefundSource;
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
 * Refunds of an order for the merchant's systems: ask for one (idempotent on {@code outRefundNo}: the same request
 * again answers the refund as it is now, 200; the same number with another amount, reason or order is 409), read
 * one with its history, list an order's refunds. A refund asked for here is sent to the provider at once (the API
 * client is the merchant's own system; console refunds go through maker-checker instead). 422 when the amount is
 * above what may still be refunded (the amount paid less every refund that is not CLOSED) or the order is not paid.
 */
@RestController
@RequestMapping(path = "/api/orders/{accountId}/{outTradeNo}/refunds", produces = MediaType.APPLICATION_JSON_VALUE)
class RefundApiController {

	private static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
	/** WeChat's and Alipay's alphabet for refund numbers (protocols-refunds-credentials.md A.1, B.1, D.1). */
	static final Pattern OUT_REFUND_NO = Pattern.compile("[0-9A-Za-z_\\-|*@]{1,64}");
	private static final long MAX_AMOUNT = 100_000_000_00L;
	/** WeChat's refund_desc and reason are 80 characters (Alipay's 256): the shorter rule for every channel. */
	static final int MAX_REASON = 80;

	private final AccountRegistry accounts;
	private final OrderRepository orders;
	private final RefundService refundService;
	private final RefundSender sender;
	private final RefundRepository refunds;
	private final TransactionRetry retry;
	private final ApiProperties properties;

	RefundApiController(AccountRegistry accounts, OrderRepository orders, RefundService refundService, RefundSender sender,
			RefundRepository refunds, TransactionRetry retry, ApiProperties properties) {
		this.properties = properties;
		this.accounts = accounts;
		this.orders = orders;
		this.refundService = refundService;
		this.sender = sender;
		this.refunds = refunds;
		this.retry = retry;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> request(@PathVariable String accountId, @PathVariable String outTradeNo,
			@RequestBody byte[] body, @AuthenticationPrincipal ApiClientIdentity client) {
		// a client limited to other accounts learns nothing about this one (issue 11: payrecon.api-clients[].accounts)
		if (accounts.find(accountId).filter(a -> client.mayUse(a.id())).isEmpty()) {
			return error(HttpStatus.NOT_FOUND, null, "no such account");
		}
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
		String outRefundNo = text(json, "outRefundNo");
		if (outRefundNo == null || !OUT_REFUND_NO.matcher(outRefundNo).matches()) {
			return error(HttpStatus.BAD_REQUEST, "outRefundNo", "required: " + OUT_REFUND_NO.pattern());
		}
		JsonNode amount = json.path("amount");
		if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() <= 0 || amount.asLong() > MAX_AMOUNT) {
			return error(HttpStatus.BAD_REQUEST, "amount", "an integer number of minor units (fen), 1.." + MAX_AMOUNT);
		}
		JsonNode reasonNode = json.path("reason");
		if (!reasonNode.isMissingNode() && !reasonNode.isNull() && !reasonNode.isString()) {
			return error(HttpStatus.BAD_REQUEST, "reason", "a text of at most " + MAX_REASON + " characters");
		}
		String reason = reasonNode.isString() ? reasonNode.asString().strip() : null;
		if (reason != null && (reason.length() > MAX_REASON || reason.chars().anyMatch(Character::isISOControl))) {
			return error(HttpStatus.BAD_REQUEST, "reason", "a text of at most " + MAX_REASON + " characters, no control characters");
		}
		RequestRefund command = new RequestRefund(accountId, outTradeNo, outRefundNo, Fen.of(amount.asLong()),
				reason == null || reason.isEmpty() ? null : reason, RefundSource.API, client.getName(), false);
		Cause cause = Cause.api(client.getName(), "refund asked for through the API");
		return switch (retry.inTransaction(() -> refundService.request(command, cause))) {
			case Created created -> ResponseEntity.status(HttpStatus.CREATED)
				.body(view(sender.send(created.refund().id(), cause), null, properties.operatorNames()));
			// an identical retry: a refund recorded but never sent (a crash in between) goes now, else nothing is sent
			case AlreadyExists existing -> ResponseEntity.ok(view(existing.refund().readyToSend()
					? sender.send(existing.refund().id(), cause) : existing.refund(), null, properties.operatorNames()));
			case Conflict conflict -> error(HttpStatus.CONFLICT, conflict.field(),
					"a refund " + outRefundNo + " exists with a different " + conflict.field());
			case NotRefundable refused -> {
				ResponseEntity<Map<String, Object>> response = error(HttpStatus.UNPROCESSABLE_CONTENT, "amount", refused.why());
				response.getBody().put("refundable", refused.refundable().value());
				yield response;
			}
			case NoSuchOrder none -> error(HttpStatus.NOT_FOUND, null, "no such order");
		};
	}

	@GetMapping
	ResponseEntity<Map<String, Object>> list(@PathVariable String accountId, @PathVariable String outTradeNo,
			@AuthenticationPrincipal ApiClientIdentity client) {
		Optional<PaymentOrder> order = client.mayUse(accountId) ? orders.find(accountId, outTradeNo) : Optional.empty();
		if (order.isEmpty()) {
			return error(HttpStatus.NOT_FOUND, null, "no such order");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("accountId", accountId);
		body.put("outTradeNo", outTradeNo);
		body.put("amount", order.get().amount().value());
		body.put("refunded", order.get().refunded().value());
		body.put("status", order.get().status().name());
		body.put("refunds", refunds.forOrder(order.get().id()).stream()
			.map(r -> view(r, null, properties.operatorNames()))
			.toList());
		return ResponseEntity.ok(body);
	}

	@GetMapping("/{outRefundNo}")
	ResponseEntity<Map<String, Object>> get(@PathVariable String accountId, @PathVariable String outTradeNo,
			@PathVariable String outRefundNo, @AuthenticationPrincipal ApiClientIdentity client) {
		if (!client.mayUse(accountId)) {
			return error(HttpStatus.NOT_FOUND, null, "no such refund of this order");
		}
		return refunds.find(accountId, outRefundNo)
			.filter(r -> r.outTradeNo().equals(outTradeNo))
			.map(r -> ResponseEntity.ok(view(r, refunds.events(r.id()), properties.operatorNames())))
			.orElseGet(() -> error(HttpStatus.NOT_FOUND, null, "no such refund of this order"));
	}

	/**
	 * @param operatorNames name the console users behind a console refund and an operator's step (else
	 * {@code operator}, and no operator's reason: console logins and notes are not for a checkout, as for orders)
	 */
	static Map<String, Object> view(Refund refund, List<RefundEvent> events, boolean operatorNames) {
		boolean anonymous = refund.source() == RefundSource.CONSOLE && !operatorNames;
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("accountId", refund.accountId());
		view.put("outTradeNo", refund.outTradeNo());
		view.put("outRefundNo", refund.outRefundNo());
		view.put("amount", refund.amount().value());
		view.put("currency", refund.currency());
		view.put("reason", refund.reason());
		view.put("status", refund.status().name());
		view.put("source", refund.source().name());
		view.put("providerRefundId", refund.providerRefundId());
		view.put("requestedBy", anonymous ? "operator" : refund.requestedBy());
		view.put("approvalRequired", refund.approvalRequired());
		view.put("approvedBy", anonymous && refund.approvedBy() != null ? "operator" : refund.approvedBy());
		view.put("succeededAt", refund.succeededAt());
		view.put("createdAt", refund.createdAt());
		view.put("needsReview", refund.needsReview());
		view.put("reviewReason", refund.reviewReason());
		if (events != null) {
			view.put("events", events.stream().map(e -> eventLine(e, operatorNames)).toList());
		}
		return view;
	}

	private static String text(JsonNode json, String field) {
		JsonNode node = json.get(field);
		return node != null && node.isString() ? node.asString() : null;
	}

	private static Map<String, Object> eventLine(RefundEvent event, boolean operatorNames) {
		return ApiAnswers.historyLine(event.eventType(), event.fromStatus(), event.toStatus(), event.source(), event.actor(),
				event.rawNotificationId(), event.reason(), event.details(), event.createdAt(), operatorNames);
	}
}
