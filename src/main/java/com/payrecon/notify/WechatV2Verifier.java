package com.payrecon.notify;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

import com.payrecon.account.Account;
import com.payrecon.account.Account.WechatV2Keys;
import com.payrecon.account.Channel;
import com.payrecon.order.ProviderPayment;
import com.payrecon.refund.ProviderRefund;
import com.payrecon.refund.RefundStatus;
import com.payrecon.crypto.MalformedMessageException;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2RefundCipher;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.support.money.Fen;

import org.springframework.stereotype.Component;

/** WeChat Pay APIv2 payment (and refund) notifications: XML, MD5 or HMAC-SHA256 with the API key. */
@Component
class WechatV2Verifier implements ChannelVerifier {

	private static final DateTimeFormatter TIME_END = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");

	@Override
	public Channel channel() {
		return Channel.WECHATPAY_V2;
	}

	@Override
	public Check check(Account account, RawRequest raw) {
		Map<String, String> fields;
		try {
			fields = WechatV2Xml.parse(raw.body());
		}
		catch (MalformedMessageException ex) {
			return Check.reject(Verdict.MALFORMED, "XML refused: " + ex.getMessage());
		}
		WechatV2Keys keys = account.wechatV2();
		String sign = fields.get("sign");
		if ((sign == null || sign.isEmpty()) && fields.containsKey("req_info")) {
			return refund(account, fields, keys);
		}
		String claimed = fields.get("out_trade_no");
		if (sign == null || sign.isEmpty()) {
			return Check.reject(Verdict.BAD_SIGNATURE, "no sign field").claiming(claimed);
		}
		String declared = fields.getOrDefault("sign_type", "");
		WechatSignType received = declared.isEmpty() ? WechatSignType.MD5 : null;
		if (received == null) {
			try {
				received = WechatSignType.fromWire(declared);
			}
			catch (IllegalArgumentException ex) {
				return Check.reject(Verdict.BAD_SIGNATURE, "unknown sign_type").claiming(claimed);
			}
		}
		if (received != keys.signType()) {
			return Check.reject(Verdict.BAD_SIGNATURE,
					"sign_type " + received.wireName() + ", but the account signs with " + keys.signType().wireName())
				.claiming(claimed);
		}
		if (!WechatV2Signature.verify(fields, keys.apiKey(), keys.signType())) {
			return Check.reject(Verdict.BAD_SIGNATURE, keys.signType().wireName() + " signature does not match")
				.claiming(claimed);
		}

		String outTradeNo = fields.get("out_trade_no");
		String txnId = fields.get("transaction_id");
		if (!"SUCCESS".equals(fields.get("return_code"))) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.NOT_PAID,
					"return_code=" + fields.get("return_code"));
		}
		if (!Objects.equals(account.appId(), fields.get("appid")) || !Objects.equals(account.mchId(), fields.get("mch_id"))) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.MERCHANT_MISMATCH,
					"expected appid=" + account.appId() + " mch_id=" + account.mchId() + ", received appid="
							+ fields.get("appid") + " mch_id=" + fields.get("mch_id"));
		}
		if (!"SUCCESS".equals(fields.get("result_code"))) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.NOT_PAID,
					"result_code=" + fields.get("result_code") + " err_code=" + fields.get("err_code"));
		}
		if (isBlank(outTradeNo) || isBlank(txnId)) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.INVALID_FIELDS,
					"out_trade_no or transaction_id missing");
		}
		Fen amount;
		try {
			amount = Fen.parseFen(fields.get("total_fee"));
		}
		catch (NumberFormatException ex) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.AMOUNT_MISMATCH,
					"total_fee is " + ex.getMessage());
		}
		String currency = fields.getOrDefault("fee_type", "");
		currency = currency.isEmpty() ? "CNY" : currency;
		java.time.Instant paidAt;
		try {
			paidAt = LocalDateTime.parse(fields.getOrDefault("time_end", ""), TIME_END).atZone(account.zone()).toInstant();
		}
		catch (DateTimeParseException ex) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.INVALID_FIELDS,
					"time_end is not yyyyMMddHHmmss");
		}
		return Check.Authenticated.payment(null, new ProviderPayment(outTradeNo, txnId, amount, currency, paidAt));
	}

	/** Fields a refund notification must carry (protocols-refunds-credentials.md A.5): a splice cannot leave one out. */
	private static final String[] REFUND_FIELDS = { "transaction_id", "out_trade_no", "refund_id", "out_refund_no",
			"total_fee", "refund_fee", "refund_status" };
	private static final DateTimeFormatter REFUND_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
	private static final java.time.ZoneId BEIJING = java.time.ZoneId.of("Asia/Shanghai");

	/**
	 * Refund notifications carry no signature; decrypting {@code req_info} with the key derived from the API key is
	 * what authenticates them (protocols.md A.4). AES-ECB gives no integrity (threat case B7), so the decrypted part is
	 * parsed with the same hardened parser (P4), every mandatory field is required, and the refund service cross-checks
	 * order, refund number, amounts and refund id with its own record; a refund unknown here is never recorded from
	 * this notice alone but confirmed by a refund query.
	 */
	private Check refund(Account account, Map<String, String> fields, WechatV2Keys keys) {
		byte[] plain;
		try {
			plain = WechatV2RefundCipher.decrypt(fields.get("req_info"), keys.apiKey());
		}
		catch (java.security.GeneralSecurityException | IllegalArgumentException ex) {
			return Check.reject(Verdict.DECRYPT_FAILED, "req_info does not decrypt with this account's key");
		}
		Map<String, String> refund;
		try {
			refund = WechatV2Xml.parse(plain, "root");
		}
		catch (MalformedMessageException ex) {
			return Check.reject(Verdict.MALFORMED, "decrypted req_info refused: " + ex.getMessage());
		}
		String outTradeNo = refund.get("out_trade_no");
		String txnId = refund.get("transaction_id");
		if (!"SUCCESS".equals(fields.get("return_code"))) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.NOT_PAID, "return_code=" + fields.get("return_code"));
		}
		if (!Objects.equals(account.mchId(), fields.get("mch_id"))
				|| (fields.containsKey("appid") && !Objects.equals(account.appId(), fields.get("appid")))) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.MERCHANT_MISMATCH,
					"refund notice for mch_id=" + fields.get("mch_id") + " appid=" + fields.get("appid"));
		}
		for (String field : REFUND_FIELDS) {
			if (isBlank(refund.get(field))) {
				return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.INVALID_FIELDS, "refund notice without " + field);
			}
		}
		String state = refund.get("refund_status");
		RefundStatus status = switch (state) {
			case "SUCCESS" -> RefundStatus.SUCCESS;
			case "CHANGE" -> RefundStatus.ABNORMAL;
			case "REFUNDCLOSE" -> RefundStatus.CLOSED;
			default -> null;
		};
		if (status == null) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.INVALID_FIELDS, "refund_status " + state);
		}
		Fen amount;
		Fen total;
		try {
			amount = Fen.parseFen(refund.get("refund_fee"));
			total = Fen.parseFen(refund.get("total_fee"));
		}
		catch (NumberFormatException ex) {
			return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.REFUND_MISMATCH, "refund_fee or total_fee is "
					+ ex.getMessage());
		}
		java.time.Instant succeededAt = null;
		if (status == RefundStatus.SUCCESS) {
			try {
				succeededAt = LocalDateTime.parse(refund.getOrDefault("success_time", ""), REFUND_TIME).atZone(BEIJING).toInstant();
			}
			catch (DateTimeParseException ex) {
				return Check.Authenticated.settle(null, outTradeNo, txnId, Verdict.INVALID_FIELDS, "success_time is not yyyy-MM-dd HH:mm:ss");
			}
		}
		return new Check.Refunded(null, new ProviderRefund(outTradeNo, txnId, refund.get("out_refund_no"),
				refund.get("refund_id"), amount, total, null, status, succeededAt,
				"v2 " + state + " (" + refund.getOrDefault("refund_request_source", "?") + ")"), null, false);
	}

	@Override
	public Reply acknowledge() {
		return new Reply(200, "text/xml;charset=UTF-8",
				"<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>");
	}

	@Override
	public Reply fail(Verdict verdict, String message) {
		String safe = message.replace("]]>", "]]]]><![CDATA[>");
		return new Reply(verdict.httpStatus(), "text/xml;charset=UTF-8", "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA["
				+ safe + "]]></return_msg></xml>");
	}

	private static boolean isBlank(String s) {
		return s == null || s.isBlank();
	}

}
