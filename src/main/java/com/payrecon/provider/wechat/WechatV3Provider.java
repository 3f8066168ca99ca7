package com.payrecon.provider.wechat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

import com.payrecon.account.Account;
import com.payrecon.account.Account.WechatV3Keys;
import com.payrecon.account.CertificateSource;
import com.payrecon.account.Channel;
import com.payrecon.account.ProviderCertificate;
import com.payrecon.account.ProviderCertificate.Kind;
import com.payrecon.account.ProviderCertificates;
import com.payrecon.account.ProviderCertificates.Trigger;
import com.payrecon.crypto.Keys;
import com.payrecon.provider.HashCheckingInputStream;
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
import com.payrecon.crypto.WechatV3Crypto;
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
 * WeChat Pay APIv3 (JSON, protocols.md B): Native prepay, query by out_trade_no, close, trade bill with the SHA1
 * check. Requests carry a {@code WECHATPAY2-SHA256-RSA2048} Authorization signed with the merchant private key over
 * the path and query exactly as sent (base-url path prefix included); every response below 500 must carry a valid
 * Wechatpay-* signature from a configured platform key within ±5 minutes of our clock, else it is an ERROR with
 * {@code BAD_RESPONSE_SIGNATURE}. Bill files are not signed: their SHA1 is checked at the end of the stream instead.
 * APIv3 has no micropay/reverse for direct merchants here: both answer ERROR {@code UNSUPPORTED}.
 * <p>
 * The key that verifies a response is the one its {@code Wechatpay-Serial} names: a configured WeChat Pay public key
 * ({@code PUB_KEY_ID_…}) or a platform certificate downloaded in certificate mode ({@link #download}); an unknown
 * certificate serial makes {@link ProviderCertificates} download once (throttled) before the response is refused.
 */
@Component
public class WechatV3Provider implements PaymentProvider, CertificateSource {

	private static final Logger log = LoggerFactory.getLogger(WechatV3Provider.class);

	static final String DEFAULT_BASE = "https://api.mch.weixin.qq.com";
	static final Duration TOLERANCE = Duration.ofMinutes(5);
	static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

	static final String PUBLIC_KEY_ID_PREFIX = "PUB_KEY_ID_";

	private final ProviderClient client;
	private final Clock clock;
	private final @Nullable ProviderCertificates certificates;
	private java.util.function.Supplier<String> nonces = () -> ProviderSupport.nonce(32);

	public WechatV3Provider(ProviderClient client, Clock clock) {
		this(client, clock, null);
	}

	@Autowired
	public WechatV3Provider(ProviderClient client, Clock clock, @Nullable ProviderCertificates certificates) {
		this.client = client;
		this.clock = clock;
		this.certificates = certificates;
	}

	/** Fixed nonces, for signing vectors in tests. */
	WechatV3Provider withNonces(java.util.function.Supplier<String> nonces) {
		this.nonces = nonces;
		return this;
	}

	@Override
	public Channel channel() {
		return Channel.WECHATPAY_V3;
	}

	@Override
	public PlaceResult place(Account account, PlaceRequest request) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("appid", account.appId());
		body.put("mchid", account.mchId());
		body.put("description", ProviderSupport.truncateUtf8(request.description(), 127));
		body.put("out_trade_no", request.outTradeNo());
		if (request.expiresAt() != null) {
			body.put("time_expire", DateTimeFormatter.ISO_OFFSET_DATE_TIME
				.format(request.expiresAt().atZone(account.zone()).toOffsetDateTime().withNano(0)));
		}
		body.put("notify_url", request.notifyUrl());
		Map<String, Object> amount = new LinkedHashMap<>(); // the documented field order, deterministic bytes to sign
		amount.put("total", request.amount().value());
		amount.put("currency", request.currency());
		body.put("amount", amount);
		String json = JSON.writeValueAsString(body);
		return client.call(account, "place", () -> {
			V3Reply reply = send(account, "POST", "/v3/pay/transactions/native", json, request.outTradeNo());
			if (reply.error() != null) {
				return ProviderSupport.notPlaced(reply.error());
			}
			if (reply.status() != 200) {
				ProviderAnswer error = errorOf(reply, request.outTradeNo());
				return ProviderSupport.notPlaced(error);
			}
			return ProviderSupport.placed(reply.json().path("code_url").asString(null), "code_url", reply.raw());
		}, ProviderSupport::placeOutcome);
	}

	@Override
	public ProviderAnswer query(Account account, String outTradeNo) {
		String path = "/v3/pay/transactions/out-trade-no/" + segment(outTradeNo) + "?mchid=" + segment(account.mchId());
		return client.call(account, "query", () -> {
			V3Reply reply = send(account, "GET", path, null, outTradeNo);
			if (reply.error() != null) {
				return reply.error();
			}
			if (reply.status() != 200) {
				return errorOf(reply, outTradeNo);
			}
			return transaction(account, outTradeNo, reply);
		}, ProviderClient::classify);
	}

	@Override
	public ProviderAnswer close(Account account, String outTradeNo) {
		String path = "/v3/pay/transactions/out-trade-no/" + segment(outTradeNo) + "/close";
		String json = JSON.writeValueAsString(Map.of("mchid", account.mchId()));
		ProviderAnswer closed = client.call(account, "close", () -> {
			V3Reply reply = send(account, "POST", path, json, outTradeNo);
			if (reply.error() != null) {
				return reply.error();
			}
			if (reply.status() == 204 || reply.status() == 200) {
				return new ProviderAnswer(Status.CLOSED, outTradeNo, null, null, null, null, null, null, reply.raw());
			}
			ProviderAnswer error = errorOf(reply, outTradeNo);
			if ("ORDER_CLOSED".equals(error.errorCode())) {
				return new ProviderAnswer(Status.CLOSED, outTradeNo, null, null, null, null, null, null, reply.raw());
			}
			return error;
		}, ProviderClient::classify);
		if (closed.status() == Status.ERROR
				&& ("ORDERPAID".equals(closed.errorCode()) || "ORDER_PAID".equals(closed.errorCode()))) {
			ProviderAnswer queried = query(account, outTradeNo);
			return queried.status() == Status.PAID ? queried : closed;
		}
		return closed;
	}

	@Override
	public ProviderAnswer micropay(Account account, MicropayRequest request) {
		return ProviderSupport.unsupported(request.outTradeNo(), "payment-code payments use a WeChat Pay v2 account");
	}

	@Override
	public ProviderAnswer reverse(Account account, String outTradeNo) {
		return ProviderSupport.unsupported(outTradeNo, "reverse uses a WeChat Pay v2 account");
	}

	@Override
	public BillDownload bill(Account account, LocalDate day) {
		String path = "/v3/bill/tradebill?bill_date=" + day + "&bill_type=ALL&tar_type=GZIP";
		return client.call(account, "bill", () -> billOnce(account, path),
				d -> new Outcome(d.noBill() ? "no_bill" : d.errorCode() == null ? "downloaded" : "error",
						ProviderClient.isTransient(d.errorCode())));
	}

	private BillDownload billOnce(Account account, String path) {
		V3Reply reply = send(account, "GET", path, null, null);
		if (reply.error() != null) {
			return billError(reply.error().errorCode());
		}
		if (reply.status() != 200) {
			String code = errorOf(reply, null).errorCode();
			return "NO_STATEMENT_EXIST".equals(code) ? new BillDownload(true, code, null, BillDownload.WECHAT_TEXT)
					: billError(code);
		}
		String hashType = reply.json().path("hash_type").asString("");
		String hashValue = reply.json().path("hash_value").asString("");
		String downloadUrl = reply.json().path("download_url").asString("");
		if (!"SHA1".equalsIgnoreCase(hashType) || hashValue.isEmpty()) {
			return billError("UNSUPPORTED_HASH");
		}
		URI uri;
		try {
			uri = client.checkBillUrl(account, downloadUrl);
		}
		catch (RefusedUrlException ex) {
			log.warn("Security: refused a WeChat Pay v3 bill URL for account {}: {}", account.id(), ex.getMessage());
			return billError("REFUSED_URL");
		}
		HttpRequest request = client.request(uri)
			.header("Authorization", authorization(account, "GET", canonical(uri), null))
			.header("Accept", "*/*")
			.GET()
			.build();
		Streamed streamed;
		try {
			streamed = client.download(request);
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
			BufferedInputStream in = new BufferedInputStream(streamed.body());
			in.mark(2);
			byte[] head = in.readNBytes(2);
			in.reset();
			if (head.length == 0) {
				in.close();
				return billError("EMPTY_BILL");
			}
			InputStream plain = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b
					? new CappedInputStream(new GZIPInputStream(in), client.properties().maxBillSize().toBytes()) : in;
			// hash_value is the SHA1 of the uncompressed file (protocols.md B.7)
			return new BillDownload(false, null, new HashCheckingInputStream(plain, "SHA-1", hashValue),
					BillDownload.WECHAT_TEXT);
		}
		catch (IOException ex) {
			try {
				streamed.close();
			}
			catch (IOException ignored) {
				// already failing
			}
			return billError(ProviderClient.errorCode(ex));
		}
	}

	private static BillDownload billError(String code) {
		return new BillDownload(false, code, null, BillDownload.WECHAT_TEXT);
	}

	/**
	 * Codes of a 4xx answer to a refund request after which WeChat did not take it (protocols-refunds-credentials.md
	 * B.2: 4xx is final unless it is the rate limit); anything else stays unknown and is settled by a query.
	 */
	static final java.util.Set<String> REFUND_REFUSED = java.util.Set.of("NOT_ENOUGH", "PARAM_ERROR", "INVALID_REQUEST",
			"RESOURCE_NOT_EXISTS", "ORDER_NOT_EXIST", "USER_ACCOUNT_ABNORMAL", "NO_AUTH", "TRADE_OVERDUE", "MCH_NOT_EXISTS");

	/** {@code POST /v3/refund/domestic/refunds}: the Refund object (usually PROCESSING), REFUSED, or ERROR. */
	@Override
	public RefundAnswer refund(Account account, RefundRequest request) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("out_trade_no", request.outTradeNo());
		body.put("out_refund_no", request.outRefundNo());
		if (request.reason() != null && !request.reason().isBlank()) {
			body.put("reason", ProviderSupport.truncateUtf8(request.reason(), 80));
		}
		if (request.notifyUrl() != null) {
			body.put("notify_url", request.notifyUrl());
		}
		Map<String, Object> amount = new LinkedHashMap<>();
		amount.put("refund", request.amount().value());
		amount.put("total", request.orderAmount().value());
		amount.put("currency", request.currency());
		body.put("amount", amount);
		String json = JSON.writeValueAsString(body);
		return client.call(account, "refund", () -> {
			V3Reply reply = send(account, "POST", "/v3/refund/domestic/refunds", json, request.outTradeNo());
			if (reply.error() != null) {
				return refundError(request.outRefundNo(), reply.error());
			}
			if (reply.status() != 200) {
				ProviderAnswer error = errorOf(reply, request.outTradeNo());
				return RefundAnswer.of(REFUND_REFUSED.contains(error.errorCode()) ? RefundAnswer.Status.REFUSED
						: RefundAnswer.Status.ERROR, request.outTradeNo(), request.outRefundNo(), error.errorCode(),
						error.errorCode(), error.errorMessage(), reply.raw());
			}
			return refundObject(account, request.outTradeNo(), request.outRefundNo(), reply);
		}, ProviderSupport::refundOutcome);
	}

	/** {@code GET /v3/refund/domestic/refunds/{out_refund_no}}: the Refund object; 404 is NOT_FOUND. */
	@Override
	public RefundAnswer queryRefund(Account account, RefundLookup lookup) {
		String path = "/v3/refund/domestic/refunds/" + segment(lookup.outRefundNo());
		return client.call(account, "refund_query", () -> {
			V3Reply reply = send(account, "GET", path, null, lookup.outTradeNo());
			if (reply.error() != null) {
				return refundError(lookup.outRefundNo(), reply.error());
			}
			if (reply.status() == 404) {
				ProviderAnswer error = errorOf(reply, lookup.outTradeNo());
				return RefundAnswer.of(RefundAnswer.Status.NOT_FOUND, lookup.outTradeNo(), lookup.outRefundNo(),
						error.errorCode(), error.errorCode(), error.errorMessage(), reply.raw());
			}
			if (reply.status() != 200) {
				ProviderAnswer error = errorOf(reply, lookup.outTradeNo());
				return RefundAnswer.error(lookup.outTradeNo(), lookup.outRefundNo(), error.errorCode(), error.errorMessage(),
						reply.raw());
			}
			return refundObject(account, lookup.outTradeNo(), lookup.outRefundNo(), reply);
		}, ProviderSupport::refundQueryOutcome);
	}

	/** The v3 Refund object (protocols-refunds-credentials.md B.2): {@code status}, {@code amount.refund}, ... */
	private static RefundAnswer refundObject(Account account, String outTradeNo, String outRefundNo, V3Reply reply) {
		JsonNode r = reply.json();
		if (!Objects.equals(outRefundNo, r.path("out_refund_no").asString(null))
				|| (r.has("out_trade_no") && !Objects.equals(outTradeNo, r.path("out_trade_no").asString(null)))) {
			return RefundAnswer.error(outTradeNo, outRefundNo, "RESPONSE_MISMATCH", "the response names another refund or order",
					reply.raw());
		}
		String state = r.path("status").asString("");
		RefundAnswer.Status status = switch (state) {
			case "SUCCESS" -> RefundAnswer.Status.SUCCESS;
			case "PROCESSING" -> RefundAnswer.Status.PROCESSING;
			case "CLOSED" -> RefundAnswer.Status.CLOSED;
			case "ABNORMAL" -> RefundAnswer.Status.ABNORMAL;
			default -> null;
		};
		if (status == null) {
			return RefundAnswer.error(outTradeNo, outRefundNo, "UNKNOWN_REFUND_STATE", "status " + state, reply.raw());
		}
		JsonNode refund = r.path("amount").path("refund");
		JsonNode total = r.path("amount").path("total");
		if (!refund.isIntegralNumber() || !refund.canConvertToLong() || refund.asLong() < 0) {
			return RefundAnswer.error(outTradeNo, outRefundNo, "UNPARSEABLE", "amount.refund is not an integer", reply.raw());
		}
		java.time.Instant at = null;
		String successTime = r.path("success_time").asString(null);
		try {
			if (successTime != null && !successTime.isEmpty()) {
				at = OffsetDateTime.parse(successTime).toInstant();
			}
		}
		catch (DateTimeParseException ex) {
			return RefundAnswer.error(outTradeNo, outRefundNo, "UNPARSEABLE", "success_time is not RFC 3339", reply.raw());
		}
		Fen orderAmount = total.isIntegralNumber() && total.canConvertToLong() ? Fen.of(total.asLong()) : null;
		return new RefundAnswer(status, r.path("out_trade_no").asString(outTradeNo), outRefundNo,
				r.path("refund_id").asString(null), r.path("transaction_id").asString(null), Fen.of(refund.asLong()),
				orderAmount, at, state, null, null, reply.raw());
	}

	private static RefundAnswer refundError(String outRefundNo, ProviderAnswer error) {
		return RefundAnswer.error(error.outTradeNo(), outRefundNo, error.errorCode(), error.errorMessage(), error.rawResponse());
	}

	/** A verified response (json null for an empty body), or the ERROR answer that replaces it. */
	record V3Reply(int status, JsonNode json, String raw, ProviderAnswer error) {
	}

	private V3Reply send(Account account, String method, String pathAndQuery, String body, String outTradeNo) {
		WechatV3Keys keys = account.wechatV3();
		if (keys.merchantPrivateKey() == null || keys.merchantSerialNo() == null) {
			return failed(outTradeNo, "NOT_CONFIGURED", "merchant-private-key and merchant-serial-no are required", null);
		}
		URI uri = URI.create(ProviderSupport.base(account, DEFAULT_BASE) + pathAndQuery);
		HttpRequest.Builder request = client.request(uri)
			.header("Authorization", authorization(account, method, canonical(uri), body))
			.header("Accept", "application/json");
		keys.platformKeys().keySet().stream().filter(id -> id.startsWith("PUB_KEY_ID_")).findFirst()
			.ifPresent(id -> request.header("Wechatpay-Serial", id));
		if (body != null) {
			request.header("Content-Type", "application/json").method(method,
					HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		Reply reply;
		try {
			reply = client.exchange(request.build());
		}
		catch (IOException ex) {
			return failed(outTradeNo, ProviderClient.errorCode(ex), ex.getMessage(), null);
		}
		String raw = ProviderSupport.utf8(reply.body());
		if (reply.status() >= 500 || reply.status() < 200 || (reply.status() >= 300 && reply.status() < 400)) {
			return failed(outTradeNo, "HTTP_" + reply.status(), null, raw);
		}
		String problem = signatureProblem(account, reply);
		if (problem != null) {
			log.warn("WeChat Pay v3 response for account {} failed verification: {}", account.id(), problem);
			return failed(outTradeNo, "BAD_RESPONSE_SIGNATURE", problem, raw);
		}
		JsonNode json = null;
		if (reply.body().length > 0) {
			try {
				json = JSON.readTree(reply.body());
			}
			catch (JacksonException ex) {
				return failed(outTradeNo, "UNPARSEABLE", "response is not JSON", raw);
			}
			if (json == null || !json.isObject()) {
				return failed(outTradeNo, "UNPARSEABLE", "response is not a JSON object", raw);
			}
		}
		else if (reply.status() == 200) {
			return failed(outTradeNo, "UNPARSEABLE", "empty response", raw);
		}
		return new V3Reply(reply.status(), json, raw, null);
	}

	/** Null when the Wechatpay-* headers verify (protocols.md B.2), else why not. */
	String signatureProblem(Account account, Reply reply) {
		String timestamp = reply.header("Wechatpay-Timestamp");
		String nonce = reply.header("Wechatpay-Nonce");
		String signature = reply.header("Wechatpay-Signature");
		String serial = reply.header("Wechatpay-Serial");
		if (timestamp == null || nonce == null || signature == null || serial == null) {
			return "Wechatpay-* signature headers missing";
		}
		PublicKey key = platformKey(account, serial, true);
		if (key == null) {
			return "unknown Wechatpay-Serial " + serial;
		}
		return signatureProblem(reply, key);
	}

	/** Null when the reply's Wechatpay-* headers verify with {@code key} within ±5 minutes, else why not. */
	private String signatureProblem(Reply reply, PublicKey key) {
		String timestamp = reply.header("Wechatpay-Timestamp");
		String nonce = reply.header("Wechatpay-Nonce");
		String signature = reply.header("Wechatpay-Signature");
		if (timestamp == null || nonce == null || signature == null) {
			return "Wechatpay-* signature headers missing";
		}
		long seconds;
		try {
			seconds = Long.parseLong(timestamp);
		}
		catch (NumberFormatException ex) {
			return "Wechatpay-Timestamp is not a number";
		}
		if (Math.abs(clock.instant().getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
			return "Wechatpay-Timestamp outside ±5 minutes";
		}
		if (!WechatV3Crypto.verify(key, WechatV3Crypto.notificationMessage(timestamp, nonce, reply.body()), signature)) {
			return "Wechatpay-Signature does not verify";
		}
		return null;
	}

	/**
	 * The key named {@code serial}: a configured public key (exact id), else a platform certificate in force; with
	 * {@code refresh}, an unknown certificate serial of an account in certificate mode is downloaded first (once,
	 * throttled; never for a {@code PUB_KEY_ID_…}, which cannot be downloaded). Null when none.
	 */
	@Nullable PublicKey platformKey(Account account, String serial, boolean refresh) {
		PublicKey configured = account.wechatV3().platformKeys().get(serial);
		if (configured != null || certificates == null) {
			return configured;
		}
		var found = certificates.find(account, Kind.WECHATPAY_PLATFORM, serial);
		if (found.isEmpty() && refresh && account.certificates().downloadPlatformCertificates()
				&& !serial.startsWith(PUBLIC_KEY_ID_PREFIX)
				&& certificates.refresh(account, Kind.WECHATPAY_PLATFORM, serial, Trigger.UNKNOWN_SERIAL)) {
			found = certificates.find(account, Kind.WECHATPAY_PLATFORM, serial);
		}
		return found.map(ProviderCertificate::publicKey).orElse(null);
	}

	// ---- certificate mode: GET /v3/certificates (protocols-refunds-credentials.md C.1, C.2) ---------------------

	@Override
	public List<Downloaded> download(Account account, @Nullable String serial) {
		WechatV3Keys keys = account.wechatV3();
		if (keys.merchantPrivateKey() == null || keys.merchantSerialNo() == null) {
			throw new DownloadFailed("merchant-private-key and merchant-serial-no are required to download certificates");
		}
		URI uri = URI.create(ProviderSupport.base(account, DEFAULT_BASE) + "/v3/certificates?algorithm_type=RSA");
		HttpRequest request = client.request(uri)
			.header("Authorization", authorization(account, "GET", canonical(uri), null))
			.header("Accept", "application/json")
			.GET()
			.build();
		Reply reply;
		try {
			reply = client.exchange(request);
		}
		catch (IOException ex) {
			throw new DownloadFailed(ProviderClient.errorCode(ex) + " " + ex.getMessage());
		}
		JsonNode json;
		try {
			json = JSON.readTree(reply.body());
		}
		catch (JacksonException ex) {
			throw new DownloadFailed("HTTP " + reply.status() + ", not JSON");
		}
		if (reply.status() != 200) {
			String code = json == null ? "" : json.path("code").asString("");
			throw new DownloadFailed("HTTP " + reply.status() + " " + code + ("NOT_FOUND".equals(code)
					? " (no platform certificates: the merchant may have switched to a WeChat Pay public key)" : ""));
		}
		Instant now = clock.instant();
		Map<String, X509Certificate> decrypted = new LinkedHashMap<>();
		List<Downloaded> usable = new ArrayList<>();
		for (JsonNode entry : json.path("data")) {
			JsonNode encrypted = entry.path("encrypt_certificate");
			String pem;
			try {
				pem = new String(WechatV3Crypto.decryptAead(keys.apiV3Key(), encrypted.path("nonce").asString(""),
						encrypted.path("associated_data").asString(""), encrypted.path("ciphertext").asString("")),
						StandardCharsets.UTF_8);
			}
			catch (GeneralSecurityException | IllegalArgumentException ex) {
				// only WeChat and the merchant know the APIv3 key: one entry that fails spoils the whole download
				throw new DownloadFailed("an encrypt_certificate does not decrypt with the APIv3 key (AEAD tag)");
			}
			X509Certificate certificate;
			try {
				certificate = Keys.certificate(pem);
			}
			catch (IllegalArgumentException ex) {
				throw new DownloadFailed("a decrypted certificate is not X.509 PEM");
			}
			String certificateSerial = certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
			if (!certificateSerial.equalsIgnoreCase(entry.path("serial_no").asString(""))) {
				throw new DownloadFailed("serial_no " + entry.path("serial_no").asString("") + " is not the serial of its "
						+ "certificate (" + certificateSerial + ")");
			}
			Instant notAfter = certificate.getNotAfter().toInstant();
			try {
				String expire = entry.path("expire_time").asString("");
				if (!expire.isEmpty() && OffsetDateTime.parse(expire).toInstant().isBefore(notAfter)) {
					notAfter = OffsetDateTime.parse(expire).toInstant(); // WeChat ends its use early before a switch
				}
			}
			catch (DateTimeParseException ex) {
				throw new DownloadFailed("expire_time is not RFC 3339");
			}
			decrypted.put(certificateSerial, certificate);
			if (now.isBefore(notAfter)) {
				usable.add(new Downloaded(Kind.WECHATPAY_PLATFORM, certificateSerial, pem,
						certificate.getNotBefore().toInstant(), notAfter));
			}
		}
		if (decrypted.isEmpty()) {
			throw new DownloadFailed("the download lists no certificate");
		}
		// the response is signed by a platform certificate: one we trust already, else one in this very download,
		// whose authenticity the AEAD tag under the APIv3 key has just shown (C.2)
		String signedBy = reply.header("Wechatpay-Serial");
		PublicKey key = signedBy == null ? null : platformKey(account, signedBy, false);
		if (key == null && signedBy != null && decrypted.containsKey(signedBy.toUpperCase(Locale.ROOT))) {
			key = decrypted.get(signedBy.toUpperCase(Locale.ROOT)).getPublicKey();
		}
		String problem = key == null ? "signed by an unknown Wechatpay-Serial " + signedBy : signatureProblem(reply, key);
		if (problem != null) {
			throw new DownloadFailed("the download's own signature: " + problem);
		}
		return usable;
	}

	String authorization(Account account, String method, String canonicalUrl, String body) {
		WechatV3Keys keys = account.wechatV3();
		long timestamp = clock.instant().getEpochSecond();
		String nonce = nonces.get();
		String message = WechatV3Crypto.requestMessage(method, canonicalUrl, timestamp, nonce, body);
		String signature = WechatV3Crypto.sign(keys.merchantPrivateKey(), message.getBytes(StandardCharsets.UTF_8));
		return WechatV3Crypto.authorizationHeader(account.mchId(), keys.merchantSerialNo(), timestamp, nonce, signature);
	}

	static String canonical(URI uri) {
		return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
	}

	static String segment(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static V3Reply failed(String outTradeNo, String code, String message, String raw) {
		return new V3Reply(0, null, raw, ProviderAnswer.error(outTradeNo, code, message, raw));
	}

	/** A verified 4xx: 404 ORDER_NOT_EXIST is NOT_FOUND, anything else an ERROR with the provider's code. */
	private static ProviderAnswer errorOf(V3Reply reply, String outTradeNo) {
		String code = reply.json() == null ? null : reply.json().path("code").asString(null);
		String message = reply.json() == null ? null : reply.json().path("message").asString(null);
		if (reply.status() == 404 && "ORDER_NOT_EXIST".equals(code)) {
			return new ProviderAnswer(Status.NOT_FOUND, outTradeNo, null, null, null, null, code, message, reply.raw());
		}
		return ProviderAnswer.error(outTradeNo, code == null ? "HTTP_" + reply.status() : code, message, reply.raw());
	}

	private static ProviderAnswer transaction(Account account, String outTradeNo, V3Reply reply) {
		JsonNode t = reply.json();
		if (!Objects.equals(account.mchId(), t.path("mchid").asString(null))
				|| !Objects.equals(outTradeNo, t.path("out_trade_no").asString(null))) {
			return ProviderAnswer.error(outTradeNo, "RESPONSE_MISMATCH", "the response names another merchant or order", reply.raw());
		}
		String state = t.path("trade_state").asString("");
		Status status = switch (state) {
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
		JsonNode total = t.path("amount").path("total");
		Fen amount = total.isIntegralNumber() && total.canConvertToLong() && total.asLong() >= 0 ? Fen.of(total.asLong())
				: null;
		String currency = t.path("amount").path("currency").asString("CNY");
		String txn = t.path("transaction_id").asString(null);
		java.time.Instant paidAt = null;
		String successTime = t.path("success_time").asString(null);
		try {
			if (successTime != null && !successTime.isEmpty()) {
				paidAt = OffsetDateTime.parse(successTime).toInstant();
			}
		}
		catch (DateTimeParseException ex) {
			return ProviderAnswer.error(outTradeNo, "UNPARSEABLE", "success_time is not RFC 3339", reply.raw());
		}
		// no time: the payment stands, its time stays unknown until the bill line gives it (never "now")
		if (status == Status.PAID && (txn == null || txn.isEmpty() || amount == null)) {
			return ProviderAnswer.error(outTradeNo, "UNPARSEABLE", "paid answer without transaction_id or amount", reply.raw());
		}
		return new ProviderAnswer(status, outTradeNo, txn, amount, currency, paidAt, null,
				t.path("trade_state_desc").asString(null), reply.raw());
	}
}
