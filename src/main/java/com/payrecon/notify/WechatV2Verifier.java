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

	/**
	 * Refund notifications carry no signature; decrypting {@code req_info} with the key derived from the API key is
	 * what authenticates them (protocols.md A.4). Refunds are reconciled from the bill; the notice is recorded.
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
		if (!Objects.equals(account.mchId(), fields.get("mch_id"))) {
			return Check.Authenticated.settle(null, refund.get("out_trade_no"), refund.get("transaction_id"),
					Verdict.MERCHANT_MISMATCH, "refund notice for mch_id=" + fields.get("mch_id"));
		}
		return Check.Authenticated.settle(null, refund.get("out_trade_no"), refund.get("transaction_id"),
				Verdict.REFUND_NOTICE, "refund " + refund.get("out_refund_no") + " " + refund.get("refund_status")
						+ " refund_fee=" + refund.get("refund_fee"));
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
