package com.payrecon.provider.alipay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.payrecon.account.Account;
import com.payrecon.account.AlipayCertificateMode;
import com.payrecon.account.CertificateSource;
import com.payrecon.account.Channel;
import com.payrecon.account.ProviderCertificate;
import com.payrecon.account.ProviderCertificate.Kind;
import com.payrecon.account.ProviderCertificates;
import com.payrecon.account.ProviderCertificates.Trigger;
import com.payrecon.crypto.AlipayCertificates;
import com.payrecon.crypto.Keys;
import com.payrecon.provider.PaymentProvider;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.provider.ProviderClient;
import com.payrecon.provider.ProviderClient.CappedInputStream;
import com.payrecon.provider.ProviderClient.Outcome;
import com.payrecon.provider.ProviderClient.RefusedUrlException;
import com.payrecon.provider.ProviderClient.Reply;
import com.payrecon.provider.ProviderClient.Streamed;
import com.payrecon.provider.ProviderSupport;
import com.payrecon.provider.RefundAnswer;
import com.payrecon.crypto.AlipaySignature;
import com.payrecon.crypto.FormCodec;
import com.payrecon.crypto.MalformedMessageException;
import com.payrecon.support.money.Fen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Alipay open-API gateway (protocols.md C): precreate, query, close, pay (bar code), cancel and the trade-bill URL
 * with its GBK zip. Requests are RSA2-signed with the app private key over every parameter but {@code sign}
 * ({@code sign_type} included); a response's {@code sign} must verify with the account's Alipay public key over the
 * exact JSON text of its {@code *_response} member, else it is an ERROR with {@code BAD_RESPONSE_SIGNATURE}. Only an
 * unsigned gateway error (no {@code sign} at all, code other than 10000) keeps its own code, and stays an ERROR.
 * The account's {@code base-url} is the gateway URL (…/gateway.do; a base without it gets {@code /gateway.do}).
 * <p>
 * Certificate mode (protocols-refunds-credentials.md E): requests also carry {@code app_cert_sn} and
 * {@code alipay_root_cert_sn} (signed like every parameter); a response must name its certificate in
 * {@code alipay_cert_sn} and is verified with exactly that one. An SN not seen before is fetched with
 * {@code alipay.open.app.alipaycert.download} ({@link #download}: accepted only when it chains to the configured
 * root certificates) and kept for every node: that is how a rotated Alipay certificate is picked up.
 */
@Component
public class AlipayProvider implements PaymentProvider, CertificateSource {

	private static final Logger log = LoggerFactory.getLogger(AlipayProvider.class);

	static final String DEFAULT_GATEWAY = "https://openapi.alipay.com/gateway.do";
	static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
	static final Charset GBK = Charset.forName("GBK");
	static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

	static final String CERT_DOWNLOAD = "alipay.open.app.alipaycert.download";

	private final ProviderClient client;
	private final Clock clock;
	private final @Nullable ProviderCertificates certificates;

	public AlipayProvider(ProviderClient client, Clock clock) {
		this(client, clock, null);
	}

	@Autowired
	public AlipayProvider(ProviderClient client, Clock clock, @Nullable ProviderCertificates certificates) {
		this.client = client;
		this.clock = clock;
		this.certificates = certificates;
	}

	@Override
	public Channel channel() {
		return Channel.ALIPAY;
	}

	@Override
	public PlaceResult place(Account account, PlaceRequest request) {
		Map<String, Object> biz = new LinkedHashMap<>();
		biz.put("out_trade_no", request.outTradeNo());
		biz.put("total_amount", request.amount().toYuan());
		biz.put("subject", ProviderSupport.truncateUtf8(request.description(), 256));
		if (request.expiresAt() != null) {
			biz.put("time_expire", TIME.format(request.expiresAt().atZone(account.zone())));
		}
		return client.call(account, "place", () -> {
			AliReply reply = send(account, "alipay.trade.precreate", biz, request.notifyUrl(), request.outTradeNo());
			if (reply.error() != null) {
				return ProviderSupport.notPlaced(reply.error());
			}
			if (!"10000".equals(reply.code())) {
				return ProviderSupport.notPlaced(businessError(request.outTradeNo(), reply));
			}
			return ProviderSupport.placed(reply.json().path("qr_code").asString(null), "qr_code", reply.raw());
		}, ProviderSupport::placeOutcome);
	}

	@Override
	public ProviderAnswer query(Account account, String outTradeNo) {
		return client.call(account, "query", () -> {
			AliReply reply = send(account, "alipay.trade.query", Map.of("out_trade_no", outTradeNo), null, outTradeNo);
			if (reply.error() != null) {
				return reply.error();
			}
			if (!"10000".equals(reply.code())) {
				return businessError(outTradeNo, reply);
			}
			JsonNode r = reply.json();
			String tradeStatus = r.path("trade_status").asString("");
			return switch (tradeStatus) {
				case "WAIT_BUYER_PAY" -> answer(account, Status.NOT_PAID, outTradeNo, r, "send_pay_date", reply.raw());
				case "TRADE_SUCCESS", "TRADE_FINISHED" -> answer(account, Status.PAID, outTradeNo, r, "send_pay_date", reply.raw());
				case "TRADE_CLOSED" -> answer(account, refunded(r) ? Status.REFUNDED : Status.CLOSED, outTradeNo, r,
						"send_pay_date", reply.raw());
				default -> ProviderAnswer.error(outTradeNo, "UNKNOWN_TRADE_STATE", "trade_status " + tradeStatus, reply.raw());
			};
		}, ProviderClient::classify);
	}

	/** A close after a full refund reports the refunded amount; a timeout close does not (protocols.md C.2). */
	private static boolean refunded(JsonNode r) {
		for (String field : new String[] { "refund_fee", "refund_amount", "send_back_fee" }) {
			String value = r.path(field).asString("");
			if (!value.isEmpty() && !value.matches("0+(\\.0+)?")) {
				return true;
			}
		}
		return false;
	}

	@Override
	public ProviderAnswer close(Account account, String outTradeNo) {
		ProviderAnswer closed = client.call(account, "close", () -> {
			AliReply reply = send(account, "alipay.trade.close", Map.of("out_trade_no", outTradeNo), null, outTradeNo);
			if (reply.error() != null) {
				return reply.error();
			}
			if ("10000".equals(reply.code())) {
				return new ProviderAnswer(Status.CLOSED, outTradeNo, reply.json().path("trade_no").asString(null), null,
						null, null, null, null, reply.raw());
			}
			return businessError(outTradeNo, reply);
		}, ProviderClient::classify);
		if (closed.status() == Status.ERROR && "ACQ.TRADE_STATUS_ERROR".equals(closed.errorCode())) {
			// not closable: paid meanwhile, or closed already; the signed query says which
			ProviderAnswer queried = query(account, outTradeNo);
			return queried.status() == Status.PAID || queried.status() == Status.CLOSED ? queried : closed;
		}
		return closed;
	}

	@Override
	public ProviderAnswer micropay(Account account, MicropayRequest request) {
		Map<String, Object> biz = new LinkedHashMap<>();
		biz.put("out_trade_no", request.outTradeNo());
		biz.put("scene", "bar_code");
		biz.put("auth_code", request.authCode());
		biz.put("subject", ProviderSupport.truncateUtf8(request.description(), 256));
		biz.put("total_amount", request.amount().toYuan());
		return client.call(account, "micropay", () -> {
			AliReply reply = send(account, "alipay.trade.pay", biz, null, request.outTradeNo());
			if (reply.error() != null) {
				return reply.error();
			}
			String code = reply.code();
			if ("10000".equals(code)) {
				return answer(account, Status.PAID, request.outTradeNo(), reply.json(), "gmt_payment", reply.raw());
			}
			if ("10003".equals(code)) {
				return new ProviderAnswer(Status.USER_PAYING, request.outTradeNo(), reply.json().path("trade_no").asString(null),
						request.amount(), request.currency(), null, "10003", reply.json().path("msg").asString(null), reply.raw());
			}
			ProviderAnswer error = businessError(request.outTradeNo(), reply);
			if ("40004".equals(code) && !ProviderClient.isTransient(error.errorCode())) {
				return new ProviderAnswer(Status.NOT_PAID, request.outTradeNo(), null, request.amount(), request.currency(),
						null, error.errorCode(), error.errorMessage(), reply.raw());
			}
			return error;
		}, answer -> new Outcome(ProviderClient.classify(answer).tag(), false));
	}

	@Override
	public ProviderAnswer reverse(Account account, String outTradeNo) {
		return client.call(account, "reverse", () -> {
			AliReply reply = send(account, "alipay.trade.cancel", Map.of("out_trade_no", outTradeNo), null, outTradeNo);
			if (reply.error() != null) {
				return reply.error();
			}
			if ("10000".equals(reply.code())) {
				if ("Y".equals(reply.json().path("retry_flag").asString(""))) {
					return ProviderAnswer.error(outTradeNo, "RECALL", "retry_flag=Y", reply.raw());
				}
				return new ProviderAnswer(Status.REVERSED, outTradeNo, reply.json().path("trade_no").asString(null), null,
						null, null, null, reply.json().path("action").asString(null), reply.raw());
			}
			return businessError(outTradeNo, reply);
		}, answer -> new Outcome(ProviderClient.classify(answer).tag(), answer.status() == Status.ERROR
				&& (ProviderClient.isTransient(answer.errorCode()) || "RECALL".equals(answer.errorCode()))));
	}

	@Override
	public BillDownload bill(Account account, LocalDate day) {
		return client.call(account, "bill", () -> billOnce(account, day),
				d -> new Outcome(d.noBill() ? "no_bill" : d.errorCode() == null ? "downloaded" : "error",
						ProviderClient.isTransient(d.errorCode())));
	}

	private BillDownload billOnce(Account account, LocalDate day) {
		AliReply reply = send(account, "alipay.data.dataservice.bill.downloadurl.query",
				Map.of("bill_type", "trade", "bill_date", day.toString()), null, null);
		if (reply.error() != null) {
			return billError(reply.error().errorCode());
		}
		if (!"10000".equals(reply.code())) {
			String code = businessError(null, reply).errorCode();
			return "isp.bill_not_exist".equals(code) ? new BillDownload(true, code, null, BillDownload.ALIPAY_CSV_GBK)
					: billError(code);
		}
		URI uri;
		try {
			uri = client.checkBillUrl(account, reply.json().path("bill_download_url").asString(""));
		}
		catch (RefusedUrlException ex) {
			log.warn("Security: refused an Alipay bill URL for account {}: {}", account.id(), ex.getMessage());
			return billError("REFUSED_URL");
		}
		Streamed streamed;
		try {
			streamed = client.download(client.request(uri).GET().build());
		}
		catch (IOException ex) {
			return billError(ProviderClient.errorCode(ex));
		}
		try {
			if (streamed.status() != 200) {
				streamed.close();
				return billError(streamed.status() >= 300 && streamed.status() < 400 ? "REDIRECT_REFUSED"
						: "HTTP_" + streamed.status());
			}
			// entry names are GBK without the zip UTF-8 flag (protocols.md C.6)
			ZipInputStream zip = new ZipInputStream(streamed.body(), GBK);
			ZipEntry entry;
			while ((entry = zip.getNextEntry()) != null) {
				String name = entry.getName();
				if (!entry.isDirectory() && name.endsWith(".csv") && !name.contains("汇总")) {
					return new BillDownload(false, null,
							new CappedInputStream(zip, client.properties().maxBillSize().toBytes()),
							BillDownload.ALIPAY_CSV_GBK);
				}
			}
			zip.close();
			return billError("NO_DETAIL_FILE");
		}
		catch (IOException | IllegalArgumentException ex) {
			try {
				streamed.close();
			}
			catch (IOException ignored) {
				// already failing
			}
			return billError(ex instanceof IOException io ? ProviderClient.errorCode(io) : "UNPARSEABLE");
		}
	}

	private static BillDownload billError(String code) {
		return new BillDownload(false, code, null, BillDownload.ALIPAY_CSV_GBK);
	}

	/**
	 * {@code alipay.trade.refund} with {@code out_request_no} (protocols-refunds-credentials.md D.1): SUCCESS only when
	 * {@code fund_change=Y}; {@code fund_change=N} leaves it unknown (the refund query decides); a business failure
	 * (40004, but ACQ.SYSTEM_ERROR) is REFUSED; anything else ERROR.
	 */
	@Override
	public RefundAnswer refund(Account account, RefundRequest request) {
		Map<String, Object> biz = new LinkedHashMap<>();
		biz.put("out_trade_no", request.outTradeNo());
		biz.put("refund_amount", request.amount().toYuan());
		biz.put("out_request_no", request.outRefundNo());
		if (request.reason() != null && !request.reason().isBlank()) {
			biz.put("refund_reason", ProviderSupport.truncateUtf8(request.reason(), 256));
		}
		return client.call(account, "refund", () -> {
			AliReply reply = send(account, "alipay.trade.refund", biz, null, request.outTradeNo());
			if (reply.error() != null) {
				return refundError(request.outRefundNo(), reply.error());
			}
			if (!"10000".equals(reply.code())) {
				ProviderAnswer error = businessError(request.outTradeNo(), reply);
				boolean refused = "40004".equals(reply.code()) && !ProviderClient.isTransient(error.errorCode());
				return RefundAnswer.of(refused ? RefundAnswer.Status.REFUSED : RefundAnswer.Status.ERROR,
						request.outTradeNo(), request.outRefundNo(), error.errorCode(), error.errorCode(),
						error.errorMessage(), reply.raw());
			}
			JsonNode r = reply.json();
			if (!"Y".equals(r.path("fund_change").asString(""))) {
				return RefundAnswer.error(request.outTradeNo(), request.outRefundNo(), "FUND_CHANGE_N",
						"fund_change is not Y: the refund query decides", reply.raw());
			}
			java.time.Instant at;
			try {
				String time = r.path("gmt_refund_pay").asString("");
				at = time.isEmpty() ? null : LocalDateTime.parse(time, TIME).atZone(account.zone()).toInstant();
			}
			catch (DateTimeParseException ex) {
				at = null;
			}
			return new RefundAnswer(RefundAnswer.Status.SUCCESS, request.outTradeNo(), request.outRefundNo(), null,
					r.path("trade_no").asString(null), request.amount(), null, at, "fund_change=Y", null, null, reply.raw());
		}, ProviderSupport::refundOutcome);
	}

	/**
	 * {@code alipay.trade.fastpay.refund.query} by out_trade_no and out_request_no (protocols-refunds-credentials.md
	 * D.2): {@code refund_status} REFUND_SUCCESS (or absent with a refund_amount: the old rule for synchronous refunds)
	 * is SUCCESS, REFUND_PROCESSING PROCESSING, REFUND_FAIL CLOSED; no refund data at all is NOT_FOUND.
	 */
	@Override
	public RefundAnswer queryRefund(Account account, RefundLookup lookup) {
		Map<String, Object> biz = new LinkedHashMap<>();
		biz.put("out_trade_no", lookup.outTradeNo());
		biz.put("out_request_no", lookup.outRefundNo());
		biz.put("query_options", java.util.List.of("gmt_refund_pay"));
		return client.call(account, "refund_query", () -> {
			AliReply reply = send(account, "alipay.trade.fastpay.refund.query", biz, null, lookup.outTradeNo());
			if (reply.error() != null) {
				return refundError(lookup.outRefundNo(), reply.error());
			}
			if (!"10000".equals(reply.code())) {
				ProviderAnswer error = businessError(lookup.outTradeNo(), reply);
				return RefundAnswer.of(error.status() == Status.NOT_FOUND ? RefundAnswer.Status.NOT_FOUND
						: RefundAnswer.Status.ERROR, lookup.outTradeNo(), lookup.outRefundNo(), error.errorCode(),
						error.errorCode(), error.errorMessage(), reply.raw());
			}
			JsonNode r = reply.json();
			String refundAmount = r.path("refund_amount").asString("");
			String state = r.path("refund_status").asString("");
			String echoed = r.path("out_request_no").asString("");
			if (refundAmount.isEmpty() && state.isEmpty()) {
				return RefundAnswer.of(RefundAnswer.Status.NOT_FOUND, lookup.outTradeNo(), lookup.outRefundNo(),
						"NO_REFUND_DATA", null, "no refund with this request number", reply.raw());
			}
			if (!echoed.isEmpty() && !echoed.equals(lookup.outRefundNo())) {
				return RefundAnswer.error(lookup.outTradeNo(), lookup.outRefundNo(), "RESPONSE_MISMATCH",
						"the response names another refund", reply.raw());
			}
			RefundAnswer.Status status = switch (state) {
				case "", "REFUND_SUCCESS" -> RefundAnswer.Status.SUCCESS;
				case "REFUND_PROCESSING" -> RefundAnswer.Status.PROCESSING;
				case "REFUND_FAIL" -> RefundAnswer.Status.CLOSED;
				default -> null;
			};
			if (status == null) {
				return RefundAnswer.error(lookup.outTradeNo(), lookup.outRefundNo(), "UNKNOWN_REFUND_STATE",
						"refund_status " + state, reply.raw());
			}
			try {
				Fen amount = Fen.parseYuan(refundAmount);
				String total = r.path("total_amount").asString("");
				String time = r.path("gmt_refund_pay").asString("");
				java.time.Instant at = time.isEmpty() ? null
						: LocalDateTime.parse(time.length() > 19 ? time.substring(0, 19) : time, TIME).atZone(account.zone()).toInstant();
				return new RefundAnswer(status, lookup.outTradeNo(), lookup.outRefundNo(), null,
						r.path("trade_no").asString(null), amount, total.isEmpty() ? null : Fen.parseYuan(total), at,
						state.isEmpty() ? "refund_amount=" + refundAmount : state, null, null, reply.raw());
			}
			catch (NumberFormatException | DateTimeParseException ex) {
				return RefundAnswer.error(lookup.outTradeNo(), lookup.outRefundNo(), "UNPARSEABLE",
						"bad refund_amount, total_amount or gmt_refund_pay", reply.raw());
			}
		}, ProviderSupport::refundQueryOutcome);
	}

	private static RefundAnswer refundError(String outRefundNo, ProviderAnswer error) {
		return RefundAnswer.error(error.outTradeNo(), outRefundNo, error.errorCode(), error.errorMessage(), error.rawResponse());
	}

	/** A verified {@code *_response} object with its code, or the ERROR answer that replaces it. */
	record AliReply(String code, JsonNode json, String raw, ProviderAnswer error) {
	}

	private AliReply send(Account account, String method, Map<String, ?> biz, String notifyUrl, String outTradeNo) {
		if (account.alipay().appPrivateKey() == null) {
			return failed(outTradeNo, "NOT_CONFIGURED", "app-private-key is required", null);
		}
		Reply reply;
		try {
			reply = client.exchange(gatewayRequest(account, method, JSON.writeValueAsString(biz), notifyUrl));
		}
		catch (IOException ex) {
			return failed(outTradeNo, ProviderClient.errorCode(ex), ex.getMessage(), null);
		}
		String raw = ProviderSupport.utf8(reply.body());
		if (reply.status() != 200) {
			return failed(outTradeNo, "HTTP_" + reply.status(), null, raw);
		}
		return verified(account, method, raw, outTradeNo);
	}

	/** A signed gateway call: every parameter in the form body. */
	private HttpRequest gatewayRequest(Account account, String method, String bizContent, String notifyUrl) {
		Map<String, String> params = signedParams(account, method, bizContent, notifyUrl);
		return client.request(URI.create(gateway(account)))
			.header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(FormCodec.encode(params, StandardCharsets.UTF_8)))
			.build();
	}

	/** Checks the response's signature over the exact {@code *_response} text (protocols.md C.1). */
	AliReply verified(Account account, String method, String raw, String outTradeNo) {
		return verified(account, method, raw, outTradeNo, true);
	}

	/** With {@code refresh}, an unknown {@code alipay_cert_sn} is downloaded first (not while downloading one). */
	private AliReply verified(Account account, String method, String raw, String outTradeNo, boolean refresh) {
		JsonNode root;
		try {
			root = JSON.readTree(raw);
		}
		catch (JacksonException ex) {
			return failed(outTradeNo, "UNPARSEABLE", "response is not JSON", raw);
		}
		if (root == null || !root.isObject()) {
			return failed(outTradeNo, "UNPARSEABLE", "response is not a JSON object", raw);
		}
		String key = method.replace('.', '_') + "_response";
		if (!root.has(key) && root.has("error_response")) {
			key = "error_response";
		}
		String content;
		try {
			content = AlipaySignature.extractResponseContent(raw, key);
		}
		catch (MalformedMessageException ex) {
			return failed(outTradeNo, "UNPARSEABLE", ex.getMessage(), raw);
		}
		JsonNode response = root.path(key);
		String code = response.path("code").asString("");
		JsonNode sign = root.get("sign");
		if (sign == null && !code.isEmpty() && !"10000".equals(code)) {
			// the gateway leaves some errors unsigned (e.g. a rejected request signature): an ERROR, never more
			ProviderAnswer error = businessError(outTradeNo, new AliReply(code, response, raw, null));
			return failed(outTradeNo, error.errorCode(), "unsigned gateway error: " + error.errorMessage(), raw);
		}
		PublicKey verifyWith = account.alipay().alipayPublicKey();
		if (account.certificates().alipay() != null) {
			String sn = root.path("alipay_cert_sn").asString("");
			verifyWith = sn.isEmpty() ? null : alipayCertificateKey(account, sn, refresh);
			if (verifyWith == null) {
				log.warn("Alipay response for account {} ({}) names {} alipay_cert_sn: not verified", account.id(),
						method, sn.isEmpty() ? "no" : "an unknown or untrusted");
				return failed(outTradeNo, "BAD_RESPONSE_SIGNATURE",
						sn.isEmpty() ? "no alipay_cert_sn in a certificate-mode response" : "unknown alipay_cert_sn " + sn,
						raw);
			}
		}
		if (sign == null || !sign.isString()
				|| !AlipaySignature.verify(content, sign.asString(), verifyWith, "RSA2", StandardCharsets.UTF_8)) {
			log.warn("Alipay response for account {} failed verification ({})", account.id(), method);
			return failed(outTradeNo, "BAD_RESPONSE_SIGNATURE", "the response sign does not verify", raw);
		}
		String echoed = response.path("out_trade_no").asString(null);
		if (outTradeNo != null && echoed != null && !echoed.isEmpty() && !echoed.equals(outTradeNo)) {
			return failed(outTradeNo, "RESPONSE_MISMATCH", "the response names another order", raw);
		}
		return new AliReply(code, response, raw, null);
	}

	Map<String, String> signedParams(Account account, String method, String bizContent, String notifyUrl) {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("app_id", account.appId());
		params.put("method", method);
		params.put("format", "JSON");
		params.put("charset", "utf-8");
		params.put("sign_type", "RSA2");
		params.put("timestamp", TIME.format(clock.instant().atZone(account.zone())));
		params.put("version", "1.0");
		if (notifyUrl != null) {
			params.put("notify_url", notifyUrl);
		}
		params.put("biz_content", bizContent);
		AlipayCertificateMode certificateMode = account.certificates().alipay();
		if (certificateMode != null) {
			params.put("app_cert_sn", certificateMode.appCertSn());
			params.put("alipay_root_cert_sn", certificateMode.rootCertSn());
		}
		params.put("sign", AlipaySignature.sign(AlipaySignature.contentV2(params), account.alipay().appPrivateKey(),
				"RSA2", StandardCharsets.UTF_8));
		return params;
	}

	/** The public key of the Alipay certificate {@code sn}, if this account knows it (or can fetch it) and trusts it. */
	private @Nullable PublicKey alipayCertificateKey(Account account, String sn, boolean refresh) {
		if (certificates == null) {
			AlipayCertificateMode mode = account.certificates().alipay();
			return mode.alipayCertSn().equals(sn) ? mode.alipayCertificate().getPublicKey() : null;
		}
		var found = certificates.find(account, Kind.ALIPAY, sn);
		if (found.isEmpty() && refresh && certificates.refresh(account, Kind.ALIPAY, sn, Trigger.UNKNOWN_SERIAL)) {
			found = certificates.find(account, Kind.ALIPAY, sn);
		}
		return found.map(ProviderCertificate::publicKey).orElse(null);
	}

	/**
	 * {@code alipay.open.app.alipaycert.download} of the certificate {@code sn} (protocols-refunds-credentials.md
	 * E.3): accepted only when it chains to the account's configured root certificates, is in its validity and has
	 * that very SN; the response itself must verify with the certificate it names (the new one included).
	 */
	@Override
	public List<Downloaded> download(Account account, @Nullable String sn) {
		AlipayCertificateMode mode = account.certificates().alipay();
		if (mode == null || sn == null) {
			throw new DownloadFailed("not an Alipay account in certificate mode, or no SN to download");
		}
		if (account.alipay().appPrivateKey() == null) {
			throw new DownloadFailed("app-private-key is required to call " + CERT_DOWNLOAD);
		}
		Reply reply;
		try {
			reply = client.exchange(gatewayRequest(account, CERT_DOWNLOAD,
					JSON.writeValueAsString(Map.of("alipay_cert_sn", sn)), null));
		}
		catch (IOException ex) {
			throw new DownloadFailed(ProviderClient.errorCode(ex) + " " + ex.getMessage());
		}
		String raw = ProviderSupport.utf8(reply.body());
		JsonNode response;
		try {
			response = JSON.readTree(raw).path(CERT_DOWNLOAD.replace('.', '_') + "_response");
		}
		catch (JacksonException ex) {
			throw new DownloadFailed("HTTP " + reply.status() + ", not JSON");
		}
		if (reply.status() != 200 || !"10000".equals(response.path("code").asString(""))) {
			throw new DownloadFailed("HTTP " + reply.status() + " " + response.path("code").asString("") + " "
					+ response.path("sub_code").asString(""));
		}
		List<X509Certificate> chain;
		try {
			chain = AlipayCertificates.chain(response.path("alipay_cert_content").asString(""));
		}
		catch (IllegalArgumentException ex) {
			throw new DownloadFailed("alipay_cert_content: " + ex.getMessage());
		}
		if (!AlipayCertificates.sn(chain.getFirst()).equals(sn)) {
			throw new DownloadFailed("the downloaded certificate's SN is " + AlipayCertificates.sn(chain.getFirst())
					+ ", not " + sn);
		}
		if (!AlipayCertificates.trusted(chain, mode.roots(), clock.instant())) {
			throw new DownloadFailed("the downloaded certificate " + sn + " does not chain to alipay-root-certificate");
		}
		String signedBy = JSON.readTree(raw).path("alipay_cert_sn").asString("");
		PublicKey key = sn.equals(signedBy) ? chain.getFirst().getPublicKey()
				: alipayCertificateKey(account, signedBy, false);
		String content;
		try {
			content = AlipaySignature.extractResponseContent(raw, CERT_DOWNLOAD.replace('.', '_') + "_response");
		}
		catch (MalformedMessageException ex) {
			throw new DownloadFailed(ex.getMessage());
		}
		if (key == null || !AlipaySignature.verify(content, JSON.readTree(raw).path("sign").asString(""), key, "RSA2",
				StandardCharsets.UTF_8)) {
			throw new DownloadFailed("the download response's sign does not verify (alipay_cert_sn " + signedBy + ")");
		}
		StringBuilder pem = new StringBuilder();
		chain.forEach(c -> pem.append(Keys.toPem(c)));
		return List.of(new Downloaded(Kind.ALIPAY, sn, pem.toString(), chain.getFirst().getNotBefore().toInstant(),
				chain.getFirst().getNotAfter().toInstant()));
	}

	static String gateway(Account account) {
		String base = ProviderSupport.base(account, DEFAULT_GATEWAY);
		return base.endsWith(".do") ? base : base + "/gateway.do";
	}

	private static AliReply failed(String outTradeNo, String code, String message, String raw) {
		return new AliReply(null, null, raw, ProviderAnswer.error(outTradeNo, code, message, raw));
	}

	/** ACQ.TRADE_NOT_EXIST is NOT_FOUND; 20000 keeps its code (transient); else the sub_code (or code). */
	private static ProviderAnswer businessError(String outTradeNo, AliReply reply) {
		JsonNode r = reply.json();
		String subCode = r.path("sub_code").asString(null);
		String message = r.path("sub_msg").asString(r.path("msg").asString(null));
		if ("ACQ.TRADE_NOT_EXIST".equals(subCode)) {
			return new ProviderAnswer(Status.NOT_FOUND, outTradeNo, null, null, null, null, subCode, message, reply.raw());
		}
		String code = "20000".equals(reply.code()) || subCode == null || subCode.isEmpty() ? reply.code() : subCode;
		return ProviderAnswer.error(outTradeNo, code, message, reply.raw());
	}

	private static ProviderAnswer answer(Account account, Status status, String outTradeNo, JsonNode r, String timeField,
			String raw) {
		String txn = r.path("trade_no").asString(null);
		Fen amount;
		java.time.Instant paidAt = null;
		try {
			String total = r.path("total_amount").asString(null);
			amount = total == null ? null : Fen.parseYuan(total);
			String time = r.path(timeField).asString(null);
			if (time != null && !time.isEmpty()) {
				paidAt = LocalDateTime.parse(time, TIME).atZone(account.zone()).toInstant();
			}
		}
		catch (NumberFormatException | DateTimeParseException ex) {
			return ProviderAnswer.error(outTradeNo, "UNPARSEABLE", "bad total_amount or " + timeField, raw);
		}
		// no time: the payment stands, its time stays unknown until the bill line gives it (never "now")
		if (status == Status.PAID && (txn == null || txn.isEmpty() || amount == null)) {
			return ProviderAnswer.error(outTradeNo, "UNPARSEABLE", "paid answer without trade_no or total_amount", raw);
		}
		String currency = r.path("trans_currency").asString("CNY");
		return new ProviderAnswer(status, outTradeNo, txn, amount, currency.isEmpty() ? "CNY" : currency, paidAt, null,
				r.path("trade_status").asString(null), raw);
	}
}
