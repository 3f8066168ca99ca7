package com.payrecon.sandbox;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.support.money.Fen;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Alipay's open-API gateway under {@code /sandbox/alipay/gateway.do} (protocols.md C): parameters from the query
 * string and the form body (as the official SDK splits them), RSA2 request signature over all parameters but
 * {@code sign} verified with the app's public key, responses {@code {"<method>_response":{...},"sign":"..."}} signed
 * over the exact JSON text of the response value with the Alipay private key. The bill file is served at
 * {@code /sandbox/alipay/downloadBillFile.resource} for 30 s.
 */
@RestController
@ConditionalOnProperty(name = "payrecon.sandbox.enabled", havingValue = "true")
@RequestMapping("/sandbox/alipay")
class AlipayGateway {

	private static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
	private static final List<String> METHODS = List.of("alipay.trade.precreate", "alipay.trade.query", "alipay.trade.close",
			"alipay.trade.pay", "alipay.trade.cancel", "alipay.data.dataservice.bill.downloadurl.query", "alipay.trade.refund",
			"alipay.trade.fastpay.refund.query", "alipay.open.app.alipaycert.download");

	private final SandboxMerchants merchants;
	private final SandboxLedger ledger;
	private final SandboxTrades trades;
	private final SandboxBills bills;
	private final BillTickets tickets;
	private final CallFaults faults;
	private final SandboxRefunds refunds;

	AlipayGateway(SandboxMerchants merchants, SandboxLedger ledger, SandboxTrades trades, SandboxBills bills,
			BillTickets tickets, CallFaults faults, SandboxRefunds refunds) {
		this.refunds = refunds;
		this.merchants = merchants;
		this.ledger = ledger;
		this.trades = trades;
		this.bills = bills;
		this.tickets = tickets;
		this.faults = faults;
	}

	/** Decodes {@code a=b&c=d} with the given charset; null when a key repeats. */
	static Map<String, String> form(String raw, Charset charset, Map<String, String> into) {
		if (raw == null || raw.isEmpty()) {
			return into;
		}
		for (String pair : raw.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int eq = pair.indexOf('=');
			String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset);
			String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset);
			if (into.put(key, value) != null) {
				return null;
			}
		}
		return into;
	}

	private static Charset charset(String name) {
		if (name == null || name.isEmpty() || name.equalsIgnoreCase("utf-8")) {
			return StandardCharsets.UTF_8;
		}
		if (name.equalsIgnoreCase("gbk") || name.equalsIgnoreCase("gb2312")) {
			return Charset.forName("GBK");
		}
		return null;
	}

	@PostMapping(path = "/gateway.do", consumes = MediaType.ALL_VALUE)
	ResponseEntity<byte[]> gateway(@RequestBody(required = false) byte[] body, HttpServletRequest request) {
		String query = request.getQueryString();
		String bodyText = body == null ? "" : new String(body, StandardCharsets.ISO_8859_1);
		String declared = peek(query, "charset");
		if (declared == null) {
			declared = peek(bodyText, "charset");
		}
		Charset charset = charset(declared);
		if (charset == null) {
			return respond(null, "alipay.error", StandardCharsets.UTF_8, error("40002", "Invalid Arguments", "isv.invalid-charset", "字符集错误"));
		}
		Map<String, String> params = form(query, charset, new LinkedHashMap<>());
		params = params == null ? null : form(bodyText, charset, params);
		if (params == null) {
			return respond(null, "alipay.error", charset, error("40002", "Invalid Arguments", "isv.invalid-parameter", "参数重复"));
		}
		String method = params.getOrDefault("method", "");
		SandboxMerchant m = merchants.byAlipayAppId(params.get("app_id")).orElse(null);
		if (m == null) {
			return respond(null, method, charset, error("40002", "Invalid Arguments", "isv.invalid-app-id", "无效的AppID参数"));
		}
		if (!METHODS.contains(method)) {
			return respond(m, "alipay.error", charset, error("40002", "Invalid Arguments", "isv.invalid-method", "不存在的方法名"));
		}
		if (!"RSA2".equals(params.get("sign_type"))) {
			return respond(m, method, charset, error("40002", "Invalid Arguments", "isv.invalid-signature-type", "无效的签名类型"));
		}
		String content = SandboxCrypto.alipayContent(params, false);
		if (!SandboxCrypto.rsaVerify(m.appPublicKey(), content.getBytes(charset), params.get("sign"), "SHA256withRSA")) {
			return respond(m, method, charset, error("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配"));
		}
		if (m.appCertSn() != null && (!m.appCertSn().equals(params.get("app_cert_sn"))
				|| !m.rootCertSn().equals(params.get("alipay_root_cert_sn")))) {
			// certificate mode: both SNs are required and must name the app's and the root certificates
			return respond(m, method, charset, error("40002", "Invalid Arguments", params.get("app_cert_sn") == null
					? "isv.missing-app-cert-sn" : "isv.app-cert-sn-not-match", "应用公钥证书序列号或根证书序列号不匹配"));
		}
		JsonNode biz;
		try {
			biz = STRICT.readTree(params.getOrDefault("biz_content", ""));
		}
		catch (JacksonException ex) {
			biz = null;
		}
		if (biz == null || !biz.isObject()) {
			return respond(m, method, charset, error("40002", "Invalid Arguments", "isv.invalid-parameter", "biz_content 不是JSON对象"));
		}
		switch (faults.draw(m)) {
			case OUTAGE -> {
				return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.TEXT_HTML)
					.body("<html><body>503 Service Unavailable</body></html>".getBytes(StandardCharsets.UTF_8));
			}
			case HTTP_ERROR -> {
				return ResponseEntity.status(HttpStatus.BAD_GATEWAY).contentType(MediaType.TEXT_HTML)
					.body("<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8));
			}
			case SYSTEM_ERROR -> {
				Map<String, Object> e = error("20000", "Service Currently Unavailable", "isp.unknow-error", "系统繁忙");
				if (method.equals("alipay.trade.cancel")) {
					e.put("retry_flag", "Y");
				}
				return respond(m, method, charset, e);
			}
			case NONE -> {
			}
		}
		Map<String, Object> answer = switch (method) {
			case "alipay.trade.precreate" -> precreate(m, biz, params.get("notify_url"));
			case "alipay.trade.query" -> query(m, biz);
			case "alipay.trade.close" -> close(m, biz);
			case "alipay.trade.pay" -> pay(m, biz, params.get("notify_url"));
			case "alipay.trade.cancel" -> cancel(m, biz);
			case "alipay.trade.refund" -> refund(m, biz);
			case "alipay.trade.fastpay.refund.query" -> refundQuery(m, biz);
			case "alipay.open.app.alipaycert.download" -> certificate(m, biz);
			default -> billUrl(m, biz);
		};
		if (answer == LOST_ANSWER) {
			return ResponseEntity.status(HttpStatus.BAD_GATEWAY).contentType(MediaType.TEXT_HTML)
				.body("<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8));
		}
		return respond(m, method, charset, answer);
	}

	private static String peek(String raw, String key) {
		if (raw == null) {
			return null;
		}
		for (String pair : raw.split("&")) {
			if (pair.startsWith(key + "=")) {
				return pair.substring(key.length() + 1);
			}
		}
		return null;
	}

	private static Map<String, Object> ok() {
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("code", "10000");
		r.put("msg", "Success");
		return r;
	}

	private static Map<String, Object> error(String code, String msg, String subCode, String subMsg) {
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("code", code);
		r.put("msg", msg);
		r.put("sub_code", subCode);
		r.put("sub_msg", subMsg);
		return r;
	}

	private static Map<String, Object> business(String subCode, String subMsg) {
		return error("40004", "Business Failed", subCode, subMsg);
	}

	/** alipay.open.app.alipaycert.download: the certificate named by {@code alipay_cert_sn}, Base64 of its PEM file. */
	private static Map<String, Object> certificate(SandboxMerchant m, JsonNode biz) {
		SandboxKeys.Signer certificate = m.keys().alipayKey(biz.path("alipay_cert_sn").asString(""));
		if (certificate == null) {
			return business("CERT_NOT_EXIST", "证书不存在");
		}
		m.keys().alipayCertificateDownloads.incrementAndGet();
		Map<String, Object> r = ok();
		r.put("alipay_cert_content", java.util.Base64.getEncoder()
			.encodeToString(certificate.chainPem().getBytes(StandardCharsets.US_ASCII)));
		return r;
	}

	/**
	 * {@code {"<method>_response":<value>,"sign":"..."}}, signed over the exact bytes of {@code <value>}; in
	 * certificate mode with {@code "alipay_cert_sn"} naming the signing certificate (protocols-refunds-credentials.md E.3).
	 */
	private ResponseEntity<byte[]> respond(SandboxMerchant m, String method, Charset charset, Map<String, Object> value) {
		String key = method.replace('.', '_') + "_response";
		String valueJson = NotificationMessages.JSON.writeValueAsString(value);
		StringBuilder json = new StringBuilder("{\"").append(key).append("\":").append(valueJson);
		if (m != null) {
			SandboxKeys.Signer signer = m.keys().alipaySigner();
			if (signer != null) {
				json.append(",\"alipay_cert_sn\":\"").append(signer.id()).append('"');
			}
			json.append(",\"sign\":\"")
				.append(SandboxCrypto.alipaySign(valueJson, signer != null ? signer.key() : m.alipayPrivateKey(), charset))
				.append('"');
		}
		json.append('}');
		return ResponseEntity.ok()
			.contentType(new MediaType("application", "json", charset))
			.body(json.toString().getBytes(charset));
	}

	private Optional<Fen> yuan(JsonNode biz, String field) {
		try {
			Fen fen = Fen.parseYuan(biz.path(field).asString(""));
			return fen.value() > 0 ? Optional.of(fen) : Optional.empty();
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private Optional<LedgerOrder> lookup(SandboxMerchant m, JsonNode biz) {
		String tradeNo = biz.path("trade_no").asString("");
		Optional<LedgerOrder> order = !tradeNo.isEmpty() ? ledger.findByProviderTradeNo(m.id(), tradeNo)
				: ledger.find(m.id(), biz.path("out_trade_no").asString(""));
		return order.map(trades::settle).filter(LedgerOrder::existsAtAlipay);
	}

	private Map<String, Object> precreate(SandboxMerchant m, JsonNode biz, String notifyUrl) {
		String outTradeNo = biz.path("out_trade_no").asString("");
		String subject = biz.path("subject").asString("");
		Optional<Fen> amount = yuan(biz, "total_amount");
		if (outTradeNo.isEmpty() || subject.isEmpty() || amount.isEmpty()) {
			return business("ACQ.INVALID_PARAMETER", "参数无效（out_trade_no、subject、total_amount）");
		}
		var placed = trades.place(m, outTradeNo, amount.get(), subject, null, notifyUrl, "PRECREATE");
		return switch (placed.outcome()) {
			case CREATED, SAME -> {
				Map<String, Object> r = ok();
				r.put("out_trade_no", outTradeNo);
				r.put("qr_code", "https://qr.alipay.com/bax0" + Integer.toString(Math.abs(placed.order().providerTradeNo().hashCode()), 36));
				yield r;
			}
			case CONFLICT -> business("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改");
			case PAID -> business("ACQ.TRADE_HAS_SUCCESS", "交易已被支付");
			case CLOSED -> business("ACQ.TRADE_HAS_CLOSE", "交易已经关闭");
		};
	}

	private static Map<String, Object> notExist(String outTradeNo) {
		Map<String, Object> r = business("ACQ.TRADE_NOT_EXIST", "交易不存在");
		r.put("buyer_pay_amount", "0.00");
		r.put("invoice_amount", "0.00");
		r.put("out_trade_no", outTradeNo);
		r.put("point_amount", "0.00");
		r.put("receipt_amount", "0.00");
		return r;
	}

	private Map<String, Object> tradeFields(LedgerOrder o, Map<String, Object> r) {
		boolean paid = o.paidAt() != null;
		String received = paid ? o.amount().minus(o.refunded()).toYuan() : "0.00";
		r.put("trade_no", o.providerTradeNo());
		r.put("out_trade_no", o.outTradeNo());
		if (o.payerId() != null) {
			r.put("buyer_logon_id", NotificationMessages.maskedLogon(o.payerId()));
			r.put("buyer_user_id", o.payerId());
		}
		r.put("total_amount", o.amount().toYuan());
		r.put("receipt_amount", received);
		r.put("buyer_pay_amount", paid ? o.amount().toYuan() : "0.00");
		r.put("point_amount", "0.00");
		r.put("invoice_amount", received);
		return r;
	}

	private Map<String, Object> query(SandboxMerchant m, JsonNode biz) {
		Optional<LedgerOrder> order = lookup(m, biz);
		if (order.isEmpty()) {
			return notExist(biz.path("out_trade_no").asString(""));
		}
		LedgerOrder o = order.get();
		Map<String, Object> r = tradeFields(o, ok());
		r.put("trade_status", o.alipayStatus());
		if (o.paidAt() != null) {
			r.put("send_pay_date", NotificationMessages.ALIPAY_TIME.format(o.paidAt().atZone(SandboxLedger.BEIJING)));
			if (biz.path("query_options").toString().contains("fund_bill_list")) {
				r.put("fund_bill_list", List.of(Map.of("fund_channel", "ALIPAYACCOUNT", "amount", o.amount().toYuan())));
			}
		}
		return r;
	}

	private Map<String, Object> close(SandboxMerchant m, JsonNode biz) {
		Optional<LedgerOrder> order = lookup(m, biz);
		if (order.isEmpty()) {
			return notExist(biz.path("out_trade_no").asString(""));
		}
		return switch (trades.close(order.get())) {
			case CLOSED -> {
				Map<String, Object> r = ok();
				r.put("trade_no", order.get().providerTradeNo());
				r.put("out_trade_no", order.get().outTradeNo());
				yield r;
			}
			case PAID, ALREADY_CLOSED -> business("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
		};
	}

	private Map<String, Object> pay(SandboxMerchant m, JsonNode biz, String notifyUrl) {
		String outTradeNo = biz.path("out_trade_no").asString("");
		String subject = biz.path("subject").asString("");
		Optional<Fen> amount = yuan(biz, "total_amount");
		if (outTradeNo.isEmpty() || subject.isEmpty() || amount.isEmpty() || !"bar_code".equals(biz.path("scene").asString(""))) {
			return business("ACQ.INVALID_PARAMETER", "参数无效（out_trade_no、subject、total_amount、scene=bar_code）");
		}
		var payment = trades.payWithCode(m, outTradeNo, amount.get(), subject, null, biz.path("auth_code").asString(""), notifyUrl);
		return switch (payment.outcome()) {
			case PAID -> {
				LedgerOrder o = payment.order();
				Map<String, Object> r = tradeFields(o, ok());
				r.put("gmt_payment", NotificationMessages.ALIPAY_TIME.format(o.paidAt().atZone(SandboxLedger.BEIJING)));
				r.put("fund_bill_list", List.of(Map.of("fund_channel", "ALIPAYACCOUNT", "amount", o.amount().toYuan())));
				yield r;
			}
			case USER_PAYING -> {
				Map<String, Object> r = new LinkedHashMap<>();
				r.put("code", "10003");
				r.put("msg", " order success pay inprocess");
				yield tradeFields(payment.order(), r);
			}
			case SYSTEM_ERROR -> error("20000", "Service Currently Unavailable", "isp.unknow-error", "系统繁忙");
			case REFUSED -> business("ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足");
			case INVALID_CODE -> business("ACQ.PAYMENT_AUTH_CODE_INVALID", "支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款");
			case CONFLICT -> business("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改");
		};
	}

	private Map<String, Object> cancel(SandboxMerchant m, JsonNode biz) {
		Optional<LedgerOrder> order = lookup(m, biz);
		if (order.isEmpty()) {
			Map<String, Object> r = notExist(biz.path("out_trade_no").asString(""));
			r.put("retry_flag", "N");
			return r;
		}
		LedgerOrder o = order.get();
		var outcome = trades.reverse(o);
		if (outcome == SandboxTrades.ReverseOutcome.RECALL) {
			Map<String, Object> r = error("20000", "Service Currently Unavailable", "isp.unknow-error", "系统繁忙");
			r.put("retry_flag", "Y");
			return r;
		}
		if (outcome == SandboxTrades.ReverseOutcome.NOT_REVERSIBLE) {
			Map<String, Object> r = business("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
			r.put("retry_flag", "N");
			return r;
		}
		Map<String, Object> r = ok();
		r.put("trade_no", o.providerTradeNo());
		r.put("out_trade_no", o.outTradeNo());
		r.put("retry_flag", "N");
		r.put("action", outcome == SandboxTrades.ReverseOutcome.REFUNDED ? "refund" : "close");
		return r;
	}

	/** A refund carried out whose answer the gateway loses (fault): answered with a bare 502. */
	private static final Map<String, Object> LOST_ANSWER = Map.of();

	/**
	 * {@code alipay.trade.refund} (protocols-refunds-credentials.md D.1): succeeds at once ({@code fund_change=Y}); the
	 * same out_request_no and amount again answers {@code fund_change=N}; without out_request_no only the whole amount;
	 * {@code refund_fee} is the trade's refunded total.
	 */
	private Map<String, Object> refund(SandboxMerchant m, JsonNode biz) {
		Optional<LedgerOrder> order = lookup(m, biz);
		if (order.isEmpty()) {
			return notExist(biz.path("out_trade_no").asString(""));
		}
		LedgerOrder o = order.get();
		Optional<Fen> amount = yuan(biz, "refund_amount");
		if (amount.isEmpty()) {
			return business("ACQ.INVALID_PARAMETER", "参数无效（refund_amount）");
		}
		String requestNo = biz.path("out_request_no").asString("");
		if (requestNo.isEmpty()) {
			if (!amount.get().equals(o.amount())) {
				return business("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额与订单金额不一致");
			}
			requestNo = o.outTradeNo();
		}
		if (!o.isPaid()) {
			return business("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
		}
		var requested = refunds.request(m, o, requestNo, amount.get(), biz.path("refund_reason").asString(null), null);
		return switch (requested.outcome()) {
			case CREATED, SAME -> {
				if (requested.lostAnswer()) {
					yield LOST_ANSWER;
				}
				LedgerOrder after = ledger.findById(o.id()).orElseThrow();
				Map<String, Object> r = ok();
				r.put("trade_no", after.providerTradeNo());
				r.put("out_trade_no", after.outTradeNo());
				r.put("buyer_logon_id", NotificationMessages.maskedLogon(after.payerId()));
				r.put("buyer_user_id", after.payerId());
				r.put("fund_change", requested.outcome() == SandboxRefunds.RequestOutcome.CREATED ? "Y" : "N");
				r.put("refund_fee", after.refunded().toYuan());
				r.put("gmt_refund_pay", NotificationMessages.ALIPAY_TIME.format(requested.refund().requestedAt().atZone(SandboxLedger.BEIJING)));
				r.put("send_back_fee", requested.refund().amount().toYuan());
				yield r;
			}
			case CONFLICT -> business("ACQ.INVALID_PARAMETER", "退款请求号已用于其他退款");
			case NOT_PAID -> business("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
			case EXCEEDS -> business("ACQ.REASON_TRADE_REFUND_FEE_ERR", "退款金额超限");
		};
	}

	/**
	 * {@code alipay.trade.fastpay.refund.query} (D.2): the refund's amount and {@code refund_status=REFUND_SUCCESS};
	 * no refund data at all when the trade has no refund with that request number.
	 */
	private Map<String, Object> refundQuery(SandboxMerchant m, JsonNode biz) {
		Optional<LedgerOrder> order = lookup(m, biz);
		if (order.isEmpty()) {
			return notExist(biz.path("out_trade_no").asString(""));
		}
		LedgerOrder o = order.get();
		String requestNo = biz.path("out_request_no").asString("");
		Optional<SandboxLedger.Refund> refund = ledger.findRefund(m.id(), requestNo.isEmpty() ? o.outTradeNo() : requestNo)
			.filter(r -> r.orderId() == o.id());
		Map<String, Object> r = ok();
		r.put("trade_no", o.providerTradeNo());
		r.put("out_trade_no", o.outTradeNo());
		if (refund.isEmpty()) {
			return r;
		}
		r.put("out_request_no", refund.get().outRefundNo());
		r.put("total_amount", o.amount().toYuan());
		r.put("refund_amount", refund.get().amount().toYuan());
		r.put("refund_status", "REFUND_SUCCESS");
		if (refund.get().reason() != null) {
			r.put("refund_reason", refund.get().reason());
		}
		if (biz.path("query_options").toString().contains("gmt_refund_pay") && refund.get().succeededAt() != null) {
			r.put("gmt_refund_pay", NotificationMessages.ALIPAY_TIME.format(refund.get().succeededAt().atZone(SandboxLedger.BEIJING)));
		}
		return r;
	}

	private Map<String, Object> billUrl(SandboxMerchant m, JsonNode biz) {
		if (!"trade".equals(biz.path("bill_type").asString(""))) {
			return business("isp.bill_type_not_support", "不支持的账单类型（沙箱仅支持 trade）");
		}
		LocalDate day;
		try {
			day = LocalDate.parse(biz.path("bill_date").asString(""), DAY);
		}
		catch (DateTimeParseException ex) {
			return business("isp.bill_date_error", "账单日期格式错误（沙箱仅支持日账单 yyyy-MM-dd）");
		}
		Optional<SandboxBills.AlipayBill> bill = bills.alipay(m, day);
		if (bill.isEmpty()) {
			return business("isp.bill_not_exist", "账单不存在");
		}
		String token = tickets.issue(m.id(), day, "trade", false, Duration.ofSeconds(30));
		String url = ServletUriComponentsBuilder.fromCurrentContextPath()
			.path("/sandbox/alipay/downloadBillFile.resource")
			.queryParam("bizType", "trade")
			.queryParam("userId", m.sellerId())
			.queryParam("fileType", "csv.zip")
			.queryParam("bizDates", day.toString().replace("-", ""))
			.queryParam("downloadFileName", bill.get().fileName())
			.queryParam("token", token)
			.build()
			.toUriString();
		Map<String, Object> r = ok();
		r.put("bill_download_url", url);
		return r;
	}

	/** The bill zip; the link works for 30 s (no signature, no authentication: the token is the credential). */
	@GetMapping("/downloadBillFile.resource")
	ResponseEntity<byte[]> billFile(@RequestParam(required = false) String token) {
		var ticket = tickets.find(token).orElse(null);
		if (ticket == null || tickets.expired(ticket)) {
			return ResponseEntity.status(HttpStatus.FORBIDDEN)
				.contentType(new MediaType("text", "plain", StandardCharsets.UTF_8))
				.body("下载超时，请重新下载".getBytes(StandardCharsets.UTF_8));
		}
		SandboxMerchant m = merchants.find(ticket.merchantId()).orElseThrow();
		var bill = bills.alipay(m, ticket.day()).orElseThrow();
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header("Content-Disposition", "attachment; filename=\"" + m.sellerId() + ".csv.zip\"")
			.body(bill.zip());
	}
}
