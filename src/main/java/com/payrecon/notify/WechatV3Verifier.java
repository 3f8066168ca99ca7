package com.payrecon.notify;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import com.payrecon.account.Account;
import com.payrecon.account.Account.WechatV3Keys;
import com.payrecon.account.Channel;
import com.payrecon.account.ProviderCertificate;
import com.payrecon.account.ProviderCertificate.Kind;
import com.payrecon.account.ProviderCertificates;
import com.payrecon.account.ProviderCertificates.Trigger;
import com.payrecon.order.ProviderPayment;
import com.payrecon.refund.ProviderRefund;
import com.payrecon.refund.RefundStatus;
import com.payrecon.crypto.WechatV3Crypto;
import com.payrecon.support.money.Fen;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * WeChat Pay APIv3 notifications: RSA-SHA256 over {@code timestamp\nnonce\nbody\n} with the platform key named by
 * {@code Wechatpay-Serial} (a configured public key or a platform certificate in force), a timestamp window against
 * replay, then AEAD_AES_256_GCM decryption of the resource.
 */
@Component
class WechatV3Verifier implements ChannelVerifier {

	private static final String SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048";

	/** Duplicate keys are refused (threat case P8); no polymorphic typing is ever enabled (P7). */
	static final JsonMapper STRICT_JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private final Duration tolerance;
	private final ProviderCertificates certificates;

	WechatV3Verifier(NotifyProperties properties, ProviderCertificates certificates) {
		this.tolerance = properties.timestampTolerance();
		this.certificates = certificates;
	}

	@Override
	public Channel channel() {
		return Channel.WECHATPAY_V3;
	}

	@Override
	public Check check(Account account, RawRequest raw) {
		String timestamp = raw.header("Wechatpay-Timestamp");
		String nonce = raw.header("Wechatpay-Nonce");
		String signature = raw.header("Wechatpay-Signature");
		String serial = raw.header("Wechatpay-Serial");
		for (String[] header : new String[][] { { "Wechatpay-Timestamp", timestamp }, { "Wechatpay-Nonce", nonce },
				{ "Wechatpay-Signature", signature }, { "Wechatpay-Serial", serial } }) {
			if (header[1] == null || header[1].isBlank()) {
				return Check.reject(Verdict.BAD_SIGNATURE, "missing header " + header[0]);
			}
		}
		String type = raw.header("Wechatpay-Signature-Type");
		if (type != null && !SIGNATURE_TYPE.equals(type)) {
			return Check.reject(Verdict.BAD_SIGNATURE, "unsupported Wechatpay-Signature-Type");
		}
		WechatV3Keys keys = account.wechatV3();
		PublicKey platformKey = platformKey(account, serial);
		if (platformKey == null) {
			return Check.reject(Verdict.UNKNOWN_KEY, "no platform key with serial " + serial + " is configured"
					+ (account.certificates().downloadPlatformCertificates() ? " or downloaded" : ""))
				.claiming(claimedOutTradeNo(keys, raw.body()));
		}
		if (signature.startsWith("WECHATPAY/SIGNTEST/")) {
			return Check.reject(Verdict.BAD_SIGNATURE, "WeChat Pay signature probe (WECHATPAY/SIGNTEST)");
		}
		if (!WechatV3Crypto.verify(platformKey, WechatV3Crypto.notificationMessage(timestamp, nonce, raw.body()), signature)) {
			return Check.reject(Verdict.BAD_SIGNATURE, "RSA signature over timestamp, nonce and body does not match")
				.claiming(claimedOutTradeNo(keys, raw.body()));
		}
		long seconds;
		try {
			seconds = Long.parseLong(timestamp);
		}
		catch (NumberFormatException ex) {
			return Check.reject(Verdict.REPLAYED, "Wechatpay-Timestamp is not a number");
		}
		Duration skew = Duration.between(Instant.ofEpochSecond(seconds), raw.receivedAt()).abs();
		if (skew.compareTo(tolerance) >= 0) {
			return Check.reject(Verdict.REPLAYED, "Wechatpay-Timestamp is " + skew.toSeconds() + " s away from our clock")
				.claiming(claimedOutTradeNo(keys, raw.body()));
		}

		JsonNode envelope;
		try {
			envelope = STRICT_JSON.readTree(raw.body());
		}
		catch (JacksonException ex) {
			return Check.reject(Verdict.MALFORMED, "JSON refused: " + ex.getOriginalMessage());
		}
		JsonNode resource = envelope.path("resource");
		if (!envelope.path("id").isString() || !resource.isObject()
				|| !"AEAD_AES_256_GCM".equals(resource.path("algorithm").asString(""))
				|| !resource.path("ciphertext").isString() || !resource.path("nonce").isString()) {
			return Check.reject(Verdict.MALFORMED, "not a v3 notification envelope (id, resource, AEAD_AES_256_GCM)");
		}
		String notifyId = envelope.path("id").asString();
		byte[] plaintext;
		try {
			plaintext = WechatV3Crypto.decryptAead(keys.apiV3Key(), resource.path("nonce").asString(),
					resource.path("associated_data").asString(""), resource.path("ciphertext").asString());
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			return Check.reject(Verdict.DECRYPT_FAILED, "resource does not decrypt (AEAD tag, nonce or associated data)");
		}
		String eventType = envelope.path("event_type").asString("");
		JsonNode txn;
		try {
			txn = STRICT_JSON.readTree(plaintext);
		}
		catch (JacksonException ex) {
			return Check.Authenticated.settle(notifyId, null, null, Verdict.INVALID_FIELDS, "decrypted resource is not JSON");
		}
		String outTradeNo = txn.path("out_trade_no").asString(null);
		String txnId = txn.path("transaction_id").asString(null);
		if (eventType.startsWith("REFUND.")) {
			return refund(account, notifyId, eventType, txn);
		}
		if (!"TRANSACTION.SUCCESS".equals(eventType)) {
			return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.NOT_PAID, "event_type " + eventType);
		}
		String mchId = txn.path("mchid").asString(null);
		String appId = txn.path("appid").asString(null);
		if (!Objects.equals(account.mchId(), mchId) || !Objects.equals(account.appId(), appId)) {
			return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.MERCHANT_MISMATCH,
					"expected appid=" + account.appId() + " mchid=" + account.mchId() + ", received appid=" + appId
							+ " mchid=" + mchId);
		}
		String tradeState = txn.path("trade_state").asString("");
		if (!"SUCCESS".equals(tradeState)) {
			return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.NOT_PAID, "trade_state " + tradeState);
		}
		if (outTradeNo == null || outTradeNo.isBlank() || txnId == null || txnId.isBlank()) {
			return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.INVALID_FIELDS,
					"out_trade_no or transaction_id missing");
		}
		JsonNode total = txn.path("amount").path("total");
		if (!total.isIntegralNumber() || !total.canConvertToLong() || total.asLong() < 0) {
			return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.AMOUNT_MISMATCH,
					"amount.total is not a non-negative integer: " + total);
		}
		String currency = txn.path("amount").path("currency").asString("CNY");
		Instant paidAt;
		try {
			paidAt = OffsetDateTime.parse(txn.path("success_time").asString("")).toInstant();
		}
		catch (DateTimeParseException ex) {
			return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.INVALID_FIELDS,
					"success_time is not RFC 3339");
		}
		return Check.Authenticated.payment(notifyId,
				new ProviderPayment(outTradeNo, txnId, Fen.of(total.asLong()), currency, paidAt));
	}

	/**
	 * REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED (protocols-refunds-credentials.md B.4): signed and carrying the
	 * refund's own amount, so a refund made outside PayRecon may be recorded from it. The plaintext's
	 * {@code refund_status} must agree with the event type.
	 */
	private static Check refund(Account account, String notifyId, String eventType, JsonNode r) {
		String outTradeNo = r.path("out_trade_no").asString(null);
		String txnId = r.path("transaction_id").asString(null);
		if (!Objects.equals(account.mchId(), r.path("mchid").asString(null))) {
			return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.MERCHANT_MISMATCH,
					"expected mchid=" + account.mchId() + ", received mchid=" + r.path("mchid").asString(null));
		}
		String state = r.path("refund_status").asString("");
		RefundStatus status = switch (state) {
			case "SUCCESS" -> RefundStatus.SUCCESS;
			case "ABNORMAL" -> RefundStatus.ABNORMAL;
			case "CLOSED" -> RefundStatus.CLOSED;
			default -> null;
		};
		if (status == null || !eventType.equals("REFUND." + state)) {
			return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.INVALID_FIELDS,
					"event_type " + eventType + " with refund_status " + state);
		}
		for (String field : new String[] { "out_trade_no", "transaction_id", "out_refund_no", "refund_id" }) {
			if (r.path(field).asString("").isBlank()) {
				return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.INVALID_FIELDS, "refund without " + field);
			}
		}
		JsonNode refund = r.path("amount").path("refund");
		JsonNode total = r.path("amount").path("total");
		if (!refund.isIntegralNumber() || !refund.canConvertToLong() || refund.asLong() <= 0 || !total.isIntegralNumber()
				|| !total.canConvertToLong() || total.asLong() <= 0) {
			return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.REFUND_MISMATCH,
					"amount.refund / amount.total are not positive integers");
		}
		Instant succeededAt = null;
		if (status == RefundStatus.SUCCESS) {
			try {
				succeededAt = OffsetDateTime.parse(r.path("success_time").asString("")).toInstant();
			}
			catch (DateTimeParseException ex) {
				return Check.Authenticated.settle(notifyId, outTradeNo, txnId, Verdict.INVALID_FIELDS, "success_time is not RFC 3339");
			}
		}
		return new Check.Refunded(notifyId, new ProviderRefund(outTradeNo, txnId, r.path("out_refund_no").asString(),
				r.path("refund_id").asString(), Fen.of(refund.asLong()), Fen.of(total.asLong()), null, status, succeededAt,
				eventType), null, true);
	}

	/**
	 * The key the notification names: a configured public key (exact id) or a platform certificate in force. An
	 * unknown certificate serial of an account in certificate mode is downloaded once (throttled, single flight under
	 * a burst: {@link ProviderCertificates#refresh}) before the notification is answered with the retryable 503; a
	 * {@code PUB_KEY_ID_…} that is not configured is never looked for elsewhere (C.6).
	 */
	private PublicKey platformKey(Account account, String serial) {
		PublicKey configured = account.wechatV3().platformKeys().get(serial);
		if (configured != null) {
			return configured;
		}
		var found = certificates.find(account, Kind.WECHATPAY_PLATFORM, serial);
		if (found.isEmpty() && account.certificates().downloadPlatformCertificates()
				&& !serial.startsWith("PUB_KEY_ID_")
				&& certificates.refresh(account, Kind.WECHATPAY_PLATFORM, serial, Trigger.UNKNOWN_SERIAL)) {
			found = certificates.find(account, Kind.WECHATPAY_PLATFORM, serial);
		}
		return found.map(ProviderCertificate::publicKey).orElse(null);
	}

	/** The order an unverified notification is about, if its resource decrypts with our key; null otherwise. */
	private static String claimedOutTradeNo(WechatV3Keys keys, byte[] body) {
		try {
			JsonNode resource = STRICT_JSON.readTree(body).path("resource");
			byte[] plain = WechatV3Crypto.decryptAead(keys.apiV3Key(), resource.path("nonce").asString(""),
					resource.path("associated_data").asString(""), resource.path("ciphertext").asString(""));
			return STRICT_JSON.readTree(plain).path("out_trade_no").asString(null);
		}
		catch (JacksonException | GeneralSecurityException | IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public Reply acknowledge() {
		return new Reply(204, null, "");
	}

	@Override
	public Reply fail(Verdict verdict, String message) {
		java.util.Map<String, String> error = new java.util.LinkedHashMap<>();
		error.put("code", "FAIL");
		error.put("message", message.length() > 64 ? message.substring(0, 64) : message);
		String body = STRICT_JSON.writeValueAsString(error);
		return new Reply(verdict.httpStatus(), "application/json", body);
	}
}
