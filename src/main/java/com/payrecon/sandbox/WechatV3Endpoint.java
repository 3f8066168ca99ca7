package com.payrecon.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.payrecon.account.Channel;
import com.payrecon.support.money.Fen;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * WeChat Pay APIv3 (JSON) under {@code /sandbox/wechatpay/v3}, per protocols.md B. Every request must carry a valid
 * {@code WECHATPAY2-SHA256-RSA2048} Authorization header: pairs parsed in any order, the merchant's key verifies
 * {@code METHOD\npath?query\ntimestamp\nnonce\nbody\n} where the path is the one actually requested (including
 * {@code /sandbox/wechatpay}), and the timestamp is within 5 minutes. Responses are signed with the platform key
 * ({@code Wechatpay-*} headers); bill files are not.
 */
@RestController
@ConditionalOnProperty(name = "payrecon.sandbox.enabled", havingValue = "true")
@RequestMapping(path = "/sandbox/wechatpay/v3", produces = MediaType.APPLICATION_JSON_VALUE)
class WechatV3Endpoint {

	private static final String SCHEME = "WECHATPAY2-SHA256-RSA2048";
	private static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

	private final SandboxMerchants merchants;
	private final SandboxLedger ledger;
	private final SandboxTrades trades;
	private final SandboxBills bills;
	private final BillTickets tickets;
	private final CallFaults faults;
	private final Clock clock;
	private final SandboxRefunds refunds;

	WechatV3Endpoint(SandboxMerchants merchants, SandboxLedger ledger, SandboxTrades trades, SandboxBills bills,
			BillTickets tickets, CallFaults faults, Clock clock, SandboxRefunds refunds) {
		this.refunds = refunds;
		this.merchants = merchants;
		this.ledger = ledger;
		this.trades = trades;
		this.bills = bills;
		this.tickets = tickets;
		this.faults = faults;
		this.clock = clock;
	}

	private record Call(SandboxMerchant merchant, ResponseEntity<String> refusal) {
	}

	/** Parses {@code SCHEME k="v",k="v",...} in any order; null when malformed or a key repeats. */
	static Map<String, String> parseAuthorization(String header) {
		if (header == null || !header.startsWith(SCHEME + " ")) {
			return null;
		}
		Map<String, String> pairs = new LinkedHashMap<>();
		String rest = header.substring(SCHEME.length() + 1).strip();
		int i = 0;
		while (i < rest.length()) {
			int eq = rest.indexOf('=', i);
			if (eq < 0 || eq + 1 >= rest.length() || rest.charAt(eq + 1) != '"') {
				return null;
			}
			int close = rest.indexOf('"', eq + 2);
			if (close < 0) {
				return null;
			}
			String key = rest.substring(i, eq).strip();
			if (pairs.put(key, rest.substring(eq + 2, close)) != null) {
				return null;
			}
			i = close + 1;
			while (i < rest.length() && (rest.charAt(i) == ',' || rest.charAt(i) == ' ')) {
				i++;
			}
		}
		return pairs;
	}

	private Call authenticate(HttpServletRequest request, byte[] body) {
		Map<String, String> auth = parseAuthorization(request.getHeader(HttpHeaders.AUTHORIZATION));
		if (auth == null || !auth.keySet().containsAll(Set.of("mchid", "nonce_str", "timestamp", "serial_no", "signature"))) {
			return new Call(null, error(null, HttpStatus.UNAUTHORIZED, "SIGN_ERROR", "Authorization 头格式错误"));
		}
		SandboxMerchant merchant = merchants.byMchId(Channel.WECHATPAY_V3, auth.get("mchid")).orElse(null);
		if (merchant == null) {
			return new Call(null, error(null, HttpStatus.UNAUTHORIZED, "SIGN_ERROR", "商户号不存在"));
		}
		if (merchant.merchantSerialNo() != null && !merchant.merchantSerialNo().equalsIgnoreCase(auth.get("serial_no"))) {
			return new Call(merchant, error(merchant, HttpStatus.UNAUTHORIZED, "SIGN_ERROR", "商户证书序列号有误"));
		}
		long timestamp;
		try {
			timestamp = Long.parseLong(auth.get("timestamp"));
		}
		catch (NumberFormatException ex) {
			return new Call(merchant, error(merchant, HttpStatus.UNAUTHORIZED, "SIGN_ERROR", "timestamp 格式错误"));
		}
		if (Duration.between(Instant.ofEpochSecond(timestamp), clock.instant()).abs().compareTo(Duration.ofMinutes(5)) > 0) {
			return new Call(merchant, error(merchant, HttpStatus.UNAUTHORIZED, "SIGN_ERROR", "请求时间戳与当前时间相差超过5分钟"));
		}
		String url = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
		String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
		byte[] message = SandboxCrypto.wechatV3RequestMessage(request.getMethod(), url, auth.get("timestamp"),
				auth.get("nonce_str"), text);
		if (!SandboxCrypto.rsaVerify(merchant.merchantPublicKey(), message, auth.get("signature"), "SHA256withRSA")) {
			return new Call(merchant, error(merchant, HttpStatus.UNAUTHORIZED, "SIGN_ERROR", "签名错误"));
		}
		return switch (faults.draw(merchant)) {
			case OUTAGE -> new Call(merchant, ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.TEXT_HTML)
				.body("<html><body>503 Service Unavailable</body></html>"));
			case HTTP_ERROR -> new Call(merchant, ResponseEntity.status(HttpStatus.BAD_GATEWAY).contentType(MediaType.TEXT_HTML)
				.body("<html><body>502 Bad Gateway</body></html>"));
			case SYSTEM_ERROR -> new Call(merchant, error(merchant, HttpStatus.INTERNAL_SERVER_ERROR, "SYSTEM_ERROR", "系统错误"));
			case NONE -> new Call(merchant, null);
		};
	}

	/** A signed response (unsigned when the merchant is unknown). */
	private ResponseEntity<String> signed(SandboxMerchant merchant, HttpStatus status, String body) {
		ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).header("Request-ID", SandboxCrypto.randomAlphanumeric(32));
		if (merchant != null) {
			String timestamp = Long.toString(clock.instant().getEpochSecond());
			String nonce = SandboxCrypto.randomAlphanumeric(32);
			SandboxKeys.Signer signer = merchant.keys().wechatSigner();
			builder.header("Wechatpay-Timestamp", timestamp)
				.header("Wechatpay-Nonce", nonce)
				.header("Wechatpay-Serial", signer.id())
				.header("Wechatpay-Signature-Type", SCHEME)
				.header("Wechatpay-Signature", SandboxCrypto.rsaSign(signer.key(),
						SandboxCrypto.wechatV3Message(timestamp, nonce, body), "SHA256withRSA"));
		}
		if (body.isEmpty()) {
			return builder.build();
		}
		return builder.contentType(MediaType.APPLICATION_JSON).body(body);
	}

	private ResponseEntity<String> error(SandboxMerchant merchant, HttpStatus status, String code, String message) {
		Map<String, Object> e = new LinkedHashMap<>();
		e.put("code", code);
		e.put("message", message);
		return signed(merchant, status, NotificationMessages.JSON.writeValueAsString(e));
	}

	private static JsonNode json(byte[] body) {
		try {
			JsonNode node = STRICT.readTree(body == null ? new byte[0] : body);
			return node != null && node.isObject() ? node : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	@PostMapping(path = "/pay/transactions/native", consumes = MediaType.ALL_VALUE)
	ResponseEntity<String> nativePrepay(@RequestBody(required = false) byte[] body, HttpServletRequest request) {
		Call call = authenticate(request, body);
		if (call.refusal() != null) {
			return call.refusal();
		}
		SandboxMerchant m = call.merchant();
		JsonNode json = json(body);
		if (json == null) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "请求体不是合法的JSON");
		}
		if (!m.mchId().equals(json.path("mchid").asString("")) || !m.appId().equals(json.path("appid").asString(""))) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "mchid与appid不匹配");
		}
		for (String field : new String[] { "description", "out_trade_no", "notify_url" }) {
			if (!json.path(field).isString() || json.path(field).asString().isBlank()) {
				return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "缺少参数" + field);
			}
		}
		JsonNode total = json.path("amount").path("total");
		if (!total.isIntegralNumber() || !total.canConvertToLong() || total.asLong() <= 0) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "amount.total 必须为正整数");
		}
		var placed = trades.place(m, json.path("out_trade_no").asString(), Fen.of(total.asLong()),
				json.path("description").asString(), json.path("attach").asString(null), json.path("notify_url").asString(),
				"NATIVE");
		return switch (placed.outcome()) {
			case CREATED, SAME -> signed(m, HttpStatus.OK,
					NotificationMessages.JSON.writeValueAsString(Map.of("code_url", WechatV2Endpoint.codeUrl(placed.order()))));
			case CONFLICT -> error(m, HttpStatus.BAD_REQUEST, "INVALID_REQUEST", "201 商户订单号重复");
			case PAID -> error(m, HttpStatus.BAD_REQUEST, "ORDERPAID", "该订单已支付");
			case CLOSED -> error(m, HttpStatus.BAD_REQUEST, "ORDER_CLOSED", "订单已关闭");
		};
	}

	@GetMapping("/pay/transactions/out-trade-no/{outTradeNo}")
	ResponseEntity<String> query(@PathVariable String outTradeNo, @RequestParam(required = false) String mchid,
			HttpServletRequest request) {
		Call call = authenticate(request, null);
		if (call.refusal() != null) {
			return call.refusal();
		}
		SandboxMerchant m = call.merchant();
		if (!m.mchId().equals(mchid)) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "mchid 与请求方不一致");
		}
		Optional<LedgerOrder> order = ledger.find(m.id(), outTradeNo).map(trades::settle);
		if (order.isEmpty()) {
			return error(m, HttpStatus.NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在");
		}
		return signed(m, HttpStatus.OK, NotificationMessages.JSON.writeValueAsString(transaction(m, order.get())));
	}

	static Map<String, Object> transaction(SandboxMerchant m, LedgerOrder o) {
		if (o.paidAt() != null) {
			Map<String, Object> t = NotificationMessages.transaction(m, o, o.outTradeNo(), o.providerTradeNo(), o.amount());
			t.put("trade_state", o.status());
			t.put("trade_state_desc", "REFUND".equals(o.status()) ? "订单发生过退款" : "REVOKED".equals(o.status()) ? "已撤销" : "支付成功");
			return t;
		}
		Map<String, Object> t = new LinkedHashMap<>();
		t.put("appid", m.appId());
		t.put("mchid", m.mchId());
		t.put("out_trade_no", o.outTradeNo());
		t.put("trade_type", o.tradeType());
		t.put("trade_state", o.status());
		t.put("trade_state_desc", switch (o.status()) {
			case "NOTPAY" -> "订单未支付";
			case "USERPAYING" -> "用户支付中";
			case "CLOSED" -> "订单已关闭";
			case "REVOKED" -> "已撤销";
			default -> "支付失败";
		});
		t.put("amount", Map.of("total", o.amount().value(), "currency", "CNY", "payer_currency", "CNY"));
		return t;
	}

	@PostMapping(path = "/pay/transactions/out-trade-no/{outTradeNo}/close", consumes = MediaType.ALL_VALUE)
	ResponseEntity<String> close(@PathVariable String outTradeNo, @RequestBody(required = false) byte[] body,
			HttpServletRequest request) {
		Call call = authenticate(request, body);
		if (call.refusal() != null) {
			return call.refusal();
		}
		SandboxMerchant m = call.merchant();
		JsonNode json = json(body);
		if (json == null || !m.mchId().equals(json.path("mchid").asString(""))) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "mchid 缺失或与请求方不一致");
		}
		Optional<LedgerOrder> order = ledger.find(m.id(), outTradeNo);
		if (order.isEmpty()) {
			return error(m, HttpStatus.NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在");
		}
		return switch (trades.close(order.get())) {
			case CLOSED, ALREADY_CLOSED -> signed(m, HttpStatus.NO_CONTENT, "");
			case PAID -> error(m, HttpStatus.BAD_REQUEST, "ORDERPAID", "订单已支付");
		};
	}

	/**
	 * 获取平台证书列表 (protocols-refunds-credentials.md C.1): the listed platform certificates, each encrypted with the
	 * APIv3 key (AEAD_AES_256_GCM, associated data {@code certificate}), the response signed like any other by the
	 * key that signs now (during a rotation possibly a certificate of this very list). A merchant without platform
	 * certificates (public-key mode) gets 404 NOT_FOUND, as wechatpay-java expects.
	 */
	@GetMapping("/certificates")
	ResponseEntity<String> certificates(@RequestParam(name = "algorithm_type", defaultValue = "RSA") String algorithm,
			HttpServletRequest request) {
		Call call = authenticate(request, null);
		if (call.refusal() != null) {
			return call.refusal();
		}
		SandboxMerchant m = call.merchant();
		m.keys().wechatCertificateDownloads.incrementAndGet();
		List<SandboxKeys.Signer> listed = m.keys().wechatListed();
		if (listed.isEmpty()) {
			return error(m, HttpStatus.NOT_FOUND, "NOT_FOUND", "无可用的平台证书");
		}
		java.time.ZoneOffset beijing = java.time.ZoneOffset.ofHours(8);
		List<Map<String, Object>> data = new java.util.ArrayList<>();
		for (SandboxKeys.Signer c : listed) {
			String nonce = SandboxCrypto.randomAlphanumeric(12);
			Map<String, Object> encrypted = new LinkedHashMap<>();
			encrypted.put("algorithm", "AEAD_AES_256_GCM");
			encrypted.put("nonce", nonce);
			encrypted.put("associated_data", "certificate");
			encrypted.put("ciphertext", SandboxCrypto.aesGcmEncrypt(m.apiV3Key(), nonce, "certificate",
					SandboxCrypto.pem(c.certificate()).getBytes(StandardCharsets.UTF_8)));
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("serial_no", c.id());
			entry.put("effective_time", java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME
				.format(c.certificate().getNotBefore().toInstant().atOffset(beijing).withNano(0)));
			entry.put("expire_time", java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME
				.format(c.certificate().getNotAfter().toInstant().atOffset(beijing).withNano(0)));
			entry.put("encrypt_certificate", encrypted);
			data.add(entry);
		}
		return signed(m, HttpStatus.OK, NotificationMessages.JSON.writeValueAsString(Map.of("data", data)));
	}

	/**
	 * {@code POST /v3/refund/domestic/refunds} (protocols-refunds-credentials.md B.1): the Refund object, PROCESSING
	 * until {@code refund-delay}; the same out_refund_no with the same order and amount answers the same refund.
	 */
	@PostMapping(path = "/refund/domestic/refunds", consumes = MediaType.ALL_VALUE)
	ResponseEntity<String> refund(@RequestBody(required = false) byte[] body, HttpServletRequest request) {
		Call call = authenticate(request, body);
		if (call.refusal() != null) {
			return call.refusal();
		}
		SandboxMerchant m = call.merchant();
		JsonNode json = json(body);
		if (json == null) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "请求体不是合法的JSON");
		}
		String outRefundNo = json.path("out_refund_no").asString("");
		JsonNode refundAmount = json.path("amount").path("refund");
		JsonNode total = json.path("amount").path("total");
		if (outRefundNo.isBlank() || !refundAmount.isIntegralNumber() || refundAmount.asLong() <= 0
				|| !total.isIntegralNumber() || !"CNY".equals(json.path("amount").path("currency").asString(""))) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "out_refund_no、amount.refund、amount.total、amount.currency 必填");
		}
		String txn = json.path("transaction_id").asString("");
		Optional<LedgerOrder> order = (!txn.isEmpty() ? ledger.findByProviderTradeNo(m.id(), txn)
				: ledger.find(m.id(), json.path("out_trade_no").asString(""))).map(trades::settle);
		if (order.isEmpty() || !order.get().isPaid()) {
			return error(m, HttpStatus.NOT_FOUND, "RESOURCE_NOT_EXISTS", "订单不存在");
		}
		if (order.get().amount().value() != total.asLong()) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "amount.total 与原订单金额不一致");
		}
		var requested = refunds.request(m, order.get(), outRefundNo, Fen.of(refundAmount.asLong()),
				json.path("reason").asString(null), json.path("notify_url").asString(null));
		return switch (requested.outcome()) {
			case CREATED, SAME -> requested.lostAnswer()
					? ResponseEntity.status(HttpStatus.BAD_GATEWAY).contentType(MediaType.TEXT_HTML).body("<html><body>502 Bad Gateway</body></html>")
					: signed(m, HttpStatus.OK, NotificationMessages.JSON.writeValueAsString(refundObject(m, order.get(), requested.refund())));
			case CONFLICT -> error(m, HttpStatus.BAD_REQUEST, "INVALID_REQUEST", "退款单号已用于其他退款");
			case NOT_PAID -> error(m, HttpStatus.NOT_FOUND, "RESOURCE_NOT_EXISTS", "订单未支付");
			case EXCEEDS -> error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "申请退款金额超过订单可退金额");
		};
	}

	/** {@code GET /v3/refund/domestic/refunds/{out_refund_no}} (B.2); 404 RESOURCE_NOT_EXISTS when unknown. */
	@GetMapping("/refund/domestic/refunds/{outRefundNo}")
	ResponseEntity<String> refundQuery(@PathVariable String outRefundNo, HttpServletRequest request) {
		Call call = authenticate(request, null);
		if (call.refusal() != null) {
			return call.refusal();
		}
		SandboxMerchant m = call.merchant();
		Optional<SandboxLedger.Refund> refund = ledger.findRefund(m.id(), outRefundNo).map(refunds::settle);
		if (refund.isEmpty()) {
			return error(m, HttpStatus.NOT_FOUND, "RESOURCE_NOT_EXISTS", "退款单不存在");
		}
		LedgerOrder order = ledger.findById(refund.get().orderId()).orElseThrow();
		return signed(m, HttpStatus.OK, NotificationMessages.JSON.writeValueAsString(refundObject(m, order, refund.get())));
	}

	/** The v3 Refund object (B.2). */
	static Map<String, Object> refundObject(SandboxMerchant m, LedgerOrder o, SandboxLedger.Refund r) {
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("refund_id", r.refundId());
		v.put("out_refund_no", r.outRefundNo());
		v.put("transaction_id", o.providerTradeNo());
		v.put("out_trade_no", o.outTradeNo());
		v.put("channel", "ORIGINAL");
		v.put("user_received_account", "支付用户零钱");
		if (r.succeededAt() != null) {
			v.put("success_time", NotificationMessages.RFC3339.format(r.succeededAt().atZone(SandboxLedger.BEIJING).toOffsetDateTime()));
		}
		v.put("create_time", NotificationMessages.RFC3339.format(r.requestedAt().atZone(SandboxLedger.BEIJING).toOffsetDateTime()));
		v.put("status", NotificationMessages.v3RefundStatus(r.status()));
		v.put("funds_account", "AVAILABLE");
		Map<String, Object> a = new LinkedHashMap<>();
		a.put("total", o.amount().value());
		a.put("refund", r.amount().value());
		a.put("payer_total", o.amount().value());
		a.put("payer_refund", r.amount().value());
		a.put("settlement_refund", r.amount().value());
		a.put("settlement_total", o.amount().value());
		a.put("discount_refund", 0);
		a.put("currency", "CNY");
		v.put("amount", a);
		return v;
	}

	@GetMapping("/bill/tradebill")
	ResponseEntity<String> tradeBill(@RequestParam(name = "bill_date", required = false) String billDate,
			@RequestParam(name = "bill_type", defaultValue = "ALL") String billType,
			@RequestParam(name = "tar_type", required = false) String tarType, HttpServletRequest request) {
		Call call = authenticate(request, null);
		if (call.refusal() != null) {
			return call.refusal();
		}
		SandboxMerchant m = call.merchant();
		LocalDate day;
		try {
			day = LocalDate.parse(billDate == null ? "" : billDate);
		}
		catch (DateTimeParseException ex) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "bill_date 格式错误");
		}
		if (!Set.of("ALL", "SUCCESS", "REFUND").contains(billType) || (tarType != null && !"GZIP".equals(tarType))) {
			return error(m, HttpStatus.BAD_REQUEST, "PARAM_ERROR", "bill_type 或 tar_type 参数错误");
		}
		Optional<String> bill = bills.wechat(m, day, billType);
		if (bill.isEmpty()) {
			return error(m, HttpStatus.BAD_REQUEST, "NO_STATEMENT_EXIST", "请求的账单文件不存在");
		}
		String token = tickets.issue(m.id(), day, billType, "GZIP".equals(tarType), Duration.ofMinutes(5));
		String url = ServletUriComponentsBuilder.fromCurrentContextPath()
			.path("/sandbox/wechatpay/v3/billdownload/file")
			.queryParam("token", token)
			.build()
			.toUriString();
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("hash_type", "SHA1");
		answer.put("hash_value", SandboxCrypto.sha1Hex(bill.get().getBytes(StandardCharsets.UTF_8)));
		answer.put("download_url", url);
		return signed(m, HttpStatus.OK, NotificationMessages.JSON.writeValueAsString(answer));
	}

	/** The bill file: Authorization required, response NOT signed, gzip when asked at tradebill time. */
	@GetMapping(path = "/billdownload/file", produces = MediaType.ALL_VALUE)
	ResponseEntity<?> billFile(@RequestParam(required = false) String token, HttpServletRequest request) {
		Call call = authenticate(request, null);
		if (call.refusal() != null) {
			return call.refusal();
		}
		var ticket = tickets.find(token).filter(t -> t.merchantId().equals(call.merchant().id())).orElse(null);
		if (ticket == null || tickets.expired(ticket)) {
			return error(call.merchant(), HttpStatus.BAD_REQUEST, "INVALID_REQUEST", "下载链接已过期或无效");
		}
		String bill = bills.wechat(call.merchant(), ticket.day(), ticket.billType()).orElse("");
		byte[] bytes = bill.getBytes(StandardCharsets.UTF_8);
		if (ticket.gzip()) {
			return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(WechatV2Endpoint.gzip(bytes));
		}
		return ResponseEntity.ok().contentType(new MediaType("text", "plain", StandardCharsets.UTF_8)).body(bytes);
	}
}
