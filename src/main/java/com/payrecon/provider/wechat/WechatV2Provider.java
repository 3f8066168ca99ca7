package com.payrecon.provider.wechat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.payrecon.account.Account;
import com.payrecon.account.Account.WechatV2Keys;
import com.payrecon.account.Channel;
import com.payrecon.provider.PaymentProvider;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.provider.ProviderClient;
import com.payrecon.provider.ProviderClient.CappedInputStream;
import com.payrecon.provider.ProviderClient.Outcome;
import com.payrecon.provider.ProviderClient.Reply;
import com.payrecon.provider.ProviderClient.Streamed;
import com.payrecon.provider.ProviderSupport;
import com.payrecon.provider.RefundAnswer;
import com.payrecon.crypto.MalformedMessageException;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.support.money.Fen;

import org.springframework.stereotype.Component;

/**
 * WeChat Pay APIv2 (XML, protocols.md A): unifiedorder NATIVE, orderquery, closeorder, micropay, reverse and
 * downloadbill. Requests are signed with the account's sign type; a response with {@code return_code=SUCCESS} must
 * carry a valid {@code sign} (same pinned sign type) and name the account's {@code mch_id}/{@code appid}, else it is
 * an ERROR with {@code BAD_RESPONSE_SIGNATURE} / {@code RESPONSE_MISMATCH}.
 * <p>
 * Every {@code /secapi/} call (reverse here) goes through {@link ProviderClient#exchangeWithClientCertificate}: it
 * presents the account's client certificate ({@code client-certificate}, mutual TLS), as the real WeChat requires.
 */
@Component
public class WechatV2Provider implements PaymentProvider {

	static final String DEFAULT_BASE = "https://api.mch.weixin.qq.com";
	static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
	static final DateTimeFormatter BILL_DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
	private static final int MAX_ERROR_XML = 64 * 1024;

	private final ProviderClient client;
	private final Clock clock;
	private java.util.function.Supplier<String> nonces = () -> ProviderSupport.nonce(32);
	private final String serverIp;

	public WechatV2Provider(ProviderClient client, Clock clock) {
		this.client = client;
		this.clock = clock;
		this.serverIp = "127.0.0.1";
	}

	/** Fixed nonces, for signing vectors in tests. */
	WechatV2Provider withNonces(java.util.function.Supplier<String> nonces) {
		this.nonces = nonces;
		return this;
	}

	@Override
	public Channel channel() {
		return Channel.WECHATPAY_V2;
	}

	@Override
	public PlaceResult place(Account account, PlaceRequest request) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("body", ProviderSupport.truncateUtf8(request.description(), 128));
		fields.put("out_trade_no", request.outTradeNo());
		fields.put("fee_type", request.currency());
		fields.put("total_fee", Long.toString(request.amount().value()));
		fields.put("spbill_create_ip", serverIp);
		if (request.expiresAt() != null) {
			fields.put("time_expire", COMPACT.format(request.expiresAt().atZone(account.zone())));
		}
		fields.put("notify_url", request.notifyUrl());
		fields.put("trade_type", "NATIVE");
		fields.put("product_id", request.outTradeNo());
		return client.call(account, "place", () -> {
			V2Reply reply = post(account, "/pay/unifiedorder", fields, request.outTradeNo());
			if (reply.error() != null) {
				return ProviderSupport.notPlaced(reply.error());
			}
			Map<String, String> f = reply.fields();
			if (!"SUCCESS".equals(f.get("result_code"))) {
				return new PlaceResult(false, null, f.getOrDefault("err_code", "FAIL"), f.get("err_code_des"), reply.raw());
			}
			return ProviderSupport.placed(f.get("code_url"), "code_url", reply.raw());
		}, ProviderSupport::placeOutcome);
	}

	@Override
	public ProviderAnswer query(Account account, String outTradeNo) {
		return client.call(account, "query", () -> queryOnce(account, outTradeNo), ProviderClient::classify);
	}

	private ProviderAnswer queryOnce(Account account, String outTradeNo) {
		V2Reply reply = post(account, "/pay/orderquery", Map.of("out_trade_no", outTradeNo), outTradeNo);
		if (reply.error() != null) {
			return reply.error();
		}
		Map<String, String> f = reply.fields();
		if (!"SUCCESS".equals(f.get("result_code"))) {
			return businessError(outTradeNo, f, reply.raw());
		}
		String state = f.get("trade_state");
		Status status = switch (state == null ? "" : state) {
			case "SUCCESS" -> Status.PAID;
			case "NOTPAY", "PAYERROR" -> Status.NOT_PAID;
			case "CLOSED" -> Status.CLOSED;
			case "REVOKED" -> Status.REVERSED;
			case "REFUND" -> Status.REFUNDED;
			case "USERPAYING" -> Status.USER_PAYING;
			default -> null;
		};
		if (status == null) {
			return ProviderAnswer.error(outTradeNo, "UNKNOWN_TRADE_STATE", "trade_state " + state, reply.raw());
		}
		return answer(account, status, outTradeNo, f, reply.raw());
	}

	@Override
	public ProviderAnswer close(Account account, String outTradeNo) {
		ProviderAnswer closed = client.call(account, "close", () -> {
			V2Reply reply = post(account, "/pay/closeorder", Map.of("out_trade_no", outTradeNo), outTradeNo);
			if (reply.error() != null) {
				return reply.error();
			}
			Map<String, String> f = reply.fields();
			if ("SUCCESS".equals(f.get("result_code")) || "ORDERCLOSED".equals(f.get("err_code"))) {
				return new ProviderAnswer(Status.CLOSED, outTradeNo, null, null, null, null, null, null, reply.raw());
			}
			return businessError(outTradeNo, f, reply.raw());
		}, ProviderClient::classify);
		if (closed.status() == Status.ERROR && "ORDERPAID".equals(closed.errorCode())) {
			// paid meanwhile: the signed query answer is what the caller applies
			ProviderAnswer queried = query(account, outTradeNo);
			return queried.status() == Status.PAID ? queried : closed;
		}
		return closed;
	}

	@Override
	public ProviderAnswer micropay(Account account, MicropayRequest request) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("body", ProviderSupport.truncateUtf8(request.description(), 128));
		fields.put("out_trade_no", request.outTradeNo());
		fields.put("total_fee", Long.toString(request.amount().value()));
		fields.put("fee_type", request.currency());
		fields.put("spbill_create_ip", request.clientIp() == null ? serverIp : request.clientIp());
		fields.put("auth_code", request.authCode());
		// never repeated automatically: the official flow after an unknown result is query, then reverse
		return client.call(account, "micropay", () -> {
			V2Reply reply = post(account, "/pay/micropay", fields, request.outTradeNo());
			if (reply.error() != null) {
				return reply.error();
			}
			Map<String, String> f = reply.fields();
			if ("SUCCESS".equals(f.get("result_code"))) {
				return answer(account, Status.PAID, request.outTradeNo(), f, reply.raw());
			}
			String code = f.getOrDefault("err_code", "FAIL");
			return switch (code) {
				case "USERPAYING" -> new ProviderAnswer(Status.USER_PAYING, request.outTradeNo(), null, request.amount(),
						request.currency(), null, code, f.get("err_code_des"), reply.raw());
				// result unknown: the caller queries
				case "SYSTEMERROR", "BANKERROR", "ORDERPAID", "TRADE_STATE_ERROR" ->
					ProviderAnswer.error(request.outTradeNo(), code, f.get("err_code_des"), reply.raw());
				// refused: AUTHCODEEXPIRE, NOTENOUGH, AUTH_CODE_INVALID, PARAM_ERROR, ...
				default -> new ProviderAnswer(Status.NOT_PAID, request.outTradeNo(), null, request.amount(),
						request.currency(), null, code, f.get("err_code_des"), reply.raw());
			};
		}, answer -> new Outcome(ProviderClient.classify(answer).tag(), false));
	}

	@Override
	public ProviderAnswer reverse(Account account, String outTradeNo) {
		return client.call(account, "reverse", () -> {
			V2Reply reply = post(account, "/secapi/pay/reverse", Map.of("out_trade_no", outTradeNo), outTradeNo);
			if (reply.error() != null) {
				return reply.error();
			}
			Map<String, String> f = reply.fields();
			if ("SUCCESS".equals(f.get("result_code")) && !"Y".equals(f.get("recall"))) {
				return new ProviderAnswer(Status.REVERSED, outTradeNo, f.get("transaction_id"), null, null, null, null,
						null, reply.raw());
			}
			if ("Y".equals(f.get("recall"))) {
				return ProviderAnswer.error(outTradeNo, "RECALL", f.get("err_code_des"), reply.raw());
			}
			return businessError(outTradeNo, f, reply.raw());
		}, answer -> new Outcome(ProviderClient.classify(answer).tag(), answer.status() == Status.ERROR
				&& (ProviderClient.isTransient(answer.errorCode()) || "RECALL".equals(answer.errorCode()))));
	}

	@Override
	public BillDownload bill(Account account, LocalDate day) {
		Map<String, String> fields = signed(account, Map.of("bill_date", BILL_DATE.format(day), "bill_type", "ALL",
				"tar_type", "GZIP"));
		return client.call(account, "bill", () -> billOnce(account, fields),
				d -> new Outcome(d.noBill() ? "no_bill" : d.errorCode() == null ? "downloaded" : "error",
						ProviderClient.isTransient(d.errorCode())));
	}

	private BillDownload billOnce(Account account, Map<String, String> fields) {
		HttpRequest request = xmlRequest(account, "/pay/downloadbill", fields);
		Streamed streamed;
		try {
			streamed = client.download(request);
		}
		catch (IOException ex) {
			return new BillDownload(false, ProviderClient.errorCode(ex), null, BillDownload.WECHAT_TEXT);
		}
		try {
			if (streamed.status() != 200) {
				streamed.close();
				return new BillDownload(false, "HTTP_" + streamed.status(), null, BillDownload.WECHAT_TEXT);
			}
			BufferedInputStream in = new BufferedInputStream(streamed.body(), MAX_ERROR_XML);
			in.mark(MAX_ERROR_XML);
			byte[] head = in.readNBytes(2);
			in.reset();
			if (head.length == 0) {
				in.close();
				return new BillDownload(false, "EMPTY_BILL", null, BillDownload.WECHAT_TEXT);
			}
			if (head[0] == '<') {
				byte[] xml = in.readNBytes(MAX_ERROR_XML);
				in.close();
				return billError(xml);
			}
			InputStream content = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b
					? new CappedInputStream(new GZIPInputStream(in), client.properties().maxBillSize().toBytes()) : in;
			return new BillDownload(false, null, content, BillDownload.WECHAT_TEXT);
		}
		catch (IOException ex) {
			try {
				streamed.close();
			}
			catch (IOException ignored) {
				// already failing
			}
			return new BillDownload(false, ProviderClient.errorCode(ex), null, BillDownload.WECHAT_TEXT);
		}
	}

	/** {@code <xml><return_code>FAIL</return_code><return_msg>No Bill Exist</return_msg><error_code>20002</error_code></xml>}. */
	static BillDownload billError(byte[] xml) {
		try {
			Map<String, String> f = WechatV2Xml.parse(xml);
			String code = f.get("error_code");
			String message = f.getOrDefault("return_msg", "");
			if ("20002".equals(code) || message.equalsIgnoreCase("No Bill Exist")) {
				return new BillDownload(true, "20002", null, BillDownload.WECHAT_TEXT);
			}
			String errorCode = message.equalsIgnoreCase("SYSTEMERROR") ? "SYSTEMERROR"
					: code != null && !code.isEmpty() ? code : message.isEmpty() ? "FAIL" : message;
			return new BillDownload(false, errorCode, null, BillDownload.WECHAT_TEXT);
		}
		catch (MalformedMessageException ex) {
			return new BillDownload(false, "UNPARSEABLE", null, BillDownload.WECHAT_TEXT);
		}
	}

	/** err_code of a refund request the provider definitely did not accept (protocols-refunds-credentials.md A.2). */
	static final java.util.Set<String> REFUND_REFUSED = java.util.Set.of("NOTENOUGH", "TRADE_OVERDUE",
			"USER_ACCOUNT_ABNORMAL", "ERROR", "INVALID_TRANSACTIONID", "PARAM_ERROR", "APPID_NOT_EXIST", "MCHID_NOT_EXIST",
			"ORDERNOTEXIST", "REQUIRE_POST_METHOD", "SIGNERROR", "XML_FORMAT_ERROR");

	/** Refund times are Beijing time (protocols-refunds-credentials.md A.4, A.5). */
	static final java.time.ZoneId BEIJING = java.time.ZoneId.of("Asia/Shanghai");
	static final DateTimeFormatter REFUND_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	/**
	 * {@code secapi/pay/refund}: PROCESSING with WeChat's refund id when accepted (the result comes later); REFUSED for
	 * the error codes after which WeChat did not take it; ERROR otherwise (SYSTEMERROR, BIZERR_NEED_RETRY,
	 * FREQUENCY_LIMITED, timeouts, a response that fails verification): never retried here.
	 * <p>
	 * The real WeChat requires the merchant's client certificate on this path (mutual TLS).
	 */
	@Override
	public RefundAnswer refund(Account account, RefundRequest request) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("out_trade_no", request.outTradeNo());
		fields.put("out_refund_no", request.outRefundNo());
		fields.put("total_fee", Long.toString(request.orderAmount().value()));
		fields.put("refund_fee", Long.toString(request.amount().value()));
		fields.put("refund_fee_type", request.currency());
		if (request.reason() != null && !request.reason().isBlank()) {
			fields.put("refund_desc", ProviderSupport.truncateUtf8(request.reason(), 80));
		}
		fields.put("notify_url", request.notifyUrl());
		return client.call(account, "refund", () -> {
			V2Reply reply = post(account, "/secapi/pay/refund", fields, request.outTradeNo());
			if (reply.error() != null) {
				return refundError(request.outTradeNo(), request.outRefundNo(), reply.error());
			}
			Map<String, String> f = reply.fields();
			if (!"SUCCESS".equals(f.get("result_code"))) {
				String code = f.getOrDefault("err_code", "FAIL");
				return RefundAnswer.of(REFUND_REFUSED.contains(code) ? RefundAnswer.Status.REFUSED : RefundAnswer.Status.ERROR,
						request.outTradeNo(), request.outRefundNo(), code, code, f.get("err_code_des"), reply.raw());
			}
			if (!request.outRefundNo().equals(f.get("out_refund_no"))
					|| !Long.toString(request.amount().value()).equals(f.getOrDefault("refund_fee", ""))) {
				return RefundAnswer.error(request.outTradeNo(), request.outRefundNo(), "RESPONSE_MISMATCH",
						"the response names another refund or amount", reply.raw());
			}
			return new RefundAnswer(RefundAnswer.Status.PROCESSING, request.outTradeNo(), request.outRefundNo(),
					blankToNull(f.get("refund_id")), blankToNull(f.get("transaction_id")), request.amount(),
					fen(f.get("total_fee")), null, "PROCESSING", null, null, reply.raw());
		}, ProviderSupport::refundOutcome);
	}

	/**
	 * {@code pay/refundquery} by out_refund_no: the entry {@code _$n} with that number; {@code refund_status_$n}
	 * SUCCESS, PROCESSING, CHANGE (ABNORMAL) or REFUNDCLOSE (CLOSED); REFUNDNOTEXIST is NOT_FOUND.
	 */
	@Override
	public RefundAnswer queryRefund(Account account, RefundLookup lookup) {
		return client.call(account, "refund_query", () -> {
			V2Reply reply = post(account, "/pay/refundquery", Map.of("out_refund_no", lookup.outRefundNo()),
					lookup.outTradeNo());
			if (reply.error() != null) {
				return refundError(lookup.outTradeNo(), lookup.outRefundNo(), reply.error());
			}
			Map<String, String> f = reply.fields();
			if (!"SUCCESS".equals(f.get("result_code"))) {
				String code = f.getOrDefault("err_code", "FAIL");
				return RefundAnswer.of("REFUNDNOTEXIST".equals(code) ? RefundAnswer.Status.NOT_FOUND : RefundAnswer.Status.ERROR,
						lookup.outTradeNo(), lookup.outRefundNo(), code, code, f.get("err_code_des"), reply.raw());
			}
			return refundEntry(lookup, f, reply.raw());
		}, ProviderSupport::refundQueryOutcome);
	}

	/** The {@code _$n} fields of the refund named {@code lookup.outRefundNo()} in a refundquery answer. */
	static RefundAnswer refundEntry(RefundLookup lookup, Map<String, String> f, String raw) {
		for (int n = 0; f.containsKey("out_refund_no_" + n); n++) {
			if (!lookup.outRefundNo().equals(f.get("out_refund_no_" + n))) {
				continue;
			}
			String state = f.getOrDefault("refund_status_" + n, "");
			RefundAnswer.Status status = switch (state) {
				case "SUCCESS" -> RefundAnswer.Status.SUCCESS;
				case "PROCESSING" -> RefundAnswer.Status.PROCESSING;
				case "CHANGE" -> RefundAnswer.Status.ABNORMAL;
				case "REFUNDCLOSE" -> RefundAnswer.Status.CLOSED;
				default -> null;
			};
			if (status == null) {
				return RefundAnswer.error(lookup.outTradeNo(), lookup.outRefundNo(), "UNKNOWN_REFUND_STATE",
						"refund_status " + state, raw);
			}
			try {
				Fen amount = Fen.parseFen(f.get("refund_fee_" + n));
				java.time.Instant at = null;
				String time = f.get("refund_success_time_" + n);
				if (time != null && !time.isEmpty()) {
					at = LocalDateTime.parse(time, REFUND_TIME).atZone(BEIJING).toInstant();
				}
				return new RefundAnswer(status, f.get("out_trade_no"), lookup.outRefundNo(),
						blankToNull(f.get("refund_id_" + n)), blankToNull(f.get("transaction_id")), amount,
						fen(f.get("total_fee")), at, state, null, null, raw);
			}
			catch (NumberFormatException | DateTimeParseException ex) {
				return RefundAnswer.error(lookup.outTradeNo(), lookup.outRefundNo(), "UNPARSEABLE",
						"bad refund_fee_" + n + " or refund_success_time_" + n, raw);
			}
		}
		return RefundAnswer.error(lookup.outTradeNo(), lookup.outRefundNo(), "RESPONSE_MISMATCH",
				"the answer does not list refund " + lookup.outRefundNo(), raw);
	}

	private static RefundAnswer refundError(String outTradeNo, String outRefundNo, ProviderAnswer error) {
		return RefundAnswer.error(outTradeNo, outRefundNo, error.errorCode(), error.errorMessage(), error.rawResponse());
	}

	private static Fen fen(String value) {
		try {
			return value == null || value.isEmpty() ? null : Fen.parseFen(value);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value;
	}

	/** A verified response's fields, or the ERROR answer that replaces it. */
	record V2Reply(LinkedHashMap<String, String> fields, String raw, ProviderAnswer error) {
	}

	private V2Reply post(Account account, String path, Map<String, String> business, String outTradeNo) {
		HttpRequest request = xmlRequest(account, path, signed(account, business));
		Reply reply;
		try {
			reply = path.startsWith("/secapi/") ? client.exchangeWithClientCertificate(account, request)
					: client.exchange(request);
		}
		catch (IOException ex) {
			return failed(outTradeNo, ProviderClient.errorCode(ex), ex.getMessage(), null);
		}
		String raw = ProviderSupport.utf8(reply.body());
		if (reply.status() != 200) {
			return failed(outTradeNo, "HTTP_" + reply.status(), null, raw);
		}
		LinkedHashMap<String, String> fields;
		try {
			fields = WechatV2Xml.parse(reply.body());
		}
		catch (MalformedMessageException ex) {
			return failed(outTradeNo, "UNPARSEABLE", ex.getMessage(), raw);
		}
		if (!"SUCCESS".equals(fields.get("return_code"))) {
			String message = fields.get("return_msg");
			return failed(outTradeNo, "SYSTEMERROR".equals(message) ? "SYSTEMERROR" : "RETURN_FAIL", message, raw);
		}
		WechatV2Keys keys = keys(account);
		if (!WechatV2Signature.verify(fields, keys.apiKey(), keys.signType())) {
			return failed(outTradeNo, "BAD_RESPONSE_SIGNATURE", "the response sign does not verify", raw);
		}
		if (!matches(fields, "mch_id", account.mchId()) || !matches(fields, "appid", account.appId())
				|| !matches(fields, "out_trade_no", outTradeNo)) {
			return failed(outTradeNo, "RESPONSE_MISMATCH", "the response names another merchant or order", raw);
		}
		return new V2Reply(fields, raw, null);
	}

	private static boolean matches(Map<String, String> fields, String key, String expected) {
		String value = fields.get(key);
		return value == null || value.isEmpty() || expected == null || value.equals(expected);
	}

	private static V2Reply failed(String outTradeNo, String code, String message, String raw) {
		return new V2Reply(null, raw, ProviderAnswer.error(outTradeNo, code, message, raw));
	}

	private HttpRequest xmlRequest(Account account, String path, Map<String, String> fields) {
		return client.request(URI.create(ProviderSupport.base(account, DEFAULT_BASE) + path))
			.header("Content-Type", "text/xml; charset=UTF-8")
			.header("Accept", "text/xml, */*")
			.POST(HttpRequest.BodyPublishers.ofString(WechatV2Xml.write(fields), StandardCharsets.UTF_8))
			.build();
	}

	/** appid, mch_id, the business fields, nonce_str, sign_type and sign (protocols.md A.2). */
	Map<String, String> signed(Account account, Map<String, String> business) {
		WechatV2Keys keys = keys(account);
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("appid", account.appId());
		fields.put("mch_id", account.mchId());
		business.forEach((k, v) -> {
			if (v != null) {
				fields.put(k, v);
			}
		});
		fields.put("nonce_str", nonces.get());
		if (keys.signType() != WechatSignType.MD5) {
			// MD5 is the default when sign_type is absent; HMAC-SHA256 must be named (and is signed like any field)
			fields.put("sign_type", keys.signType().wireName());
		}
		fields.put("sign", WechatV2Signature.sign(fields, keys.apiKey(), keys.signType()));
		return fields;
	}

	private static WechatV2Keys keys(Account account) {
		return account.wechatV2();
	}

	private static ProviderAnswer businessError(String outTradeNo, Map<String, String> f, String raw) {
		String code = f.getOrDefault("err_code", "FAIL");
		if ("ORDERNOTEXIST".equals(code)) {
			return new ProviderAnswer(Status.NOT_FOUND, outTradeNo, null, null, null, null, code, f.get("err_code_des"), raw);
		}
		return ProviderAnswer.error(outTradeNo, code, f.get("err_code_des"), raw);
	}

	/** An answer with the trade's fields; PAID needs transaction_id, total_fee and time_end. */
	private static ProviderAnswer answer(Account account, Status status, String outTradeNo, Map<String, String> f, String raw) {
		try {
			Fen amount = f.containsKey("total_fee") ? Fen.parseFen(f.get("total_fee")) : null;
			String currency = f.getOrDefault("fee_type", "CNY");
			String txn = f.get("transaction_id");
			java.time.Instant paidAt = null;
			String timeEnd = f.get("time_end");
			if (timeEnd != null && !timeEnd.isEmpty()) {
				paidAt = LocalDateTime.parse(timeEnd, COMPACT).atZone(account.zone()).toInstant();
			}
			// no time: the payment stands, its time stays unknown until the bill line gives it (never "now")
			if (status == Status.PAID && (txn == null || txn.isEmpty() || amount == null)) {
				return ProviderAnswer.error(outTradeNo, "UNPARSEABLE", "paid answer without transaction_id or total_fee", raw);
			}
			return new ProviderAnswer(status, outTradeNo, txn == null || txn.isEmpty() ? null : txn, amount, currency,
					paidAt, null, f.get("trade_state_desc"), raw);
		}
		catch (NumberFormatException | DateTimeParseException ex) {
			return ProviderAnswer.error(outTradeNo, "UNPARSEABLE", "bad total_fee or time_end", raw);
		}
	}
}
