package com.payrecon.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import com.payrecon.account.Channel;
import com.payrecon.support.money.Fen;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * WeChat Pay APIv2 (XML) under {@code /sandbox/wechatpay}: unifiedorder, orderquery, closeorder, micropay,
 * secapi/pay/reverse, secapi/pay/refund, refundquery and downloadbill, per protocols.md A and
 * protocols-refunds-credentials.md A. Requests are verified (MD5 or HMAC-SHA256 per {@code sign_type}); responses
 * are signed with the same type. For a merchant with {@code require-client-certificate}, {@code secapi/*} (the
 * reverse and the refund) needs mutual TLS on the sandbox's TLS listener ({@link SandboxTls}).
 */
@RestController
@ConditionalOnProperty(name = "payrecon.sandbox.enabled", havingValue = "true")
@RequestMapping(path = "/sandbox/wechatpay", produces = "text/xml;charset=UTF-8")
class WechatV2Endpoint {

	private static final DateTimeFormatter BILL_DATE = DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);

	private final SandboxMerchants merchants;
	private final SandboxLedger ledger;
	private final SandboxTrades trades;
	private final SandboxBills bills;
	private final CallFaults faults;
	private final SandboxRefunds refunds;
	private final SandboxTls tls;

	WechatV2Endpoint(SandboxMerchants merchants, SandboxLedger ledger, SandboxTrades trades, SandboxBills bills,
			CallFaults faults, SandboxRefunds refunds, SandboxTls tls) {
		this.refunds = refunds;
		this.tls = tls;
		this.merchants = merchants;
		this.ledger = ledger;
		this.trades = trades;
		this.bills = bills;
		this.faults = faults;
	}

	/** A verified request, or the refusal to send back. */
	private record Call(SandboxMerchant merchant, Map<String, String> fields, String signType, ResponseEntity<?> refusal) {
	}

	private Call verify(byte[] body) {
		return verify(body, false);
	}

	private Call verify(byte[] body, boolean reverse) {
		Map<String, String> fields = SandboxXml.parse(body);
		if (fields == null) {
			return refuse("XML格式错误");
		}
		SandboxMerchant merchant = merchants.byMchId(Channel.WECHATPAY_V2, fields.get("mch_id")).orElse(null);
		if (merchant == null) {
			return refuse("mch_id参数格式错误");
		}
		if (!merchant.appId().equals(fields.get("appid"))) {
			return refuse("appid和mch_id不匹配");
		}
		String signType = fields.getOrDefault("sign_type", "MD5");
		if (!"MD5".equals(signType) && !"HMAC-SHA256".equals(signType)) {
			return refuse("sign_type参数错误");
		}
		if (fields.get("nonce_str") == null || fields.get("nonce_str").isEmpty()) {
			return refuse("缺少参数nonce_str");
		}
		if (!SandboxCrypto.wechatV2Verify(fields, merchant.apiKey(), signType)) {
			return refuse("签名错误");
		}
		return switch (faults.draw(merchant)) {
			case OUTAGE -> new Call(merchant, fields, signType, ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.contentType(MediaType.TEXT_HTML).body("<html><body>503 Service Unavailable</body></html>"));
			case HTTP_ERROR -> new Call(merchant, fields, signType, ResponseEntity.status(HttpStatus.BAD_GATEWAY)
				.contentType(MediaType.TEXT_HTML).body("<html><body>502 Bad Gateway</body></html>"));
			case SYSTEM_ERROR -> new Call(merchant, fields, signType, fail(merchant, signType, "SYSTEMERROR", "系统错误", reverse ? extra("recall", "Y") : Map.of()));
			case NONE -> new Call(merchant, fields, signType, null);
		};
	}

	private static Call refuse(String message) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("return_code", "FAIL");
		f.put("return_msg", message);
		return new Call(null, null, null, ResponseEntity.ok(SandboxXml.write(f, Set.of())));
	}

	private static ResponseEntity<String> answer(SandboxMerchant merchant, String signType, Map<String, String> business) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("return_code", "SUCCESS");
		f.put("return_msg", "OK");
		f.put("appid", merchant.appId());
		f.put("mch_id", merchant.mchId());
		f.put("nonce_str", SandboxCrypto.randomAlphanumeric(16));
		f.putAll(business);
		f.values().removeIf(v -> v == null || v.isEmpty());
		f.put("sign", SandboxCrypto.wechatV2Sign(f, merchant.apiKey(), signType));
		return ResponseEntity.ok(SandboxXml.write(f, NotificationMessages.V2_BARE));
	}

	private static ResponseEntity<String> fail(SandboxMerchant merchant, String signType, String code, String description,
			Map<String, String> more) {
		Map<String, String> b = new LinkedHashMap<>();
		b.put("result_code", "FAIL");
		b.put("err_code", code);
		b.put("err_code_des", description);
		b.putAll(more);
		return answer(merchant, signType, b);
	}

	private static Map<String, String> extra(String... kv) {
		Map<String, String> m = new LinkedHashMap<>();
		for (int i = 0; i < kv.length; i += 2) {
			m.put(kv[i], kv[i + 1]);
		}
		return m;
	}

	private static Optional<Fen> fen(String value) {
		try {
			Fen fen = Fen.parseFen(value);
			return fen.value() > 0 ? Optional.of(fen) : Optional.empty();
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private static String missing(Map<String, String> f, String... names) {
		for (String n : names) {
			if (f.get(n) == null || f.get(n).isBlank()) {
				return n;
			}
		}
		return null;
	}

	private Optional<LedgerOrder> lookup(SandboxMerchant merchant, Map<String, String> f) {
		String txn = f.get("transaction_id");
		Optional<LedgerOrder> order = txn != null && !txn.isEmpty() ? ledger.findByProviderTradeNo(merchant.id(), txn)
				: ledger.find(merchant.id(), f.getOrDefault("out_trade_no", ""));
		return order.map(trades::settle);
	}

	@PostMapping("/pay/unifiedorder")
	ResponseEntity<?> unifiedOrder(@RequestBody(required = false) byte[] body) {
		Call call = verify(body);
		if (call.refusal() != null) {
			return call.refusal();
		}
		Map<String, String> f = call.fields();
		String absent = missing(f, "body", "out_trade_no", "total_fee", "spbill_create_ip", "notify_url", "trade_type");
		if (absent != null) {
			return refuse("缺少参数" + absent).refusal();
		}
		Optional<Fen> amount = fen(f.get("total_fee"));
		if (amount.isEmpty()) {
			return refuse("total_fee参数格式错误").refusal();
		}
		var placed = trades.place(call.merchant(), f.get("out_trade_no"), amount.get(), f.get("body"), f.get("attach"),
				f.get("notify_url"), f.get("trade_type"));
		return switch (placed.outcome()) {
			case CREATED, SAME -> answer(call.merchant(), call.signType(), extra("result_code", "SUCCESS", "trade_type",
					placed.order().tradeType(), "prepay_id", "wx" + placed.order().providerTradeNo().substring(4), "code_url",
					"NATIVE".equals(placed.order().tradeType()) ? codeUrl(placed.order()) : null));
			case CONFLICT -> fail(call.merchant(), call.signType(), "INVALID_REQUEST", "201 商户订单号重复", Map.of());
			case PAID -> fail(call.merchant(), call.signType(), "ORDERPAID", "该订单已支付", Map.of());
			case CLOSED -> fail(call.merchant(), call.signType(), "ORDERCLOSED", "该订单已关", Map.of());
		};
	}

	static String codeUrl(LedgerOrder order) {
		return "weixin://wxpay/bizpayurl?pr=" + Integer.toString(Math.abs(order.providerTradeNo().hashCode()), 36);
	}

	@PostMapping("/pay/orderquery")
	ResponseEntity<?> orderQuery(@RequestBody(required = false) byte[] body) {
		Call call = verify(body);
		if (call.refusal() != null) {
			return call.refusal();
		}
		if (missing(call.fields(), "transaction_id") != null && missing(call.fields(), "out_trade_no") != null) {
			return refuse("transaction_id和out_trade_no不能同时为空").refusal();
		}
		Optional<LedgerOrder> order = lookup(call.merchant(), call.fields());
		if (order.isEmpty()) {
			return fail(call.merchant(), call.signType(), "ORDERNOTEXIST", "订单不存在", Map.of());
		}
		return answer(call.merchant(), call.signType(), queryFields(order.get()));
	}

	private static Map<String, String> queryFields(LedgerOrder o) {
		Map<String, String> b = new LinkedHashMap<>();
		b.put("result_code", "SUCCESS");
		if (o.paidAt() != null) {
			b.put("openid", o.payerId());
			b.put("is_subscribe", "N");
			b.put("trade_type", o.tradeType());
			b.put("bank_type", o.bankType());
			b.put("total_fee", Long.toString(o.amount().value()));
			b.put("fee_type", "CNY");
			b.put("cash_fee", Long.toString(o.amount().value()));
			b.put("transaction_id", o.providerTradeNo());
			b.put("attach", o.attach());
			b.put("time_end", NotificationMessages.V2_TIME.format(o.paidAt().atZone(SandboxLedger.BEIJING)));
		}
		else {
			b.put("total_fee", Long.toString(o.amount().value()));
		}
		b.put("out_trade_no", o.outTradeNo());
		b.put("trade_state", o.status());
		b.put("trade_state_desc", switch (o.status()) {
			case "SUCCESS" -> "支付成功";
			case "REFUND" -> "订单发生过退款";
			case "NOTPAY" -> "订单未支付";
			case "USERPAYING" -> "需要用户输入支付密码";
			case "CLOSED" -> "订单已关闭";
			case "REVOKED" -> "订单已撤销";
			default -> "支付失败，请撤销订单";
		});
		return b;
	}

	@PostMapping("/pay/closeorder")
	ResponseEntity<?> closeOrder(@RequestBody(required = false) byte[] body) {
		Call call = verify(body);
		if (call.refusal() != null) {
			return call.refusal();
		}
		Optional<LedgerOrder> order = ledger.find(call.merchant().id(), call.fields().getOrDefault("out_trade_no", ""));
		if (order.isEmpty()) {
			return fail(call.merchant(), call.signType(), "ORDERNOTEXIST", "订单不存在", Map.of());
		}
		return switch (trades.close(order.get())) {
			case CLOSED -> answer(call.merchant(), call.signType(), extra("result_code", "SUCCESS", "result_msg", "OK"));
			case PAID -> fail(call.merchant(), call.signType(), "ORDERPAID", "订单已支付，不能发起关单", Map.of());
			case ALREADY_CLOSED -> fail(call.merchant(), call.signType(), "ORDERCLOSED", "订单已关闭，无法重复关闭", Map.of());
		};
	}

	@PostMapping("/pay/micropay")
	ResponseEntity<?> micropay(@RequestBody(required = false) byte[] body) {
		Call call = verify(body);
		if (call.refusal() != null) {
			return call.refusal();
		}
		Map<String, String> f = call.fields();
		String absent = missing(f, "body", "out_trade_no", "total_fee", "spbill_create_ip", "auth_code");
		if (absent != null) {
			return refuse("缺少参数" + absent).refusal();
		}
		Optional<Fen> amount = fen(f.get("total_fee"));
		if (amount.isEmpty()) {
			return refuse("total_fee参数格式错误").refusal();
		}
		var payment = trades.payWithCode(call.merchant(), f.get("out_trade_no"), amount.get(), f.get("body"), f.get("attach"),
				f.get("auth_code"), null);
		return switch (payment.outcome()) {
			case PAID -> {
				Map<String, String> b = queryFields(payment.order());
				b.remove("trade_state");
				b.remove("trade_state_desc");
				yield answer(call.merchant(), call.signType(), b);
			}
			case USER_PAYING -> fail(call.merchant(), call.signType(), "USERPAYING", "需要用户输入支付密码", Map.of());
			case SYSTEM_ERROR -> fail(call.merchant(), call.signType(), "SYSTEMERROR", "系统超时", Map.of());
			case REFUSED -> fail(call.merchant(), call.signType(), "NOTENOUGH", "余额不足", Map.of());
			case INVALID_CODE -> fail(call.merchant(), call.signType(), "AUTH_CODE_INVALID", "101 付款码无效，请重新扫码", Map.of());
			case CONFLICT -> fail(call.merchant(), call.signType(), "OUT_TRADE_NO_USED", "商户订单号重复", Map.of());
		};
	}

	@PostMapping("/secapi/pay/reverse")
	ResponseEntity<?> reverse(@RequestBody(required = false) byte[] body, HttpServletRequest request) {
		Call call = verify(body, true);
		if (call.refusal() != null) {
			return call.refusal();
		}
		ResponseEntity<?> certificate = clientCertificate(call, request);
		if (certificate != null) {
			return certificate;
		}
		Optional<LedgerOrder> order = lookup(call.merchant(), call.fields());
		if (order.isEmpty()) {
			return fail(call.merchant(), call.signType(), "ORDERNOTEXIST", "订单不存在", extra("recall", "N"));
		}
		return switch (trades.reverse(order.get())) {
			case CLOSED, REFUNDED -> answer(call.merchant(), call.signType(), extra("result_code", "SUCCESS", "recall", "N"));
			case RECALL -> fail(call.merchant(), call.signType(), "USERPAYING", "用户支付中，请稍后再撤销", extra("recall", "Y"));
			case NOT_REVERSIBLE -> fail(call.merchant(), call.signType(), "TRADE_STATE_ERROR", "订单状态错误", extra("recall", "N"));
		};
	}

	/**
	 * {@code secapi/pay/refund} (protocols-refunds-credentials.md A.1): accepted refunds answer SUCCESS with the
	 * refund's id and are PROCESSING until {@code refund-delay}; the same out_refund_no with the same order and amount
	 * answers the same refund (it is counted, never refunded twice); another amount or order is refused. The
	 * {@code refund-lost-answer-share} fault carries the refund out and answers a bare 502.
	 */
	@PostMapping("/secapi/pay/refund")
	ResponseEntity<?> refund(@RequestBody(required = false) byte[] body, HttpServletRequest request) {
		Call call = verify(body);
		if (call.refusal() != null) {
			return call.refusal();
		}
		ResponseEntity<?> certificate = clientCertificate(call, request);
		if (certificate != null) {
			return certificate;
		}
		Map<String, String> f = call.fields();
		String absent = missing(f, "out_refund_no", "total_fee", "refund_fee");
		if (absent != null || (missing(f, "transaction_id") != null && missing(f, "out_trade_no") != null)) {
			return refuse("缺少参数" + (absent != null ? absent : "out_trade_no")).refusal();
		}
		Optional<Fen> total = fen(f.get("total_fee"));
		Optional<Fen> amount = fen(f.get("refund_fee"));
		if (total.isEmpty() || amount.isEmpty()) {
			return fail(call.merchant(), call.signType(), "PARAM_ERROR", "total_fee或refund_fee参数错误", Map.of());
		}
		Optional<LedgerOrder> order = lookup(call.merchant(), f);
		if (order.isEmpty() || !order.get().isPaid()) {
			return fail(call.merchant(), call.signType(), "ORDERNOTEXIST", "订单不存在", Map.of());
		}
		if (!order.get().amount().equals(total.get())) {
			return fail(call.merchant(), call.signType(), "PARAM_ERROR", "订单金额与原订单不一致", Map.of());
		}
		var requested = refunds.request(call.merchant(), order.get(), f.get("out_refund_no"), amount.get(),
				f.get("refund_desc"), f.get("notify_url"));
		return switch (requested.outcome()) {
			case CREATED, SAME -> {
				if (requested.lostAnswer()) {
					yield ResponseEntity.status(HttpStatus.BAD_GATEWAY).contentType(MediaType.TEXT_HTML)
						.body("<html><body>502 Bad Gateway</body></html>");
				}
				LedgerOrder o = order.get();
				SandboxLedger.Refund r = requested.refund();
				Map<String, String> b = new LinkedHashMap<>();
				b.put("result_code", "SUCCESS");
				b.put("transaction_id", o.providerTradeNo());
				b.put("out_trade_no", o.outTradeNo());
				b.put("out_refund_no", r.outRefundNo());
				b.put("refund_id", r.refundId());
				b.put("refund_fee", Long.toString(r.amount().value()));
				b.put("settlement_refund_fee", Long.toString(r.amount().value()));
				b.put("total_fee", Long.toString(o.amount().value()));
				b.put("settlement_total_fee", Long.toString(o.amount().value()));
				b.put("fee_type", "CNY");
				b.put("cash_fee", Long.toString(o.amount().value()));
				b.put("cash_refund_fee", Long.toString(r.amount().value()));
				yield answer(call.merchant(), call.signType(), b);
			}
			case CONFLICT -> fail(call.merchant(), call.signType(), "INVALID_REQUEST", "退款单号已用于其他退款", Map.of());
			case NOT_PAID -> fail(call.merchant(), call.signType(), "ORDERNOTEXIST", "订单未支付", Map.of());
			case EXCEEDS -> fail(call.merchant(), call.signType(), "ERROR", "申请退款金额超过订单可退金额", Map.of());
		};
	}

	/**
	 * {@code pay/refundquery} (A.4) by refund_id, out_refund_no, transaction_id or out_trade_no (in that priority): the
	 * refunds as {@code _$n} fields (first 10, {@code offset} for more); REFUNDNOTEXIST when there are none.
	 */
	@PostMapping("/pay/refundquery")
	ResponseEntity<?> refundQuery(@RequestBody(required = false) byte[] body) {
		Call call = verify(body);
		if (call.refusal() != null) {
			return call.refusal();
		}
		Map<String, String> f = call.fields();
		String mid = call.merchant().id();
		java.util.List<SandboxLedger.Refund> found;
		LedgerOrder order;
		if (missing(f, "refund_id") == null || missing(f, "out_refund_no") == null) {
			Optional<SandboxLedger.Refund> one = missing(f, "refund_id") == null ? ledger.findRefundByRefundId(mid, f.get("refund_id"))
					: ledger.findRefund(mid, f.get("out_refund_no"));
			found = one.map(java.util.List::of).orElse(java.util.List.of());
			order = one.flatMap(r -> ledger.findById(r.orderId())).orElse(null);
		}
		else if (missing(f, "transaction_id") == null || missing(f, "out_trade_no") == null) {
			order = lookup(call.merchant(), f).orElse(null);
			found = order == null ? java.util.List.of() : ledger.refunds(order.id());
		}
		else {
			return refuse("refund_id、out_refund_no、transaction_id、out_trade_no不能同时为空").refusal();
		}
		if (found.isEmpty() || order == null) {
			return fail(call.merchant(), call.signType(), "REFUNDNOTEXIST", "退款订单查询失败", Map.of());
		}
		int offset = 0;
		try {
			offset = Integer.parseInt(f.getOrDefault("offset", "0"));
		}
		catch (NumberFormatException ex) {
			return fail(call.merchant(), call.signType(), "PARAM_ERROR", "offset参数错误", Map.of());
		}
		if (offset < 0 || (offset > 0 && offset >= found.size())) {
			return fail(call.merchant(), call.signType(), "PARAM_ERROR", "offset超出退款笔数", Map.of());
		}
		java.util.List<SandboxLedger.Refund> page = found.subList(offset, Math.min(found.size(), offset + 10));
		Map<String, String> b = new LinkedHashMap<>();
		b.put("result_code", "SUCCESS");
		b.put("transaction_id", order.providerTradeNo());
		b.put("out_trade_no", order.outTradeNo());
		b.put("total_fee", Long.toString(order.amount().value()));
		b.put("fee_type", "CNY");
		b.put("cash_fee", Long.toString(order.amount().value()));
		b.put("total_refund_count", Integer.toString(found.size()));
		b.put("refund_count", Integer.toString(page.size()));
		for (int n = 0; n < page.size(); n++) {
			SandboxLedger.Refund r = refunds.settle(page.get(n));
			b.put("out_refund_no_" + n, r.outRefundNo());
			b.put("refund_id_" + n, r.refundId());
			b.put("refund_channel_" + n, "ORIGINAL");
			b.put("refund_fee_" + n, Long.toString(r.amount().value()));
			b.put("settlement_refund_fee_" + n, Long.toString(r.amount().value()));
			b.put("refund_status_" + n, r.status());
			b.put("refund_account_" + n, "REFUND_SOURCE_RECHARGE_FUNDS");
			b.put("refund_recv_accout_" + n, "支付用户零钱");
			if (r.succeededAt() != null) {
				b.put("refund_success_time_" + n, NotificationMessages.REFUND_TIME.format(r.succeededAt().atZone(SandboxLedger.BEIJING)));
			}
		}
		return answer(call.merchant(), call.signType(), b);
	}

	/** Null when the merchant needs no client certificate or presented its own (protocols-refunds-credentials.md A.3). */
	private ResponseEntity<?> clientCertificate(Call call, HttpServletRequest request) {
		if (!call.merchant().requireClientCertificate()) {
			return null;
		}
		return switch (tls.check(request, call.merchant().mchId())) {
			case VALID -> null;
			case MISSING -> nginx400("No required SSL certificate was sent");
			case UNTRUSTED -> nginx400("The SSL certificate error");
		};
	}

	private static ResponseEntity<?> nginx400(String title) {
		String html = "<html>\r\n<head><title>400 " + title + "</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>"
				+ title + "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
		return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.TEXT_HTML).body(html);
	}

	@PostMapping(path = "/pay/downloadbill", produces = MediaType.ALL_VALUE)
	ResponseEntity<?> downloadBill(@RequestBody(required = false) byte[] body) {
		Call call = verify(body);
		if (call.refusal() != null) {
			if (call.merchant() != null && call.refusal().getStatusCode().is2xxSuccessful()) {
				return billFail("SYSTEMERROR", "20007");
			}
			return call.refusal();
		}
		Map<String, String> f = call.fields();
		String type = f.getOrDefault("bill_type", "ALL");
		if (!Set.of("ALL", "SUCCESS", "REFUND").contains(type)) {
			return billFail("invalid bill_type", "20001");
		}
		LocalDate day;
		try {
			day = LocalDate.parse(f.getOrDefault("bill_date", ""), BILL_DATE);
		}
		catch (DateTimeParseException ex) {
			return billFail("invalid bill_date", "20001");
		}
		Optional<String> bill = bills.wechat(call.merchant(), day, type);
		if (bill.isEmpty()) {
			return billFail("No Bill Exist", "20002");
		}
		byte[] text = bill.get().getBytes(StandardCharsets.UTF_8);
		if ("GZIP".equals(f.get("tar_type"))) {
			return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(gzip(text));
		}
		return ResponseEntity.ok().contentType(new MediaType("text", "plain", StandardCharsets.UTF_8)).body(text);
	}

	private static ResponseEntity<?> billFail(String message, String code) {
		String xml = "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[" + message
				+ "]]></return_msg><error_code><![CDATA[" + code + "]]></error_code></xml>";
		return ResponseEntity.ok().contentType(new MediaType("text", "xml", StandardCharsets.UTF_8)).body(xml.getBytes(StandardCharsets.UTF_8));
	}

	static byte[] gzip(byte[] data) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
			gz.write(data);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return out.toByteArray();
	}
}
