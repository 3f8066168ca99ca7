package com.payrecon.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.sandbox.SandboxLedger.Attempt;
import com.payrecon.sandbox.SandboxLedger.Delivery;
import com.payrecon.sandbox.SandboxProperties.Faults;
import com.payrecon.sandbox.SandboxProperties.Outage;
import com.payrecon.support.money.Fen;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sandbox's control API (JSON, no authentication: the sandbox is for development and tests only).
 * <ul>
 * <li>{@code GET /sandbox/api/merchants}: merchants and their current faults</li>
 * <li>{@code PUT /sandbox/api/merchants/{id}/faults}: replace the faults (body = {@link Faults} in camelCase,
 * durations as ISO-8601 {@code PT2S}, outages {@code [{"from":"2026-11-23T10:00:00Z","to":"..."}]}); reseeds</li>
 * <li>{@code DELETE /sandbox/api/merchants/{id}/faults}: back to the configured faults</li>
 * <li>{@code POST /sandbox/api/orders}: {@code {"merchantId","outTradeNo","amount"(fen),"description","notifyUrl"?}}
 * registers an order as if the merchant had placed it (NATIVE / PRECREATE)</li>
 * <li>{@code POST /sandbox/api/orders/{merchantId}/{outTradeNo}/scan}: Alipay: the payer scanned (trade exists)</li>
 * <li>{@code POST /sandbox/api/orders/{merchantId}/{outTradeNo}/pay}: {@code {"payerId"?}} the payer pays; the
 * notification follows</li>
 * <li>{@code POST /sandbox/api/orders/{merchantId}/{outTradeNo}/refund}: {@code {"amount"(fen),"outRefundNo",
 * "notify"?}} a refund made in the merchant platform (not through the refund API): SUCCESS at once, notified with the
 * merchant's faults unless {@code "notify": false}</li>
 * <li>{@code POST /sandbox/api/merchants/{id}/unknown-order-notifications}: {@code {"outTradeNo"?}} a correctly
 * signed notification for an order the merchant never placed</li>
 * <li>{@code DELETE /sandbox/api/merchants/{id}/pending-deliveries}: stops the merchant's unfinished deliveries
 * (CANCELLED)</li>
 * <li>{@code GET /sandbox/api/orders/{merchantId}/{outTradeNo}}: the order, its refunds, deliveries and attempts</li>
 * <li>{@code GET /sandbox/api/orders?merchantId=&limit=}: recent orders</li>
 * <li>{@code GET /sandbox/api/deliveries?merchantId=&outTradeNo=&limit=}: recent deliveries with attempts</li>
 * <li>{@code GET /sandbox/api/merchants/{id}/keys}: which keys sign and which platform certificates are listed, and
 * how often certificates were downloaded</li>
 * <li>{@code PUT /sandbox/api/merchants/{id}/keys}: a rotation step, {@code {"wechatSignWith"?,"wechatListed"?:[..],
 * "alipaySignWith"?}} (serials, public-key id or Alipay SN); {@code DELETE}: back to the configured keys</li>
 * </ul>
 */
@RestController
@ConditionalOnProperty(name = "payrecon.sandbox.enabled", havingValue = "true")
@RequestMapping(path = "/sandbox/api", produces = MediaType.APPLICATION_JSON_VALUE)
class SandboxApiController {

	private final SandboxMerchants merchants;
	private final SandboxLedger ledger;
	private final SandboxTrades trades;
	private final SandboxNotifier notifier;
	private final SandboxRefunds refunds;

	SandboxApiController(SandboxMerchants merchants, SandboxLedger ledger, SandboxTrades trades, SandboxNotifier notifier,
			SandboxRefunds refunds) {
		this.refunds = refunds;
		this.merchants = merchants;
		this.ledger = ledger;
		this.trades = trades;
		this.notifier = notifier;
	}

	@GetMapping("/merchants")
	List<Map<String, Object>> merchants() {
		return merchants.all().stream().map(m -> {
			Map<String, Object> v = new LinkedHashMap<>();
			v.put("id", m.id());
			v.put("channel", m.channel().wireName());
			v.put("appId", m.appId());
			v.put("mchId", m.mchId());
			v.put("sellerId", m.sellerId());
			v.put("faults", merchants.faults(m.id()));
			return v;
		}).toList();
	}

	@GetMapping("/merchants/{id}/keys")
	ResponseEntity<?> keys(@PathVariable String id) {
		return merchants.find(id).<ResponseEntity<?>>map(m -> ResponseEntity.ok(keysView(m)))
			.orElseGet(() -> problem(HttpStatus.NOT_FOUND, "no such merchant"));
	}

	@PutMapping(path = "/merchants/{id}/keys", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> useKeys(@PathVariable String id, @RequestBody byte[] body) {
		SandboxMerchant m = merchants.find(id).orElse(null);
		if (m == null) {
			return problem(HttpStatus.NOT_FOUND, "no such merchant");
		}
		JsonNode j;
		try {
			j = NotificationMessages.JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return problem(HttpStatus.BAD_REQUEST, "not JSON");
		}
		List<String> listed = null;
		if (j.has("wechatListed")) {
			listed = new ArrayList<>();
			for (JsonNode serial : j.path("wechatListed")) {
				listed.add(serial.asString());
			}
		}
		try {
			m.keys().use(j.path("wechatSignWith").asString(null), listed, j.path("alipaySignWith").asString(null));
		}
		catch (IllegalArgumentException ex) {
			return problem(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		return ResponseEntity.ok(keysView(m));
	}

	@DeleteMapping("/merchants/{id}/keys")
	ResponseEntity<?> resetKeys(@PathVariable String id) {
		SandboxMerchant m = merchants.find(id).orElse(null);
		if (m == null) {
			return problem(HttpStatus.NOT_FOUND, "no such merchant");
		}
		m.keys().reset();
		return ResponseEntity.ok(keysView(m));
	}

	private static Map<String, Object> keysView(SandboxMerchant m) {
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("wechatSignWith", m.keys().wechatSigning());
		v.put("wechatListed", m.keys().wechatListedIds());
		v.put("wechatKeys", m.keys().wechatKeyIds());
		v.put("alipaySignWith", m.keys().alipaySigning());
		v.put("alipayCertificates", m.keys().alipayCertificates().stream().map(SandboxKeys.Signer::id).toList());
		v.put("wechatCertificateDownloads", m.keys().wechatCertificateDownloads.get());
		v.put("alipayCertificateDownloads", m.keys().alipayCertificateDownloads.get());
		return v;
	}

	@PutMapping(path = "/merchants/{id}/faults", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> setFaults(@PathVariable String id, @RequestBody byte[] body) {
		if (merchants.find(id).isEmpty()) {
			return problem(HttpStatus.NOT_FOUND, "no such merchant");
		}
		JsonNode j;
		try {
			j = NotificationMessages.JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return problem(HttpStatus.BAD_REQUEST, "not JSON");
		}
		try {
			List<Outage> outages = new ArrayList<>();
			for (JsonNode o : j.path("outages")) {
				outages.add(new Outage(java.time.Instant.parse(o.path("from").asString()).toString(),
						java.time.Instant.parse(o.path("to").asString()).toString()));
			}
			Faults f = new Faults(share(j, "dropShare"), share(j, "duplicateShare"), share(j, "delayShare"),
					duration(j, "delay"), duration(j, "reorderWindow"), share(j, "tamperAmountShare"),
					share(j, "badSignatureShare"), j.path("badSignatureFirstAttempts").asInt(0), share(j, "unknownOrderShare"),
					share(j, "queryErrorShare"), share(j, "queryHttpErrorShare"), duration(j, "queryLatency"),
					share(j, "refundAbnormalShare"), share(j, "refundLostAnswerShare"), outages,
					j.hasNonNull("seed") ? j.get("seed").asLong() : null);
			merchants.setFaults(id, f);
			return ResponseEntity.ok(merchants.faults(id));
		}
		catch (RuntimeException ex) {
			return problem(HttpStatus.BAD_REQUEST, "invalid faults: " + ex.getMessage());
		}
	}

	private static double share(JsonNode j, String field) {
		double v = j.path(field).asDouble(0);
		if (v < 0 || v > 1) {
			throw new IllegalArgumentException(field + " must be within 0..1");
		}
		return v;
	}

	private static Duration duration(JsonNode j, String field) {
		return j.hasNonNull(field) ? Duration.parse(j.get(field).asString()) : null;
	}

	@DeleteMapping("/merchants/{id}/faults")
	ResponseEntity<?> resetFaults(@PathVariable String id) {
		if (merchants.find(id).isEmpty()) {
			return problem(HttpStatus.NOT_FOUND, "no such merchant");
		}
		merchants.resetFaults(id);
		return ResponseEntity.ok(merchants.faults(id));
	}

	@PostMapping(path = "/orders", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> register(@RequestBody Map<String, Object> body) {
		SandboxMerchant m = merchants.find(String.valueOf(body.get("merchantId"))).orElse(null);
		if (m == null) {
			return problem(HttpStatus.BAD_REQUEST, "merchantId: no such merchant");
		}
		if (!(body.get("amount") instanceof Number n) || n.longValue() <= 0 || !(body.get("outTradeNo") instanceof String no)) {
			return problem(HttpStatus.BAD_REQUEST, "outTradeNo and a positive amount (fen) are required");
		}
		String description = body.get("description") instanceof String d ? d : "sandbox order";
		String notifyUrl = body.get("notifyUrl") instanceof String u ? u : null;
		String tradeType = switch (m.channel()) {
			case ALIPAY -> "PRECREATE";
			default -> "NATIVE";
		};
		var placed = trades.place(m, no, Fen.of(n.longValue()), description, null, notifyUrl, tradeType);
		return ResponseEntity.status(placed.outcome() == SandboxTrades.PlaceOutcome.CREATED ? HttpStatus.CREATED : HttpStatus.OK)
			.body(Map.of("outcome", placed.outcome().name(), "order", view(placed.order())));
	}

	@PostMapping("/orders/{merchantId}/{outTradeNo}/scan")
	ResponseEntity<?> scan(@PathVariable String merchantId, @PathVariable String outTradeNo) {
		return ledger.find(merchantId, outTradeNo)
			.<ResponseEntity<?>>map(o -> ResponseEntity.ok(view(trades.scan(o))))
			.orElseGet(() -> problem(HttpStatus.NOT_FOUND, "no such order"));
	}

	@PostMapping("/orders/{merchantId}/{outTradeNo}/pay")
	ResponseEntity<?> pay(@PathVariable String merchantId, @PathVariable String outTradeNo,
			@RequestBody(required = false) Map<String, Object> body) {
		Optional<LedgerOrder> order = ledger.find(merchantId, outTradeNo);
		if (order.isEmpty()) {
			return problem(HttpStatus.NOT_FOUND, "no such order");
		}
		String payer = body != null && body.get("payerId") instanceof String p ? p : null;
		return trades.pay(order.get(), payer)
			.<ResponseEntity<?>>map(o -> ResponseEntity.ok(detail(o)))
			.orElseGet(() -> problem(HttpStatus.CONFLICT, "order is " + ledger.find(merchantId, outTradeNo).orElseThrow().status()));
	}

	@PostMapping(path = "/orders/{merchantId}/{outTradeNo}/refund", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> refund(@PathVariable String merchantId, @PathVariable String outTradeNo, @RequestBody Map<String, Object> body) {
		Optional<LedgerOrder> order = ledger.find(merchantId, outTradeNo);
		if (order.isEmpty()) {
			return problem(HttpStatus.NOT_FOUND, "no such order");
		}
		if (!(body.get("amount") instanceof Number n) || n.longValue() <= 0 || !(body.get("outRefundNo") instanceof String no)) {
			return problem(HttpStatus.BAD_REQUEST, "outRefundNo and a positive amount (fen) are required");
		}
		boolean notify = !(body.get("notify") instanceof Boolean b) || b;
		try {
			return refunds.platformRefund(order.get(), Fen.of(n.longValue()), no, trades.now(), notify)
				.<ResponseEntity<?>>map(r -> ResponseEntity.ok(detail(ledger.findById(order.get().id()).orElseThrow())))
				.orElseGet(() -> problem(HttpStatus.CONFLICT, "not refundable (unpaid, or more than what is left)"));
		}
		catch (SandboxLedger.DuplicateRefundNumber ex) {
			return problem(HttpStatus.CONFLICT, "the merchant has a refund " + no + " already");
		}
	}

	@PostMapping("/merchants/{id}/unknown-order-notifications")
	ResponseEntity<?> unknownOrder(@PathVariable String id, @RequestBody(required = false) Map<String, Object> body) {
		SandboxMerchant m = merchants.find(id).orElse(null);
		if (m == null) {
			return problem(HttpStatus.NOT_FOUND, "no such merchant");
		}
		LedgerOrder template = ledger.recent(id, 50).stream().filter(LedgerOrder::isPaid).findFirst().orElse(null);
		if (template == null) {
			return problem(HttpStatus.CONFLICT, "the merchant needs one paid order to model the notification on");
		}
		String outTradeNo = body != null && body.get("outTradeNo") instanceof String s ? s : "UNKNOWN" + SandboxLedger.digits(12);
		Delivery d = notifier.unknownOrder(m, template, notifier.notifyUrl(m, template).orElseThrow(), outTradeNo);
		return ResponseEntity.status(HttpStatus.CREATED).body(deliveryView(d, List.of()));
	}

	@DeleteMapping("/merchants/{id}/pending-deliveries")
	ResponseEntity<?> cancelPending(@PathVariable String id) {
		if (merchants.find(id).isEmpty()) {
			return problem(HttpStatus.NOT_FOUND, "no such merchant");
		}
		return ResponseEntity.ok(Map.of("cancelled", ledger.cancelPending(id)));
	}

	@GetMapping("/orders/{merchantId}/{outTradeNo}")
	ResponseEntity<?> order(@PathVariable String merchantId, @PathVariable String outTradeNo) {
		return ledger.find(merchantId, outTradeNo)
			.<ResponseEntity<?>>map(o -> ResponseEntity.ok(detail(o)))
			.orElseGet(() -> problem(HttpStatus.NOT_FOUND, "no such order"));
	}

	@GetMapping("/orders")
	List<Map<String, Object>> orders(@RequestParam(required = false) String merchantId,
			@RequestParam(defaultValue = "50") int limit) {
		return ledger.recent(merchantId, Math.min(limit, 500)).stream().map(SandboxApiController::view).toList();
	}

	@GetMapping("/deliveries")
	List<Map<String, Object>> deliveries(@RequestParam(required = false) String merchantId,
			@RequestParam(required = false) String outTradeNo, @RequestParam(defaultValue = "50") int limit) {
		return withAttempts(ledger.deliveries(merchantId, outTradeNo, Math.min(limit, 500)));
	}

	private Map<String, Object> detail(LedgerOrder o) {
		Map<String, Object> v = view(o);
		v.put("refunds", ledger.refunds(o.id()));
		v.put("deliveries", withAttempts(ledger.deliveries(o.merchantId(), o.outTradeNo(), 50)));
		return v;
	}

	private List<Map<String, Object>> withAttempts(List<Delivery> deliveries) {
		List<Attempt> attempts = deliveries.isEmpty() ? List.of() : ledger.attempts(deliveries.stream().map(Delivery::id).toList());
		return deliveries.stream()
			.map(d -> deliveryView(d, attempts.stream().filter(a -> a.deliveryId() == d.id()).toList()))
			.toList();
	}

	private static Map<String, Object> deliveryView(Delivery d, List<Attempt> attempts) {
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("id", d.id());
		v.put("merchantId", d.merchantId());
		v.put("outTradeNo", d.outTradeNo());
		v.put("notifyId", d.notifyId());
		v.put("notifyUrl", d.notifyUrl());
		v.put("fault", d.fault());
		v.put("status", d.status());
		v.put("attempts", attempts);
		v.put("nextAttemptAt", d.nextAttemptAt());
		v.put("createdAt", d.createdAt());
		return v;
	}

	static Map<String, Object> view(LedgerOrder o) {
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("merchantId", o.merchantId());
		v.put("channel", o.channel().wireName());
		v.put("outTradeNo", o.outTradeNo());
		v.put("providerTradeNo", o.providerTradeNo());
		v.put("tradeType", o.tradeType());
		v.put("amount", o.amount().value());
		v.put("status", o.status());
		v.put("alipayStatus", o.alipayStatus());
		v.put("payerId", o.payerId());
		v.put("paidAt", o.paidAt());
		v.put("refunded", o.refunded().value());
		v.put("createdAt", o.createdAt());
		return v;
	}

	private static ResponseEntity<Map<String, Object>> problem(HttpStatus status, String message) {
		return ResponseEntity.status(status).body(Map.of("error", status.name().toLowerCase(java.util.Locale.ROOT), "message", message));
	}
}
